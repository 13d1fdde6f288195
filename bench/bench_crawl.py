"""Benchmark the full ``scrapy crawl monre`` against a bare Scrapy spider, side by side in one run.

    python bench/bench_crawl.py [--articles 2000] [--concurrency 8] [--also 20000] [--repeat 1] [--profile out.prof]

For each N (``--articles``, then every ``--also``) it generates the stand-in portal of N articles
(``python -m standin``, in its own process, so that its CPU is not counted as a crawler's
and it does not share their GIL) and runs against it, each crawler as its own subprocess measured with
``os.wait4`` (user+sys CPU seconds and peak RSS of that one process):

1. ``bare``: ``scrapy runspider bench/bare_spider.py`` (no project settings, no pipelines): the same
   pages, raw dicts;
2. ``monre``: ``scrapy crawl monre`` with every pipeline into a fresh SQLite file;
3. ``incremental``: ``scrapy crawl monre`` again over the unchanged portal into the same file.

Both full crawls use the same concurrency, no delays, no AutoThrottle, robots.txt obeyed, LOG_LEVEL INFO.
It prints wall seconds, pages/s, CPU seconds and peak RSS of each crawl, the ratios monre/bare, the
incremental run, and with ``--also`` the RSS growth between the sizes. It also prints the CPU the portal
spent serving each crawl: when the portal's CPU is close to the crawl's wall time, the portal sets the pace.
``--repeat R`` alternates bare and monre R times and reports, for each, the run of median wall time (on a
shared machine, single runs are noisy). Logs go to ``--workdir``.
``--profile FILE`` runs the monre crawl (of the first N) under cProfile, writing FILE (slower: its
timings are then not comparable).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


@dataclass
class Run:
    name: str
    wall: float
    cpu: float
    rss_mb: float
    requests: int
    items: int
    status: int
    portal_cpu: float = 0.0  # CPU seconds the portal spent serving this crawl

    @property
    def pages_per_s(self) -> float:
        return self.requests / self.wall if self.wall else 0.0


def common_settings(concurrency: int) -> list[str]:
    settings = {
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "0",
        "CONCURRENT_REQUESTS": str(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "ROBOTSTXT_OBEY": "1",
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": "0",
        "REMOTE_CONTROL_ENABLED": "0",
        "DOWNLOAD_TIMEOUT": "60",
    }
    out = []
    for key, value in settings.items():
        out += ["-s", f"{key}={value}"]
    return out


def measure(name: str, command: list[str], cwd: Path, env: dict, log: Path) -> tuple[float, float, float, int]:
    """Run ``command``; return (wall s, user+sys CPU s, peak RSS MB, exit status) of that one process."""
    with open(log, "w") as out:
        start = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def start_portal(articles: int, seed: int, log: Path):
    out = open(log, "w")
    proc = subprocess.Popen([PY, "-m", "standin", "--port", "0", "--articles", str(articles),
                             "--seed", str(seed)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=out, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        raise SystemExit(f"the stand-in portal did not start (see {log})")
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=5).read()
            break
        except OSError:
            time.sleep(0.1)
    return proc, url


def bare_run(url: str, concurrency: int, workdir: Path, tag: str) -> Run:
    stats_file = workdir / f"bare-{tag}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    command = [PY, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"), "-a", f"base_url={url}",
               "-a", f"stats_file={stats_file}", *common_settings(concurrency)]
    # cwd outside the project: no scrapy.cfg above it, so no project settings or pipelines apply.
    wall, cpu, rss, status = measure("bare", command, workdir, env, workdir / f"bare-{tag}.log")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return Run("bare", wall, cpu, rss, stats.get("downloader/request_count", 0),
               stats.get("item_scraped_count", 0), status)


def monre_run(name: str, url: str, db: Path, concurrency: int, workdir: Path, tag: str,
              profile: str | None = None) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prefix = [PY, "-m", "cProfile", "-o", profile] if profile else [PY]
    command = [*prefix, "-m", "scrapy", "crawl", "monre", "-a", f"base_url={url}", "-s", f"SQLITE_PATH={db}",
               *common_settings(concurrency)]
    wall, cpu, rss, status = measure(name, command, ROOT, env, workdir / f"{name}-{tag}.log")
    conn = sqlite3.connect(db)
    try:
        requests, new, updated, status_text = conn.execute(
            "SELECT requests, items_new, items_updated, status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    if status_text != "ok":
        print(f"warning: {name} run status {status_text!r} (see {workdir / f'{name}-{tag}.log'})", file=sys.stderr)
    return Run(name, wall, cpu, rss, requests or 0, (new or 0) + (updated or 0), status)


def portal_cpu(portal) -> float:
    if portal is None:  # somebody else's portal (--base-url): its CPU is not ours to read
        return 0.0
    times = psutil.Process(portal.pid).cpu_times()
    return times.user + times.system


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (its own CPU and RSS: one real run, not a mix)."""
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def bench(articles: int, concurrency: int, workdir: Path, seed: int, profile: str | None,
          repeat: int = 1, base_url: str | None = None) -> dict[str, Run]:
    tag = str(articles) if base_url is None else "url"
    portal, url = (None, base_url.rstrip("/")) if base_url else start_portal(articles, seed,
                                                                           workdir / f"portal-{tag}.log")
    all_runs: dict[str, list[Run]] = {"bare": [], "monre": []}
    try:
        for i in range(repeat):  # alternate the two, so that a noisy minute hits both
            db = workdir / f"monre-{tag}.db"
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            before = portal_cpu(portal)
            all_runs["bare"].append(bare_run(url, concurrency, workdir, f"{tag}-{i}"))
            middle = portal_cpu(portal)
            all_runs["bare"][-1].portal_cpu = middle - before
            all_runs["monre"].append(monre_run("monre", url, db, concurrency, workdir, f"{tag}-{i}",
                                               profile if i == 0 else None))
            all_runs["monre"][-1].portal_cpu = portal_cpu(portal) - middle
        runs = {name: median_run(found) for name, found in all_runs.items()}
        before = portal_cpu(portal)
        runs["incremental"] = monre_run("incremental", url, db, concurrency, workdir, tag)
        runs["incremental"].portal_cpu = portal_cpu(portal) - before
    finally:
        if portal is not None:
            portal.terminate()
            portal.wait()
    if repeat > 1:
        for name, found in all_runs.items():
            print(f"{name} wall s of the {repeat} runs: {', '.join(f'{r.wall:.1f}' for r in found)}")
    return runs


def report(articles: int, concurrency: int, runs: dict[str, Run]) -> None:
    bare, monre, inc = runs["bare"], runs["monre"], runs["incremental"]
    print(f"\nN = {articles} articles, concurrency {concurrency}, delays off")
    print(f"{'crawl':<12} {'requests':>8} {'items':>6} {'wall s':>8} {'pages/s':>8} {'CPU s':>7} {'peak RSS MB':>11} "
          f"{'exit':>4} {'portal CPU s':>12}")
    for run in (bare, monre, inc):
        print(f"{run.name:<12} {run.requests:>8} {run.items:>6} {run.wall:>8.1f} {run.pages_per_s:>8.1f} "
              f"{run.cpu:>7.1f} {run.rss_mb:>11.1f} {run.status:>4} {run.portal_cpu:>12.1f}")
    print(f"{'monre/bare':<12} {monre.requests / max(bare.requests, 1):>8.2f} {'':>6} {monre.wall / bare.wall:>8.2f} "
          f"{monre.pages_per_s / max(bare.pages_per_s, 1e-9):>8.2f} {monre.cpu / bare.cpu:>7.2f} "
          f"{monre.rss_mb / bare.rss_mb:>11.2f}")
    print(f"incremental: {inc.requests} requests in {inc.wall:.1f} s ({inc.items} articles written)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--also", type=int, action="append", default=[], metavar="N",
                        help="also benchmark N articles (repeatable); prints the RSS growth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run bare and monre this many times, alternately; report the run of median wall time")
    parser.add_argument("--workdir", help="where logs and databases go (default: a new temporary folder)")
    parser.add_argument("--profile", metavar="FILE", help="run the first monre crawl under cProfile into FILE")
    parser.add_argument("--base-url", metavar="URL",
                        help="crawl this already running portal (another stand-in) instead of generating one; "
                             "--articles then only labels the output, and --also is not allowed")
    args = parser.parse_args(argv)
    if args.base_url and args.also:
        parser.error("--also generates portals of other sizes: run once per portal with --base-url instead")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="monre-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"logs and databases in {workdir}")
    results = {}
    for i, n in enumerate([args.articles, *args.also]):
        results[n] = bench(n, args.concurrency, workdir, args.seed, args.profile if i == 0 else None, args.repeat,
                           args.base_url)
        report(n, args.concurrency, results[n])
    if args.also:
        small = results[args.articles]
        for n in args.also:
            big = results[n]
            print(f"\npeak RSS {n} / {args.articles} articles: bare {big['bare'].rss_mb / small['bare'].rss_mb:.2f}, "
                  f"monre {big['monre'].rss_mb / small['monre'].rss_mb:.2f}, "
                  f"incremental {big['incremental'].rss_mb / small['incremental'].rss_mb:.2f}")
    failed = [f"{n}:{r.name}" for n, runs in results.items() for r in runs.values() if r.status != 0]
    if failed:
        print(f"non-zero exit: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

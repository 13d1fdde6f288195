"""Peak RSS of ``scrapy crawl monre`` when one listing page lists N articles (issue 11: a huge listing).

    python bench/bench_huge_listing.py --entries 100000 --entries 130000 [--pages 3000] [--project DIR]

Starts the stand-in portal (``python -m standin --fault huge_listing=N``: page 1 of the first
category lists N tiny articles besides its own) in its own process, then runs the crawl in a subprocess and
measures its peak RSS with ``os.wait4``. ``--pages P`` stops the crawl after P responses
(``CLOSESPIDER_PAGECOUNT``; 0 = crawl everything): the peak comes when the listing is parsed and its
articles are queued, in the first seconds, while a whole crawl of 100,000 articles takes a quarter of an
hour. ``--project DIR`` runs the crawler of another checkout (e.g. the code before the fix, from
``git archive``) against the same stand-in. ``DOWNLOAD_MAXSIZE`` is raised to 64 MiB so that a listing of
130,000 entries (10.4 MB) is not cancelled by the 10 MiB guard.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(entries: int) -> tuple[subprocess.Popen, str]:
    portal = subprocess.Popen([sys.executable, "-m", "standin", "--port", "0", "--articles", "8",
                               "--fault", f"huge_listing={entries}"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return portal, portal.stdout.readline().strip()


def crawl(project: Path, url: str, pages: int, workdir: Path) -> dict:
    db, log = workdir / "monre.db", workdir / "crawl.log"
    command = [sys.executable, "-m", "scrapy", "crawl", "monre", "-a", f"base_url={url}", "-s", f"SQLITE_PATH={db}",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS=8",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", f"DOWNLOAD_MAXSIZE={64 * 1024 * 1024}",
               "-s", f"CLOSESPIDER_PAGECOUNT={pages}", "-s", f"LOG_FILE={log}"]
    start = time.monotonic()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(command, cwd=project, env={**os.environ, "PYTHONPATH": str(project)},
                                   stdout=devnull, stderr=devnull)
        _, status, usage = os.wait4(process.pid, 0)
    text = log.read_text(encoding="utf-8", errors="replace")
    stat = lambda name: int(m[1]) if (m := re.search(rf"'{re.escape(name)}': (\d+)", text)) else 0  # noqa: E731
    return {"wall": time.monotonic() - start, "rss_mb": usage.ru_maxrss / 1024, "status": os.waitstatus_to_exitcode(status),
            "responses": stat("response_received_count"), "items": stat("item_scraped_count"),
            "errors": stat("log_count/ERROR"), "too_many": "too many SQL variables" in text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, action="append", required=True)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--project", type=Path, default=ROOT)
    args = parser.parse_args()
    print("| entries | responses | items | errors | 'too many SQL variables' | exit | wall s | peak RSS MB |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for entries in args.entries:
        portal, url = serve(entries)
        try:
            with tempfile.TemporaryDirectory(prefix="monre-huge-") as workdir:
                r = crawl(args.project.resolve(), url, args.pages, Path(workdir))
        finally:
            portal.terminate()
            portal.wait()
        print(f"| {entries:,} | {r['responses']:,} | {r['items']:,} | {r['errors']} | {'yes' if r['too_many'] else 'no'} "
              f"| {r['status']} | {r['wall']:.1f} | {r['rss_mb']:.1f} |", flush=True)


if __name__ == "__main__":
    main()

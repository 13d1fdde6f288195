"""A long crawl shows how far it got: a progress line in the log and in its running ``crawl_runs`` row
(``monre_crawler/progress.py``), here every 0.3 s of a crawl slowed to last a few seconds."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time

from standin import Portal, Site

from .conftest import ROOT, crawl, crawl_command, crawl_env, rows

SLOW = {"CONCURRENT_REQUESTS": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.05",
        "SQLITE_BATCH_SIZE": "5", "MONRE_PROGRESS_INTERVAL": "0.3"}
LINE = re.compile(r"Progress: (\d+) of (\d+) categories done, ([\d,]+) listing pages read, ([\d,]+) articles stored "
                  r"\(([\d,]+) new, ([\d,]+) updated\), ([\d,]+) requests")
# What is left (monre_crawler/estimate.py), after the counts.
LEFT = re.compile(r"(at least )?([\d,]+) listing pages? left in ([\d,]+) categor(?:y|ies) \(about ([\d,]+) articles at "
                  r"([\d.]+) per page\), (?:at least|about) ([\d.,]+ (?:s|min|h)) at the pace of the last ([\d]+ (?:s|min))")
UNKNOWN = re.compile(r"([\d,]+) categor(?:y|ies)'s? size not yet known")


def progress_lines(err: str) -> list[str]:
    return [line.split("Progress: ", 1)[1] for line in err.splitlines() if "Progress: " in line]


def watch(command) -> tuple[subprocess.Popen, str, list[dict]]:
    """Run a crawl; while it runs, read its crawl_runs row (the last one) whenever it says "running: …"."""
    db = command[command.index("-s") + 1].split("=", 1)[1]
    seen_running: list[dict] = []
    proc = subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            conn.row_factory = sqlite3.Row
            row = conn.execute("select * from crawl_runs order by id desc limit 1").fetchone()
            conn.close()
        except sqlite3.Error:
            row = None
        if row and row["status"] == "running" and (row["message"] or "").startswith("running: "):
            seen_running.append(dict(row))
        time.sleep(0.05)
    _, err = proc.communicate(timeout=60)
    return proc, err, seen_running


def test_a_running_crawl_logs_and_records_its_progress(tmp_path):
    site = Site.generate(n_articles=30, seed=21)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        proc, err, seen_running = watch(crawl_command(portal.url, db, settings=SLOW))
    assert proc.returncode == 0, err[-3000:]
    lines = [m.groups() for m in LINE.finditer(err)]
    assert len(lines) >= 2, err[-3000:]
    numbers = [[int(x.replace(",", "")) for x in groups] for groups in lines]
    total_categories = len(site.categories)
    assert all(n[1] == total_categories for n in numbers)
    for earlier, later in zip(numbers, numbers[1:]):  # counts only grow
        assert all(b >= a for a, b in zip(earlier, later))
    assert numbers[-1][4] > 0 and numbers[-1][6] > 0  # articles stored, requests made
    # The running row showed the same kind of progress, and the finished run overwrote it.
    assert seen_running, "the running crawl_runs row never showed progress"
    assert any(r["items_new"] and r["requests"] for r in seen_running)
    final = rows(db, "select status, message, items_new from crawl_runs")[-1]
    assert final["status"] == "ok" and not (final["message"] or "").startswith("running")
    assert final["items_new"] == len(site.live_articles())
    # What is left: the stand-in's pager shows a window of numbers and "»", never its last page as such, so every
    # estimate is a lower bound; here every category has 3 pages, which the window reaches.
    estimates = check_estimates(progress_lines(err), site, seen_running)
    assert estimates and all(bound for bound, _ in estimates)


def check_estimates(lines: list[str], site: Site, seen_running: list[dict], categories=None) -> list[tuple]:
    """Check each progress line's estimate against the stand-in (every category of 3 pages): the pages left, the
    pages read and 3 pages per category not started add up to all the pages. The running row's message is one
    of the lines. Returns (lower bound?, pages left) of the lines that estimate pages left."""
    names = categories or list(site.categories)
    assert {site.n_pages(c) for c in names} == {3}
    estimates = []
    for text in lines:
        read = int(LINE.match("Progress: " + text)[3].replace(",", ""))
        left = LEFT.search(text)
        unknown = UNKNOWN.search(text)
        pages = int(left[2].replace(",", "")) if left else 0
        assert pages + read + 3 * (int(unknown[1]) if unknown else 0) == 3 * len(names), text
        if left:
            estimates.append((bool(left[1]), pages))
    texts = set(lines)
    assert any("listing page" in r["message"] for r in seen_running)
    assert all(r["message"].removeprefix("running: ") in texts for r in seen_running)
    return estimates


def test_a_pager_that_links_its_last_page_gives_an_exact_estimate(tmp_path):
    # The monre profile's guess of a "last page" link ("Cuối"), served by the stand-in's last_page_link fault.
    site = Site.generate(n_articles=30, seed=21)
    names = list(site.categories)[:4]
    db = tmp_path / "monre.db"
    with Portal(site, faults={"last_page_link"}) as portal:
        proc, err, seen_running = watch(crawl_command(portal.url, db, f"categories={','.join(names)}", settings=SLOW))
    assert proc.returncode == 0, err[-3000:]
    estimates = check_estimates(progress_lines(err), site, seen_running, names)
    assert estimates and not any(bound for bound, _ in estimates)


def test_progress_can_be_turned_off(tmp_path):
    site = Site.generate(n_articles=8, seed=22)
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "monre.db",
                       settings={**SLOW, "MONRE_PROGRESS_INTERVAL": "0", "DOWNLOAD_DELAY": "0.01"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Progress:" not in result.stderr

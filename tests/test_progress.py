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


def test_a_running_crawl_logs_and_records_its_progress(tmp_path):
    site = Site.generate(n_articles=30, seed=21)
    db = tmp_path / "monre.db"
    seen_running: list[dict] = []
    with Portal(site) as portal:
        proc = subprocess.Popen(crawl_command(portal.url, db, settings=SLOW), cwd=ROOT, env=crawl_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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


def test_progress_can_be_turned_off(tmp_path):
    site = Site.generate(n_articles=8, seed=22)
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "monre.db",
                       settings={**SLOW, "MONRE_PROGRESS_INTERVAL": "0", "DOWNLOAD_DELAY": "0.01"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Progress:" not in result.stderr

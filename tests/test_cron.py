"""The cron entry point: a log file, a lock, a time limit, and the crawl's exit status."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

from standin import Portal, Site

from .conftest import FAST, ROOT, rows

SCRIPT = ROOT / "scripts" / "cron-crawl.sh"


def run_cron(tmp_path, base_url, *extra, limit="2m"):
    env = {**os.environ, "MONRE_PYTHON": sys.executable, "MONRE_LOG_DIR": str(tmp_path / "logs"),
           "MONRE_LOCK": str(tmp_path / "cron.lock"), "MONRE_TIME_LIMIT": limit, "PYTHONPATH": str(ROOT)}
    args = ["-a", f"base_url={base_url}", "-s", f"SQLITE_PATH={tmp_path / 'monre.db'}"]
    for key, value in FAST.items():
        args += ["-s", f"{key}={value}"]
    return subprocess.run(["bash", str(SCRIPT), *args, *extra], env=env, capture_output=True, text=True,
                          timeout=180)


def test_nightly_run_logs_to_a_file_and_exits_zero(tmp_path):
    with Portal(Site.generate(n_articles=16, seed=2)) as portal:
        result = run_cron(tmp_path, portal.url)
    assert result.returncode == 0, result.stderr
    (log,) = (tmp_path / "logs").iterdir()
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert rows(tmp_path / "monre.db", "select status from crawl_runs") == [{"status": "ok"}]


def test_no_second_run_while_one_holds_the_lock(tmp_path):
    with open(tmp_path / "cron.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_cron(tmp_path, "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "monre: another crawl is still running" in result.stderr
    assert not (tmp_path / "monre.db").exists()


def test_time_limit_stops_the_crawl_gracefully(tmp_path):
    site = Site.generate(n_articles=30, seed=2)
    with Portal(site) as portal:
        result = run_cron(tmp_path, portal.url, "-s", "DOWNLOAD_DELAY=1", "-s", "CONCURRENT_REQUESTS=1",
                          limit="4s")
    assert result.returncode == 124
    assert "monre: the monre crawl ran longer than 4s and was stopped" in result.stderr
    (run,) = rows(tmp_path / "monre.db", "select status, finish_reason from crawl_runs")
    assert run == {"status": "failed", "finish_reason": "shutdown"}


def test_a_failed_crawl_fails_the_cron_job(tmp_path):
    result = run_cron(tmp_path, "http://127.0.0.1:9", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "monre: the monre crawl exited 1" in result.stderr


def test_the_mae_spider_runs_from_cron_too(tmp_path, monkeypatch):
    from standin.mae import Portal as MaePortal, Site as MaeSite

    monkeypatch.setenv("MONRE_SPIDER", "mae")
    with MaePortal(MaeSite.generate(n_articles=12, seed=1)) as portal:
        result = run_cron(tmp_path, portal.url)
    assert result.returncode == 0, result.stderr
    (log,) = (tmp_path / "logs").iterdir()
    assert log.name.endswith("-mae.log") and "Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert rows(tmp_path / "monre.db", "select spider, status from crawl_runs") == [{"spider": "mae", "status": "ok"}]


def test_an_unknown_spider_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MONRE_SPIDER", "other")
    result = run_cron(tmp_path, "http://127.0.0.1:9")
    assert result.returncode == 2 and "MONRE_SPIDER must be monre or mae" in result.stderr

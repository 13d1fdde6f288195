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
    # 60 articles at a request a second: the crawl is still running when the limit stops it, even on a
    # loaded machine where Scrapy takes seconds to start (a stop during start-up leaves no run to check).
    site = Site.generate(n_articles=60, seed=2)
    with Portal(site) as portal:
        result = run_cron(tmp_path, portal.url, "-s", "DOWNLOAD_DELAY=1", "-s", "CONCURRENT_REQUESTS=1",
                          limit="12s")
    assert result.returncode == 124
    assert "monre: the monre crawl ran longer than 12s and was stopped" in result.stderr
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
    assert result.returncode == 2 and "monre: MONRE_SPIDER=other cannot be used: must be monre or mae" in result.stderr


def refused(tmp_path, **env):
    """Run the wrapper with ``env`` overriding the test's usable defaults; it must refuse at once."""
    base = {**os.environ, "MONRE_PYTHON": sys.executable, "MONRE_LOG_DIR": str(tmp_path / "logs"),
            "MONRE_LOCK": str(tmp_path / "cron.lock"), "MONRE_TIME_LIMIT": "2m", "PYTHONPATH": str(ROOT)}
    base.update(env)
    result = subprocess.run(["bash", str(SCRIPT), "-a", "base_url=http://127.0.0.1:9", "-s",
                             f"SQLITE_PATH={tmp_path / 'monre.db'}"], env=base, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not (tmp_path / "monre.db").exists()
    return lines[0]


def test_an_unusable_lock_is_named(tmp_path):
    (tmp_path / "a-folder").mkdir()
    line = refused(tmp_path, MONRE_LOCK=str(tmp_path / "a-folder"))
    assert line.startswith(f"monre: MONRE_LOCK={tmp_path / 'a-folder'} cannot be used")
    assert "another crawl" not in line


def test_a_lock_under_a_file_is_named(tmp_path):
    (tmp_path / "plain-file").write_text("x")
    line = refused(tmp_path, MONRE_LOCK=str(tmp_path / "plain-file" / "cron.lock"))
    assert line.startswith(f"monre: MONRE_LOCK={tmp_path / 'plain-file' / 'cron.lock'} cannot be used")


def test_an_unusable_log_dir_is_named(tmp_path):
    (tmp_path / "plain-file").write_text("x")
    line = refused(tmp_path, MONRE_LOG_DIR=str(tmp_path / "plain-file"))
    assert line.startswith(f"monre: MONRE_LOG_DIR={tmp_path / 'plain-file'} cannot be used")
    assert "Traceback" not in line


def test_a_bad_time_limit_is_named(tmp_path):
    line = refused(tmp_path, MONRE_TIME_LIMIT="abc")
    assert line.startswith("monre: MONRE_TIME_LIMIT=abc cannot be used: not a duration")
    assert not (tmp_path / "logs").exists() or not list((tmp_path / "logs").iterdir())


def test_a_missing_python_is_named(tmp_path):
    line = refused(tmp_path, MONRE_PYTHON=str(tmp_path / "no-such-python"))
    assert line.startswith(f"monre: MONRE_PYTHON={tmp_path / 'no-such-python'} cannot be used")


def test_log_paths_are_absolute(tmp_path):
    """A relative MONRE_LOG_DIR is the project's folder: the path printed is absolute and exists."""
    log_dir = f"logs-test-{os.getpid()}"
    try:
        env = {**os.environ, "MONRE_PYTHON": sys.executable, "MONRE_LOG_DIR": log_dir,
               "MONRE_LOCK": str(tmp_path / "cron.lock"), "MONRE_TIME_LIMIT": "2m", "PYTHONPATH": str(ROOT)}
        result = subprocess.run(["bash", str(SCRIPT), "-a", "base_url=http://127.0.0.1:9", "-s", "RETRY_TIMES=0",
                                 "-s", f"SQLITE_PATH={tmp_path / 'monre.db'}"], env=env, capture_output=True,
                                text=True, timeout=180)
        assert result.returncode == 1
        (path,) = [w.rstrip(".") for w in result.stderr.split() if w.endswith(".log")]
        assert path.startswith(str(ROOT / log_dir) + "/") and os.path.exists(path)
    finally:
        import shutil
        shutil.rmtree(ROOT / log_dir, ignore_errors=True)

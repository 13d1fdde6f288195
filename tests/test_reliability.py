"""Reliability, end to end: the real ``scrapy crawl monre`` against the stand-in portal, meeting each failure.

Killed (SIGKILL at many moments, SIGTERM, SIGINT), a portal that is down, slow, resets or answers error pages,
broken pages, readers polling the archive while it is written, two crawls at once, and an archive that cannot
be used. Each test is bounded: small sites (``per_page=4``) and a timeout on every subprocess.
"""

from __future__ import annotations

import json
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from standin import Portal, Site
from standin.server import is_article_path
from monre_crawler.schema import SCHEMA_VERSION

from .utils import open_store
from .conftest import ROOT, articles_by_path, crawl, crawl_command, crawl_env, rows

# One request at a time, a little apart, small batches: a kill lands mid-crawl, between several commits.
SLOW = {"CONCURRENT_REQUESTS": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.03",
        "SQLITE_BATCH_SIZE": "5"}


def iso(value):
    if value is None:
        return None
    text = value.isoformat()
    return text + "+07:00" if hasattr(value, "hour") and value.tzinfo is None else text


def start(portal, db, *args, settings=None) -> subprocess.Popen:
    return subprocess.Popen(crawl_command(portal.url, db, *args, settings={**SLOW, **(settings or {})}), cwd=ROOT,
                            env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_requests(portal, proc, k: int, timeout: float = 60) -> int:
    """Wait until the portal has served ``k`` requests (or the crawl ended); return how many it had."""
    deadline = time.monotonic() + timeout
    while len(portal.requests) < k and proc.poll() is None:
        assert time.monotonic() < deadline, f"the crawl made only {len(portal.requests)} requests"
        time.sleep(0.002)
    return len(portal.requests)


def finish(proc, timeout: float = 60) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def assert_whole(db) -> None:
    """The archive is a sound SQLite file and every article row is complete and linked to a category."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return  # killed while creating it: an empty database, schema not committed
        half = conn.execute(
            "SELECT url FROM articles WHERE title IS NULL OR title = '' OR body_text IS NULL OR content_hash IS NULL "
            "OR content_hash = '' OR first_seen_at IS NULL "
            "OR id NOT IN (SELECT articles_id FROM articles_categories)").fetchall()
        assert half == []
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        # the full-text index holds exactly the stored articles
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == n
    finally:
        conn.close()


def assert_complete(db, site, faults=(), *, exclude=()) -> None:
    """Every article the site should give is stored, right, and nothing else."""
    stored = articles_by_path(db)
    expected = {p.lower(): e for p, e in site.expected_articles(faults).items() if e.slug.lower() not in exclude}
    optional = {a.path.lower() for a in site.optional_articles(faults)}
    assert sorted(set(expected) - set(stored)) == []
    assert sorted(set(stored) - set(expected) - optional) == []
    wrong = {}
    for path, e in expected.items():
        row = stored[path]
        want = (e.title, iso(e.published), e.body_text, sorted(e.categories))
        got = (row["title"], row["published_at"], row["body_text"], row["categories"])
        if want != got:
            wrong[path] = (want, got)
    assert wrong == {}


def stats_value(log: str, key: str):
    match = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(match.group(1)) if match else None


# --- 1. SIGKILL at any moment ----------------------------------------------------------------------------------


def _total_requests(site, tmp_path) -> int:
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "probe.db")
        assert result.returncode == 0, result.stderr[-2000:]
        return len(portal.requests)


@pytest.fixture(scope="module")
def kill_total(tmp_path_factory):
    site = Site.generate(n_articles=36, seed=21)
    return _total_requests(site, tmp_path_factory.mktemp("total"))


@pytest.mark.parametrize("share", [None, 0.0, 0.15, 0.4, 0.7, 0.95, 1.0])
def test_sigkill_at_any_moment_then_rerun_completes(tmp_path, kill_total, share):
    """kill -9 after the portal served ``share`` of a crawl's requests: the archive is whole, the rerun
    (incremental) brings the full, correct set of articles."""
    site = Site.generate(n_articles=36, seed=21)
    db = tmp_path / "monre.db"
    k = max(1, round((share or 0) * kill_total))
    with Portal(site) as portal:
        proc = start(portal, db)
        if share is None:  # as soon as the archive file appears: while it is being created
            deadline = time.monotonic() + 30
            while not db.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            served = 0
        else:
            served = wait_for_requests(portal, proc, k)
        proc.kill()
        proc.wait(10)
        if db.exists():
            assert_whole(db)
            tables = {r["name"] for r in rows(db, "select name from sqlite_master where type = 'table'")}
            runs = rows(db, "select status from crawl_runs") if "crawl_runs" in tables else []
            assert runs in ([], [{"status": "running"}], [{"status": "ok"}])
        print(f"killed after {served} of {kill_total} requests;", end=" ")
        result = crawl(portal.url, db)
        assert result.returncode == 0, (served, result.stderr[-3000:])
    assert_whole(db)
    assert_complete(db, site)
    runs = rows(db, "select status, finish_reason from crawl_runs order by id")
    assert runs[-1] == {"status": "ok", "finish_reason": "finished"}
    assert all(r in ({"status": "failed", "finish_reason": "killed"}, {"status": "ok", "finish_reason": "finished"})
               for r in runs[:-1])


def test_sigkill_repeatedly_while_the_portal_publishes(tmp_path):
    """Killed again and again while new articles push older ones to later pages: nothing is stranded."""
    site = Site.generate(n_articles=36, seed=22)
    db = tmp_path / "monre.db"
    first_category = list(site.categories)[0]
    with Portal(site) as portal:
        for k, new in ((25, 6), (30, 5), (12, 4)):  # the second and third kills hit incremental runs
            before = len(portal.requests)
            proc = start(portal, db)
            wait_for_requests(portal, proc, before + k)
            proc.kill()
            proc.wait(10)
            assert_whole(db)
            site.add_articles(new, category=first_category)  # older articles move down a page or more
            site.add_articles(2)
        result = crawl(portal.url, db)
        assert result.returncode == 0, result.stderr[-3000:]
        assert_whole(db)
        assert_complete(db, site)
        # once complete, an incremental run fetches no article again
        portal.reset_log()
        site.add_articles(3, category=first_category)
        result = crawl(portal.url, db)
        assert result.returncode == 0, result.stderr[-3000:]
        assert len(portal.article_requests()) == 3
    assert_complete(db, site)


def test_sigkill_after_a_complete_run_with_new_articles(tmp_path):
    """A complete archive, new articles published, the incremental run killed: the next run gets them all."""
    site = Site.generate(n_articles=36, seed=23)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        assert crawl(portal.url, db).returncode == 0
        for category in list(site.categories)[:3]:
            site.add_articles(9, category=category)  # more than two pages of new articles
        before = len(portal.requests)
        proc = start(portal, db)
        wait_for_requests(portal, proc, before + 20)
        proc.kill()
        proc.wait(10)
        assert_whole(db)
        result = crawl(portal.url, db)
        assert result.returncode == 0, result.stderr[-3000:]
    assert_complete(db, site)


# --- 2. SIGTERM, SIGINT: a graceful stop ------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_graceful_stop_writes_what_it_holds_and_records_shutdown(tmp_path, signum):
    site = Site.generate(n_articles=36, seed=24)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        proc = start(portal, db, settings={"SQLITE_BATCH_SIZE": "1000", "SQLITE_FLUSH_SECONDS": "600"})
        wait_for_requests(portal, proc, 30)
        proc.send_signal(signum)
        code, err = finish(proc)
        assert code == 1, err[-3000:]
        assert err.strip().splitlines()[-1].startswith("monre: run 1 failed:")
        assert "Traceback" not in err
        assert_whole(db)
        (run,) = rows(db, "select * from crawl_runs")
        assert (run["status"], run["finish_reason"]) == ("failed", "shutdown")
        stored = rows(db, "select count(*) n from articles")[0]["n"]
        # nothing was committed before the stop (one batch for the whole run): what it held was written
        assert stored > 0 and run["items_new"] == stored == stats_value(err, "monre/items/new")
        kept = {urlsplit(r["url"]).path.lower() for r in rows(db, "select url from articles")}
        before = len(portal.requests)
        result = crawl(portal.url, db)
        assert result.returncode == 0, result.stderr[-3000:]
        # the next night resumes: it fetches what the stopped run had not stored, and nothing it had
        fetched = {urlsplit(r.path).path.lower() for r in portal.requests[before:] if is_article_path(r.path)}
        assert fetched and not fetched & kept
    assert_complete(db, site)


# --- 3. Portal faults ----------------------------------------------------------------------------------------


def test_portal_down_fails_and_damages_nothing(tmp_path):
    site = Site.generate(n_articles=30, seed=25)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        assert crawl(portal.url, db).returncode == 0
    before = rows(db, "select * from articles order by id")
    links = rows(db, "select * from articles_categories order by 1, 2")
    state = rows(db, "select * from crawl_state order by category")
    with Portal(site, faults={"down"}) as portal:
        result = crawl(portal.url, db, settings={"RETRY_TIMES": "1"})
        assert len(portal.requests) >= 2  # the home page, retried
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("monre: run 2 failed: cannot reach the portal at ")
    assert rows(db, "select status from crawl_runs order by id") == [{"status": "ok"}, {"status": "failed"}]
    assert rows(db, "select * from articles order by id") == before
    assert rows(db, "select * from articles_categories order by 1, 2") == links
    assert rows(db, "select * from crawl_state order by category") == state
    assert_whole(db)


def test_slow_reset_500_and_error_pages_are_retried_then_counted(tmp_path):
    site = Site.generate(n_articles=36, seed=26)
    faults = {"slow": 3, "reset": 1, "error_500_once": 1, "error_page_200": True}
    plan = site.fault_plan(faults)
    db = tmp_path / "monre.db"
    with Portal(site, faults=faults) as portal:
        result = crawl(portal.url, db, settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1"})
        hits = [urlsplit(r.path).path.lower() for r in portal.article_requests()]
    log = result.stderr
    assert result.returncode == 4, log[-3000:]  # incomplete: the slow article and the error pages are lost
    (slow,) = plan.victims["slow"]
    error_pages = plan.victims["error_page_200"]
    # the timed-out article was retried, then logged and counted; the crawl went on
    assert hits.count(f"/pages/{slow}.aspx") == 2
    assert re.search(rf"ERROR: Could not fetch \S*/{re.escape(slow)}\.aspx\S*: .*(Timeout|took longer)", log, re.I)
    # reset and 500 once: retried and stored
    for victim in plan.victims["reset"] + plan.victims["error_500_once"]:
        assert hits.count(f"/pages/{victim}.aspx") == 2
    # error pages served with 200: retried, never stored, logged and counted
    for victim in error_pages:
        assert hits.count(f"/pages/{victim}.aspx") == 2
        assert re.search(rf"ERROR: \S*/{re.escape(victim)}\.aspx\S* answered with an error page", log, re.I)
    assert stats_value(log, "monre/errors/error_page") == 2
    (run,) = rows(db, "select errors, status, items_lost from crawl_runs")
    assert run == {"errors": 3, "status": "incomplete", "items_lost": 3}
    assert_complete(db, site, faults, exclude={slow, *error_pages})


def test_retries_back_off(tmp_path):
    """The portal sees the retries of a failing URL spaced by RETRY_BACKOFF_BASE, then twice that."""
    site = Site.generate(n_articles=30, seed=27)
    plan = site.fault_plan({"always_500"})
    (victim,) = plan.victims["always_500"]
    category = site.get(victim).categories[0]
    db = tmp_path / "monre.db"
    with Portal(site, faults={"always_500"}) as portal:
        seen = []
        record = portal._record
        portal._record = lambda req: (seen.append((time.monotonic(), req.path)), record(req))
        result = crawl(portal.url, db, f"categories={category}",
                       settings={"RETRY_BACKOFF_BASE": "0.4", "RETRY_TIMES": "2"})
    assert result.returncode == 4, result.stderr[-3000:]  # incomplete: the article is lost
    times = [t for t, path in seen if urlsplit(path).path.lower() == f"/pages/{victim}.aspx"]
    assert len(times) == 3
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[0] >= 0.4 and gaps[1] >= 0.8, gaps
    assert re.search(rf"ERROR: Could not fetch \S*/{re.escape(victim)}\.aspx\S*: HTTP 500", result.stderr)


# --- 4. Broken pages -------------------------------------------------------------------------------------------

BROKEN = {"no_title": True, "no_date": True, "huge": 400_000, "endless_pagination": True, "offsite_redirect": True,
          "truncated": True, "invalid_utf8": True, "no_charset": True}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    site = Site.generate(n_articles=40, seed=28)
    db = tmp_path_factory.mktemp("broken") / "monre.db"
    with Portal(site, faults=BROKEN) as portal:
        result = crawl(portal.url, db, settings={"DOWNLOAD_MAXSIZE": "200000", "DOWNLOAD_WARNSIZE": "100000"},
                       timeout=120)
        requests = portal.requests
    return site, site.fault_plan(BROKEN), db, result, requests


def test_broken_pages_crawl_goes_on(broken):
    site, plan, db, result, _ = broken
    # incomplete: the page over DOWNLOAD_MAXSIZE, the page without a title and the article redirected off the
    # portal are lost (named in the run), the rest stored
    assert result.returncode == 4, result.stderr[-3000:]
    lost = {plan.victims[fault][0] for fault in ("huge", "no_title", "offsite_redirect")}
    (run,) = rows(db, "select items_lost, lost from crawl_runs")
    assert run["items_lost"] == 3, run["lost"]
    assert sorted(urlsplit(r["url"]).path.lower() for r in json.loads(run["lost"])) == sorted(
        f"/pages/{slug}.aspx" for slug in lost)
    assert_whole(db)
    assert_complete(db, site, BROKEN)


def test_page_without_a_title_is_dropped_logged_and_counted(broken):
    """The page has no heading and an empty <title>: not stored (its listing's title is not the page's own),
    the reason logged, counted in the run's items_dropped."""
    site, plan, db, result, _ = broken
    (victim,) = plan.victims["no_title"]
    assert f"/pages/{victim}.aspx" not in articles_by_path(db)
    assert re.search(rf"no title found on \S*/{re.escape(victim)}\.aspx", result.stderr, re.I)
    (run,) = rows(db, "select items_dropped from crawl_runs")
    assert run["items_dropped"] == 1


def test_an_article_without_any_title_is_dropped_logged_and_counted(tmp_path):
    """No title anywhere (not even in the listing): dropped with the reason logged, counted in items_dropped."""
    from scrapy.exceptions import DropItem
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from monre_crawler.items import ArticleItem
    from monre_crawler.pipelines.required_fields import RequiredFieldsPipeline

    stats = MemoryStatsCollector(get_crawler())
    pipeline = RequiredFieldsPipeline(stats)
    with pytest.raises(DropItem, match=r"no title found on http://x/Pages/a\.aspx"):
        pipeline.process_item(ArticleItem(id="a", url="http://x/Pages/a.aspx", body_text="text"))
    assert stats.get_value("monre/dropped/no_title") == 1


def test_no_date_is_stored_without_a_date(broken):
    site, plan, db, *_ = broken
    (victim,) = plan.victims["no_date"]
    row = articles_by_path(db)[f"/pages/{victim}.aspx"]
    assert row["published_at"] is None and row["title"]


def test_huge_page_is_refused_and_logged(broken):
    site, plan, db, result, _ = broken
    (victim,) = plan.victims["huge"]
    assert f"/pages/{victim}.aspx" not in articles_by_path(db)
    assert re.search(rf"ERROR: .*{re.escape(victim)}\.aspx", result.stderr, re.I)


def test_endless_pagination_terminates_with_every_article(broken):
    site, plan, db, result, requests = broken
    category = plan.endless_category
    stored = articles_by_path(db)
    optional = {a.path.lower() for a in site.optional_articles(BROKEN)}
    live = {a.path.lower() for a in site.live_articles(BROKEN)}
    paths = {a.path.lower() for a in site.articles_in(category)}
    assert paths & live and sorted((paths & live) - set(stored)) == []
    assert paths - live <= optional
    listing = [r for r in requests if "chuyenmuc" in r.path.lower() and category in _unquote(r.path)]
    assert len(listing) <= site.n_pages(category) + 2


def _unquote(path: str) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(path)


def test_offsite_redirect_is_not_followed(broken):
    site, plan, db, result, requests = broken
    (victim,) = plan.victims["offsite_redirect"]
    log = result.stderr
    assert re.search(rf"WARNING: Not followed: http://example\.invalid/Pages/{re.escape(victim)}\.aspx "
                     rf"\(redirected from \S*/{re.escape(victim)}\.aspx: another site\)", log, re.I)
    assert stats_value(log, "monre/offsite_redirects") == 1
    assert "DNSLookupError" not in log
    # every request the crawler sent reached the stand-in portal on 127.0.0.1
    assert stats_value(log, "downloader/request_count") == len(requests)
    assert f"/pages/{victim}.aspx" not in articles_by_path(db)


# --- 5. Readers ----------------------------------------------------------------------------------------------


def _poll(db, stop: threading.Event, errors: list, counts: list) -> None:
    uri = f"file:{db}?mode=ro"
    kept = sqlite3.connect(uri, uri=True, check_same_thread=False)  # as Datasette keeps its connections
    try:
        while not stop.is_set():
            for conn in (kept, None):
                fresh = conn is None
                try:
                    if fresh:
                        conn = sqlite3.connect(uri, uri=True)
                    conn.execute("select count(*) from articles").fetchone()
                    conn.execute("select rowid from articles_fts where articles_fts match 'dat'").fetchall()
                    conn.execute("select * from crawl_runs order by id desc limit 1").fetchall()
                    counts.append(1)
                except sqlite3.Error as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                finally:
                    if fresh and conn is not None:
                        conn.close()
            time.sleep(0.02)
    finally:
        kept.close()


def test_readers_never_meet_a_locked_database(tmp_path):
    site = Site.generate(n_articles=40, seed=29)
    db = tmp_path / "monre.db"
    open_store(db).close()  # the archive exists, as it does before any nightly run but the first
    stop, errors, counts = threading.Event(), [], []
    reader = threading.Thread(target=_poll, args=(db, stop, errors, counts), daemon=True)
    reader.start()
    try:
        with Portal(site) as portal:
            first = crawl(portal.url, db, settings={**SLOW, "SQLITE_BATCH_SIZE": "3"})
            site.add_articles(5)
            second = crawl(portal.url, db, "full=1", settings={"SQLITE_BATCH_SIZE": "3"})
    finally:
        stop.set()
        reader.join(10)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr[-2000:] + second.stderr[-2000:]
    print(f"{len(counts)} polls, {len(errors)} errors;", end=" ")
    assert errors == []
    assert len(counts) >= 200
    assert_complete(db, site)


# --- 6. Two crawls at once --------------------------------------------------------------------------------


def test_a_second_crawl_refuses_to_start(tmp_path):
    site = Site.generate(n_articles=30, seed=30)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        first = start(portal, db)
        wait_for_requests(portal, first, 5)
        homes = sum(1 for r in portal.requests if r.path == "/")
        second = crawl(portal.url, db, settings=SLOW, timeout=60)
        assert sum(1 for r in portal.requests if r.path == "/") == homes  # the second sent nothing
        assert first.poll() is None
        code, err = finish(first)
    assert second.returncode == 2
    lines = [line for line in second.stderr.strip().splitlines() if line.startswith("monre:")]
    assert len(lines) == 1 and second.stderr.strip().splitlines()[-1] == lines[0]
    assert re.match(rf"monre: another crawl \(pid {first.pid} since .*\) is writing", lines[0]), lines
    assert "Traceback" not in second.stderr
    assert code == 0, err[-3000:]
    assert rows(db, "select status from crawl_runs") == [{"status": "ok"}]
    assert_complete(db, site)


# --- 7. An unusable archive: refused before crawling -------------------------------------------------------


def _refused(portal, db, preexec_fn=None) -> str:
    result = crawl(portal.url, db, preexec_fn=preexec_fn, timeout=60)
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("monre:")]
    assert len(lines) == 1 and result.stderr.strip().splitlines()[-1] == lines[0]
    assert portal.requests == []  # refused before crawling
    return lines[0]


@pytest.mark.parametrize("where", ["under_dev_null", "under_a_file", "a_directory", "not_a_database"])
def test_unwritable_archive_is_refused(tmp_path, where):
    site = Site.generate(n_articles=30, seed=31)
    if where == "under_dev_null":
        db = "/dev/null/x/monre.db"
    elif where == "under_a_file":
        (tmp_path / "file").write_text("x")
        db = tmp_path / "file" / "monre.db"
    elif where == "a_directory":
        db = tmp_path / "dir"
        db.mkdir()
    else:
        db = tmp_path / "monre.db"
        db.write_bytes(b"this is not SQLite\n" * 300)
    with Portal(site) as portal:
        line = _refused(portal, db)
    assert str(db) in line or "/dev/null" in line


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("existing", [False, True])
def test_full_disk_is_refused_before_crawling(tmp_path, existing):
    """A file size limit (RLIMIT_FSIZE) stands in for a full disk: writes fail with EFBIG, as with ENOSPC."""
    site = Site.generate(n_articles=30, seed=32)
    db = tmp_path / "monre.db"
    limit = 0
    if existing:
        with Portal(site) as portal:
            assert crawl(portal.url, db, "categories=dat dai").returncode == 0
        limit = db.stat().st_size
        before = rows(db, "select * from articles order by id")
    with Portal(site) as portal:
        line = _refused(portal, db, preexec_fn=_file_size_limit(limit))
    assert re.search(r"disk is full|no space|file size limit|too large", line, re.I), line
    if existing:
        assert rows(db, "select * from articles order by id") == before
        assert_whole(db)


def test_older_schema_is_refused_then_upgraded(tmp_path):
    site = Site.generate(n_articles=30, seed=33)
    db = tmp_path / "monre.db"
    conn = sqlite3.connect(db)
    conn.execute("create table articles (id text primary key, url text not null, title text not null, "
                 "body_text text, published_at text)")
    conn.execute("insert into articles values ('old', 'https://monre.gov.vn/Pages/old.aspx', 'Old', 'Body', null)")
    conn.commit()
    conn.close()
    with Portal(site) as portal:
        line = _refused(portal, db)
        assert f"older than this code's {SCHEMA_VERSION}" in line
        assert f"python -m monre_crawler.schema upgrade {db}" in line
        upgrade = subprocess.run([sys.executable, "-m",
                                  "monre_crawler.schema", "upgrade", str(db)], cwd=ROOT, env=crawl_env(),
                                 capture_output=True, text=True, timeout=60)
        assert upgrade.returncode == 0, upgrade.stderr
        result = crawl(portal.url, db, "categories=dat dai")
        assert result.returncode == 0, result.stderr[-3000:]
    assert rows(db, "select title from articles where id = 'old'") == [{"title": "Old"}]
    assert rows(db, "pragma user_version") == [{"user_version": SCHEMA_VERSION}]
    assert rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]


# --- 8. The disk fills up mid-crawl -------------------------------------------------------------------------


def test_disk_full_mid_crawl_stops_clearly_and_keeps_what_was_committed(tmp_path):
    site = Site.generate(n_articles=40, seed=34)
    db = tmp_path / "monre.db"
    open_store(db).close()
    limit = db.stat().st_size + 160_000  # room for the start, not for the whole crawl
    with Portal(site) as portal:
        result = crawl(portal.url, db, settings={"SQLITE_BATCH_SIZE": "3", "SQLITE_MIN_FREE_BYTES": "0"},
                       preexec_fn=_file_size_limit(limit),
                       timeout=120)
        served = len(portal.requests)
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert re.match(r"monre: run \d+ failed: cannot write the archive: .*(disk (is )?full|too large|file size)", last,
                    re.I), last
    assert "Traceback" not in result.stderr
    assert_whole(db)
    assert 0 < rows(db, "select count(*) n from articles")[0]["n"] < 40
    # the crawl stopped soon after the failure instead of fetching everything
    assert served < 80
    # with room again, the next run completes
    with Portal(site) as portal:
        again = crawl(portal.url, db)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_complete(db, site)


def test_the_crawl_checkpoints_its_journal_as_configured(tmp_path):
    """SQLITE_WAL_AUTOCHECKPOINT reaches SQLite (bench/RESULTS.md: fewer checkpoints at 100,000 articles)."""
    store = open_store(tmp_path / "monre.db")
    try:
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10000
    finally:
        store.close()
    store = open_store(tmp_path / "monre.db", SQLITE_WAL_AUTOCHECKPOINT=500)
    try:
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 500
    finally:
        store.close()

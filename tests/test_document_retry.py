"""When a failed attached document is asked for again (monre_crawler.document_retry): the rule, the store's
and the pipeline's side of it (no network), then nights of the real ``scrapy crawl monre`` against the
stand-in over HTTP, a day apart (``tried_at`` moved back between them, as if the days had passed)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from scrapy.utils.test import get_crawler

from monre_crawler.document_retry import SLACK, is_due, next_try, next_wait_days, parse_time
from monre_crawler.items import DocumentsItem
from monre_crawler.pipelines.documents import DocumentsPipeline
from monre_crawler.settings import MONRE_DOCUMENT_RETRY_MAX_DAYS
from monre_crawler.spiders.monre import MonreSpider
from monre_crawler.urls import url_id
from standin import Portal, Site
from standin import files as standin_files

from .conftest import crawl, rows
from .test_documents_crawl import days_pass, document_requests
from .test_documents_store import BASE, article, document, query
from .utils import open_store

NOW = datetime(2025, 3, 10, 19, 0, tzinfo=timezone.utc)  # 02:00 in Vietnam, a nightly run


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the rule ------------------------------------------------------------------------------------------------
def test_the_default_cap_is_thirty_days():
    assert MONRE_DOCUMENT_RETRY_MAX_DAYS == 30


def test_each_failure_of_the_portals_own_state_doubles_the_wait_up_to_the_cap():
    waits, wait = [], None
    for _ in range(8):
        wait = next_wait_days(wait, transient=False, max_days=30)
        waits.append(wait)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_transient_failure_keeps_the_wait():
    assert next_wait_days(None, transient=True, max_days=30) is None
    assert next_wait_days(8, transient=True, max_days=30) == 8
    assert next_wait_days(8, transient=False, max_days=30) == 16  # the next 404 goes on where it was


def test_a_cap_of_zero_turns_the_waits_off():
    assert next_wait_days(16, transient=False, max_days=0) == 0
    assert is_due(stamp(NOW), 16, 0, max_days=0, now=NOW)


@pytest.mark.parametrize("tried_at, wait_days, transient", [
    (None, None, None),  # an archive written before tried_at: asked for by the next run, as before
    (None, 4, 0),
    ("not a time", 4, 0),
])
def test_a_document_without_a_readable_try_time_is_due(tried_at, wait_days, transient):
    assert is_due(tried_at, wait_days, transient, max_days=30, now=NOW)
    assert next_try(tried_at, wait_days, transient, 30) is None


def test_a_transient_failure_is_due_at_once():
    assert is_due(stamp(NOW - timedelta(minutes=1)), 16, 1, max_days=30, now=NOW)


@pytest.mark.parametrize("wait_days, ago, due", [
    (1, timedelta(hours=23), True),  # last night's run reached it an hour after tonight's start time
    (1, timedelta(hours=13), True),
    (1, timedelta(hours=11), False),  # a second run the same day does not ask again
    (1, timedelta(minutes=5), False),
    (2, timedelta(days=1), False),
    (2, timedelta(days=2) - timedelta(hours=1), True),
    (16, timedelta(days=15), False),
    (16, timedelta(days=16) - timedelta(hours=2), True),
    (30, timedelta(days=29, hours=11), False),
    (30, timedelta(days=29, hours=13), True),
])
def test_a_wait_of_n_days_means_the_nth_nightly_run(wait_days, ago, due):
    assert SLACK == timedelta(hours=12)
    assert is_due(stamp(NOW - ago), wait_days, 0, max_days=30, now=NOW) is due


def test_a_lowered_cap_applies_at_once():
    tried = stamp(NOW - timedelta(days=10))
    assert not is_due(tried, 30, 0, max_days=30, now=NOW)
    assert is_due(tried, 30, 0, max_days=7, now=NOW)
    assert next_try(tried, 30, 0, 7) == NOW - timedelta(days=3) - SLACK


def test_a_dead_link_costs_seventeen_requests_in_a_year_of_nights():
    """Nightly runs at 02:00 (Vietnam), each reaching the document 40 minutes in, for a year: asked for on
    days 0, 1, 3, 7, 15, 31, then every 30 days (the README's "about 17 requests in its first year")."""
    tried_at, wait, days = None, None, []
    for day in range(365):
        start = NOW + timedelta(days=day)
        if is_due(tried_at, wait, 0, max_days=30, now=start):
            days.append(day)
            tried_at, wait = stamp(start + timedelta(minutes=40)), next_wait_days(wait, False, 30)
    assert days[:7] == [0, 1, 3, 7, 15, 31, 61] and len(days) == 17


def test_parse_time():
    assert parse_time("2025-03-10T19:00:00Z") == NOW
    assert parse_time("2025-03-10T19:00:00") == NOW  # a time without a zone is UTC, as the archive writes
    assert parse_time("") is None and parse_time(None) is None and parse_time("10/03/2025") is None


# --- the store ------------------------------------------------------------------------------------------------
@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "monre.db")


def failed(url: str, tried_at: datetime, wait_days: int | None, transient: int) -> dict:
    return document(url, status="failed", text=None, note="HTTP 404", tried_at=stamp(tried_at),
                    wait_days=wait_days, transient=transient)


def test_the_store_retries_the_due_and_counts_the_waiting(path):
    dead, lost, due = (f"{BASE}/Documents/{name}.pdf" for name in ("chet", "tam-loi", "den-han"))
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [failed(dead, NOW - timedelta(days=1), 4, 0),
                               failed(lost, NOW - timedelta(minutes=5), 4, 1),
                               failed(due, NOW - timedelta(days=4), 4, 0)])
    store.flush()
    retried = store.documents_to_retry("monre.gov.vn", 30, now=NOW)
    assert retried == [("a1", [{"url": u, "title": "Báo cáo"} for u in sorted((lost, due), key=url_id)])]
    assert store.documents_waiting("monre.gov.vn", 30, now=NOW) == [NOW + timedelta(days=3) - SLACK]
    assert store.documents_waiting("mae.gov.vn", 30, now=NOW) == []
    assert len(store.documents_to_retry("monre.gov.vn", 0, now=NOW)[0][1]) == 3  # 0: every failed one
    store.add_documents("a1", [document(f"{BASE}/Documents/da-co.pdf")])  # archived: not a failed one
    store.flush()
    never_stored = url_id(f"{BASE}/Documents/khong-co.pdf")
    assert store.failed_documents([url_id(dead), url_id(f"{BASE}/Documents/da-co.pdf"), never_stored]) == {
        url_id(dead): {"tried_at": stamp(NOW - timedelta(days=1)), "wait_days": 4, "transient": 0}}
    store.close()


def test_an_archive_written_before_gets_the_columns_and_retries_its_failed_documents(path):
    """A documents table without tried_at, transient, wait_days (as written before them): opening it adds
    them, and its failed documents are asked for by the next run, whatever the time."""
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document(status="failed", text=None, note="HTTP 404")])
    store.flush()
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        for column in ("tried_at", "transient", "wait_days"):
            conn.execute(f"ALTER TABLE documents DROP COLUMN {column}")
    conn.close()
    store = open_store(path, lock=False)
    assert store.documents_to_retry("monre.gov.vn", 30, now=NOW) == [
        ("a1", [{"url": f"{BASE}/Documents/2024/bao-cao.pdf", "title": "Báo cáo"}])]
    assert store.documents_waiting("monre.gov.vn", 30, now=NOW) == []
    store.close()
    assert query(path, "select tried_at, transient, wait_days, attempts from documents") == [(None, None, None, 1)]


# --- the pipeline ---------------------------------------------------------------------------------------------
@pytest.fixture
def pipeline(tmp_path):
    crawler = get_crawler(MonreSpider, {"SQLITE_PATH": str(tmp_path / "monre.db"),
                                        "MONRE_DOCUMENT_RETRY_MAX_DAYS": MONRE_DOCUMENT_RETRY_MAX_DAYS,
                                        "MONRE_DOCUMENT_MAXSIZE": 30})
    pipe = DocumentsPipeline.from_crawler(crawler)
    pipe.spiderinfo = pipe.SpiderInfo(MonreSpider(base_url=BASE))  # what open_spider sets, without a crawl
    pipe.monre_store = open_store(tmp_path / "monre.db", lock=False)  # what the run recorder holds
    yield pipe
    pipe.monre_store.close()


def test_a_waiting_document_is_only_linked_and_a_due_one_is_asked_for(pipeline):
    now = datetime.now(timezone.utc)
    waiting, due, lost = (f"{BASE}/Documents/{name}.pdf" for name in ("cho", "den-han", "tam-loi"))
    store = pipeline.monre_store
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [failed(waiting, now - timedelta(days=1), 2, 0),
                               failed(due, now - timedelta(days=2), 2, 0),
                               failed(lost, now - timedelta(minutes=1), 2, 1)])
    store.flush()
    item = DocumentsItem("a2", [{"url": u} for u in (waiting, due, lost)])
    assert [r.url for r in pipeline.get_media_requests(item, pipeline.spiderinfo)] == [due, lost]
    # the due one is a 404 again, the lost one a timeout again: their rows, and the waiting one only linked
    pipeline._failures[due] = ("HTTP 404", False)
    pipeline._failures[lost] = ("DownloadTimeoutError: took longer than 10 s", True)
    pipeline.item_completed([(True, None), (True, None)], item, pipeline.spiderinfo)
    documents = {r["url"]: r for r in item.documents}
    assert "status" not in documents[waiting]
    assert (documents[due]["status"], documents[due]["transient"], documents[due]["wait_days"]) == ("failed", 0, 4)
    assert (documents[lost]["transient"], documents[lost]["wait_days"]) == (1, 2)
    assert all(parse_time(documents[u]["tried_at"]) >= now - timedelta(seconds=1) for u in (due, lost))


def test_a_first_failure_waits_a_night_and_an_archived_document_has_no_wait(pipeline):
    item = DocumentsItem("a1", [{"url": f"{BASE}/a.pdf"}, {"url": f"{BASE}/b.pdf"}, {"url": f"{BASE}/c.pdf"}])
    assert len(pipeline.get_media_requests(item, pipeline.spiderinfo)) == 3
    pipeline._failures[f"{BASE}/a.pdf"] = ("HTTP 410", False)
    pipeline._failures[f"{BASE}/b.pdf"] = ("HTTP 503", True)
    result = {"url": f"{BASE}/c.pdf", "path": "full/c.pdf", "doc_status": "ok", "size": 3}
    pipeline.item_completed([(True, None), (True, None), (True, result)], item, pipeline.spiderinfo)
    got = [(r["status"], r["transient"], r["wait_days"]) for r in item.documents]
    assert got == [("failed", 0, 1), ("failed", 1, None), ("ok", None, None)]


# --- nights over HTTP -------------------------------------------------------------------------------------------
DEAD = "/Documents/2024/da-go.pdf"  # never served: 404
BACK = "/Documents/2024/tro-lai.pdf"  # 404, then served from night 4
FLAKY = "/Documents/2024/tam-loi.pdf"  # a server error, every night (after Scrapy's retries)


def asked(portal) -> list[str]:
    return sorted(set(document_requests(portal)))


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    site = Site.generate(n_articles=8, seed=11, attachments=0)
    linking = next(a for a in site.articles if a.template == "2024")
    linking.attachments = [(DEAD, "Văn bản đã gỡ"), (BACK, "Văn bản trở lại"), (FLAKY, "Văn bản tạm lỗi")]
    db = tmp_path_factory.mktemp("retry") / "monre.db"
    log = []
    with Portal(site, documents={FLAKY: ("text/html", b"<html>503</html>", 503)}) as portal:
        for night in range(1, 5):
            if night == 4:
                portal.documents[BACK.lower()] = standin_files.by_extension("pdf")
            if night > 1:
                days_pass(db)
            portal.reset_log()
            result = crawl(portal.url, db)
            log.append({"result": result, "asked": asked(portal),
                        "documents": {urlsplit(r["url"]).path: r for r in rows(db, "select * from documents")}})
    return db, log


def test_every_night_loses_only_the_document_the_server_fails_to_serve(nights):
    db, log = nights
    assert [n["result"].returncode for n in log] == [4] * 4, log[0]["result"].stderr[-2000:]
    assert [r["status"] for r in rows(db, "select status from crawl_runs order by id")] == ["incomplete"] * 4


def test_a_dead_link_is_asked_for_on_nights_1_2_and_4_only(nights):
    """Night 2 is the next night (a wait of 1 day); night 3 is within the wait of 2 days; night 4 is not."""
    assert [DEAD in n["asked"] for n in nights[1]] == [True, True, False, True]


def test_a_transient_failure_is_asked_for_every_night(nights):
    assert [FLAKY in n["asked"] for n in nights[1]] == [True] * 4
    assert [(n["documents"][FLAKY]["transient"], n["documents"][FLAKY]["wait_days"]) for n in nights[1]] == [
        (1, None)] * 4
    assert nights[1][-1]["documents"][FLAKY]["attempts"] == 4


def test_the_wait_doubles_with_each_try(nights):
    assert [(n["documents"][DEAD]["attempts"], n["documents"][DEAD]["wait_days"]) for n in nights[1]] == [
        (1, 1), (2, 2), (2, 2), (3, 4)]
    assert all(n["documents"][DEAD]["transient"] == 0 and n["documents"][DEAD]["note"] == "HTTP 404"
               for n in nights[1])


def test_a_link_that_comes_back_is_archived_at_its_next_try(nights):
    log = nights[1]
    assert [BACK in n["asked"] for n in log] == [True, True, False, True]
    back = log[3]["documents"][BACK]
    assert (back["status"], back["attempts"], back["transient"], back["wait_days"]) == ("ok", 3, None, None)
    assert "đất đai" in back["text"]


def test_the_waiting_documents_are_said_in_the_message_the_log_and_the_counts(nights):
    db, log = nights
    runs = rows(db, "select message, documents from crawl_runs order by id")
    assert [json.loads(r["documents"])["waiting"] for r in runs] == [0, 0, 2, 0]
    assert runs[0]["message"] == ("1 attached document(s) could not be downloaded (tried again next run); "
                                  "2 more attached document(s) not archived (tried again after a wait)")
    assert runs[2]["message"] == ("1 attached document(s) could not be downloaded (tried again next run); "
                                  "2 failed document(s) wait for their next try (not asked for this run)")
    assert runs[3]["message"] == ("1 attached document(s) could not be downloaded (tried again next run); "
                                  "1 more attached document(s) not archived (tried again after a wait)")
    stderr = log[2]["result"].stderr
    assert "2 failed document(s) wait for their next try (dead links and the like), not asked for this run" in stderr
    assert stderr.strip().splitlines()[-1] == f"monre: run 3 incomplete: {runs[2]['message']}"
    warnings = [line for line in log[1]["result"].stderr.splitlines() if "Document not archived" in line]
    assert sorted(line.split("Document not archived ")[1].split(":")[0] for line in warnings) == [
        "(retried in 2 days)", "(retried in 2 days)", "(retried next run)"]


def test_an_archive_written_before_retries_its_failed_documents_then_follows_the_rule(tmp_path):
    """Night 1 as an older version wrote it (no tried_at, transient, wait_days); night 2, at once, asks for
    every failed document as that version would; then the dead link waits a night, the transient one not."""
    site = Site.generate(n_articles=8, seed=11, attachments=0)
    linking = next(a for a in site.articles if a.template == "2024")
    linking.attachments = [(DEAD, "Văn bản đã gỡ"), (FLAKY, "Văn bản tạm lỗi")]
    db = tmp_path / "monre.db"
    asked_by = []
    with Portal(site, documents={FLAKY: ("text/html", b"<html>503</html>", 503)}) as portal:
        for night in range(2):
            portal.reset_log()
            result = crawl(portal.url, db)
            assert result.returncode == 4, result.stderr[-2000:]
            asked_by.append(asked(portal))
            if night == 0:
                conn = sqlite3.connect(db)
                with conn:
                    for column in ("tried_at", "transient", "wait_days"):
                        conn.execute(f"ALTER TABLE documents DROP COLUMN {column}")
                conn.close()
    assert asked_by == [[DEAD, FLAKY], [DEAD, FLAKY]]
    got = {urlsplit(r["url"]).path: (r["attempts"], r["transient"], r["wait_days"])
           for r in rows(db, "select * from documents")}
    assert got == {DEAD: (2, 0, 1), FLAKY: (2, 1, None)}
    store = open_store(db, lock=False)  # what the next run's start asks for, now and the next night
    try:
        now = datetime.now(timezone.utc)
        retried = [urlsplit(a["url"]).path for _, found in store.documents_to_retry("monre.gov.vn", 30, now)
                   for a in found]
        tomorrow = [urlsplit(a["url"]).path for _, found in store.documents_to_retry(
            "monre.gov.vn", 30, now + timedelta(days=1)) for a in found]
    finally:
        store.close()
    assert (retried, sorted(tomorrow)) == ([FLAKY], [DEAD, FLAKY])


# --- which failures are transient (the pipeline's verdict, which the wait follows) ------------------------------
@pytest.mark.parametrize("status, transient", [
    (404, False), (410, False), (403, False), (400, False), (408, True), (429, True), (500, True), (503, True),
])
def test_an_http_error_is_transient_only_for_the_server_or_the_rate(pipeline, status, transient):
    import asyncio

    from scrapy.http import Request, Response

    request = Request(f"{BASE}/Documents/a.pdf")
    result = asyncio.run(pipeline.media_downloaded(Response(request.url, status=status, request=request), request,
                                                   pipeline.spiderinfo))
    assert (result["doc_status"], result["note"], result["transient"]) == ("failed", f"HTTP {status}", transient)


def test_a_page_instead_of_the_document_is_the_portals_state(pipeline):
    import asyncio

    from scrapy.http import Request, Response

    request = Request(f"{BASE}/Documents/loi.pdf")
    response = Response(request.url, body=standin_files.ERROR_PAGE, request=request)
    result = asyncio.run(pipeline.media_downloaded(response, request, pipeline.spiderinfo))
    assert result["note"].startswith("not a document") and result["transient"] is False


def test_a_file_that_cannot_be_written_here_is_transient(pipeline, monkeypatch):
    import asyncio

    from scrapy.http import Request, Response
    from scrapy.pipelines.files import FilesPipeline

    async def disk_full(self, response, request, info, *, item=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FilesPipeline, "media_downloaded", disk_full)
    request = Request(f"{BASE}/Documents/a.pdf")
    response = Response(request.url, body=standin_files.by_extension("pdf")[1], request=request)
    result = asyncio.run(pipeline.media_downloaded(response, request, pipeline.spiderinfo))
    assert result["note"].startswith("cannot store the file") and result["transient"] is True


@pytest.mark.parametrize("error, transient", [
    ("robots", False), ("size", False), ("size_unannounced", False), ("timeout", True), ("refused", True),
])
def test_a_download_error_is_transient_unless_robots_txt_or_the_size_cap_refused_it(pipeline, error, transient):
    from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
    from scrapy.http import Request
    from twisted.internet.error import ConnectionRefusedError, TimeoutError
    from twisted.python.failure import Failure

    exc = {"robots": IgnoreRequest("Forbidden by robots.txt"),
           # as Scrapy 2.19 cancels a body over the cap: with a reason when Content-Length announced it …
           "size": DownloadCancelledError("Expected to receive 300000 bytes which is larger than download max size "
                                          "(1234) in request <GET x>."),
           # … and without one when the body reached the cap as it came (no Content-Length)
           "size_unannounced": DownloadCancelledError(""),
           "timeout": TimeoutError("took longer than 10 s"),
           "refused": ConnectionRefusedError("Connection was refused")}[error]
    request = Request(f"{BASE}/Documents/a.pdf")
    pipeline.media_failed(Failure(exc), request, pipeline.spiderinfo)
    assert pipeline._failures[request.url][1] is transient
    if error.startswith("size"):
        assert pipeline._failures[request.url][0] == "larger than MONRE_DOCUMENT_MAXSIZE (30 bytes)"

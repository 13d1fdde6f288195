"""Unit tests of the documents' side of the store and of DocumentsPipeline's decisions (no network)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from monre_crawler.items import DocumentsItem
from monre_crawler.pipelines.documents import DocumentsPipeline, files_store
from monre_crawler.spiders.monre import MonreSpider
from standin import files as standin_files
from monre_crawler.urls import url_id

from .utils import open_store

BASE = "https://monre.gov.vn"
PDF_URL = f"{BASE}/Documents/2024/bao-cao.pdf"


def article(aid: str, content_hash: str, url: str | None = None) -> dict:
    return {"id": aid, "url": url or f"{BASE}/Pages/{aid}.aspx", "title": f"Bài {aid}", "summary": "",
            "body_text": "Nội dung", "body_html": "<p>Nội dung</p>", "published_at": "2024-01-02",
            "source": None, "image_urls": [], "attachments": [], "template": "2024", "content_hash": content_hash,
            "categories": ["Tin tức"], "portal": "monre.gov.vn"}


def document(url: str = PDF_URL, status: str = "ok", text: str | None = "Báo cáo về đất đai và đầm lầy", **extra):
    return {"id": url_id(url), "url": url, "title": "Báo cáo", "status": status, "note": None, "path": None,
            "size": 10, "content_type": "application/pdf", "kind": "pdf", "sha1": "0" * 40, "pages": 1,
            "text": text, "fetched_at": "2024-01-02T00:00:00Z", **extra}


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "monre.db")


def query(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_documents_are_written_after_their_article_and_linked(path):
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document()])
    store.flush()
    store.close()
    assert query(path, "select url, status, attempts from documents") == [(PDF_URL, "ok", 1)]
    assert query(path, "select * from articles_documents") == [("a1", url_id(PDF_URL))]


def test_a_document_linked_by_two_articles_is_one_row_written_once_per_run(path):
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_article(article("a2", "h2"))
    store.add_documents("a1", [document()])
    store.add_documents("a2", [document()])
    store.flush()
    store.close()
    assert query(path, "select count(*), max(attempts) from documents") == [(1, 1)]
    assert sorted(query(path, "select articles_id from articles_documents")) == [("a1",), ("a2",)]


def test_a_repost_links_its_documents_to_the_original(path):
    store = open_store(path, lock=False)
    store.add_article(article("orig", "same", f"{BASE}/Pages/bai.aspx"))
    store.flush()
    store.add_article(article("copy", "same", f"{BASE}/Pages/bai-khac.aspx"))
    store.add_documents("copy", [document()])
    store.flush()
    store.close()
    assert query(path, "select articles_id from articles_documents") == [("orig",)]


def test_documents_of_an_article_that_was_not_stored_are_not_written(path):
    store = open_store(path, lock=False)
    store.add_documents("dropped", [document()])
    store.flush()
    store.close()
    assert query(path, "select count(*) from documents") == [(0,)]


def test_failed_documents_are_retried_and_attempts_counted_per_run(path):
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document(status="failed", text=None, note="HTTP 500")])
    store.flush()
    assert store.documents_to_retry("monre.gov.vn") == [("a1", [{"url": PDF_URL, "title": "Báo cáo"}])]
    assert store.documents_to_retry("mae.gov.vn") == []  # each portal's spider retries its own
    assert store.document_states([url_id(PDF_URL), "other"]) == {url_id(PDF_URL): "failed"}
    store.close()
    store = open_store(path, lock=False)  # the next run
    store.add_documents("a1", [document()])
    store.flush()
    assert store.documents_to_retry("monre.gov.vn") == []
    store.close()
    assert query(path, "select status, attempts, note from documents") == [("ok", 2, None)]


def test_documents_search_ignores_marks_and_d_and_follows_updates(path):
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document(status="failed", text=None)])
    store.flush()
    store.close()
    search = "select count(*) from documents_fts where folded match ?"
    assert query(path, search, ['"dam" "lay"']) == [(0,)]
    store = open_store(path, lock=False)
    store.add_documents("a1", [document()])
    store.flush()
    store.close()
    assert query(path, search, ['"dat" "dai"']) == [(1,)]
    assert query(path, search, ['"đầm" "lầy"'.replace("đ", "d")]) == [(1,)]


def test_attachments_no_run_handled_are_to_retry(path):
    store = open_store(path, lock=False)
    with_links = article("a1", "h1")
    with_links["attachments"] = [{"url": PDF_URL, "title": "Báo cáo"}]
    never = article("a2", "h2")
    never["attachments"] = [{"url": f"{BASE}/Documents/moi.docx", "title": "Mới"}, {"url": PDF_URL, "title": "Lại"}]
    store.add_article(with_links)
    store.add_article(never)
    store.add_article(article("a3", "h3"))  # no attachments
    store.add_documents("a1", [document()])
    store.flush()
    assert store.documents_to_retry("monre.gov.vn") == [("a2", [{"url": f"{BASE}/Documents/moi.docx", "title": "Mới"},
                                                  {"url": PDF_URL, "title": "Lại"}])]
    store.close()


# --- DocumentsPipeline ---------------------------------------------------------------------------------------
@pytest.fixture
def pipeline(tmp_path):
    crawler = get_crawler(MonreSpider, {"SQLITE_PATH": str(tmp_path / "monre.db"), "MONRE_DOCUMENT_MAXSIZE": 1234})
    pipe = DocumentsPipeline.from_crawler(crawler)
    pipe.spiderinfo = pipe.SpiderInfo(MonreSpider(base_url=BASE))  # what open_spider sets, without a crawl
    pipe.monre_store = open_store(tmp_path / "monre.db", lock=False)  # what the run recorder holds
    yield pipe
    pipe.monre_store.close()


def test_files_go_beside_the_archive_by_default(tmp_path):
    crawler = get_crawler(MonreSpider, {"SQLITE_PATH": str(tmp_path / "x" / "monre.db")})
    assert files_store(crawler.settings) == str((tmp_path / "x" / "files").resolve())


def test_only_documents_of_the_portal_not_yet_archived_are_requested(pipeline):
    store = pipeline.monre_store
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document(f"{BASE}/Documents/da-co.pdf")])
    store.flush()
    item = DocumentsItem("a1", [
        {"url": f"{BASE}/Documents/da-co.pdf", "title": "archived"},
        {"url": f"{BASE}/Documents/moi.docx", "title": "new"},
        {"url": "https://www.monre.gov.vn/Documents/www.xlsx", "title": "www is the portal"},
        {"url": "http://example.org/x.pdf", "title": "another site"},
        {"url": "ftp://monre.gov.vn/x.pdf", "title": "not http"},
    ])
    requests = pipeline.get_media_requests(item, pipeline.spiderinfo)
    assert [r.url for r in requests] == [f"{BASE}/Documents/moi.docx", "https://www.monre.gov.vn/Documents/www.xlsx"]
    assert all(r.meta["download_maxsize"] == 1234 for r in requests)
    assert pipeline.stats.get_value("monre/documents/not_fetched_offsite") == 2


def test_the_stored_name_has_the_real_extension(pipeline):
    request = Request(f"{BASE}/Documents/van-ban.doc")
    response = Response(request.url, body=standin_files.by_extension("docx")[1], request=request)
    name = pipeline.file_path(request, response)
    assert name.startswith("full/") and name.endswith(".docx") and len(name) == len("full/") + 40 + 5
    # A download link without a document extension gets none (never ".aspx", which a server might run).
    assert re.fullmatch(r"full/[0-9a-f]{40}", pipeline.file_path(Request(f"{BASE}/Documents/x.aspx?id=1")))


def test_item_completed_makes_rows_for_fetched_failed_and_archived_documents(pipeline):
    item = DocumentsItem("a1", [{"url": f"{BASE}/a.pdf", "title": "A"}, {"url": f"{BASE}/b.pdf", "title": "B"},
                                {"url": f"{BASE}/c.pdf", "title": "C"}, {"url": f"{BASE}/a.pdf", "title": "A again"}])
    pipeline._failures[f"{BASE}/b.pdf"] = ("larger than MONRE_DOCUMENT_MAXSIZE (1,234 bytes)", False)
    results = [(True, {"url": f"{BASE}/a.pdf", "path": "full/a.pdf", "doc_status": "ok", "size": 3}),
               (True, None)]
    pipeline._texts[f"{BASE}/a.pdf"] = "văn bản"
    pipeline.item_completed(results, item, pipeline.spiderinfo)
    rows = {r["url"].rsplit("/", 1)[1]: r for r in item.documents}
    assert list(rows) == ["a.pdf", "b.pdf", "c.pdf"]
    assert (rows["a.pdf"]["status"], rows["a.pdf"]["path"], rows["a.pdf"]["title"]) == ("ok", "full/a.pdf", "A")
    assert rows["a.pdf"]["fetched_at"] and rows["a.pdf"]["text"] == "văn bản"
    assert (rows["b.pdf"]["status"], rows["b.pdf"]["note"]) == ("failed", "larger than MONRE_DOCUMENT_MAXSIZE (1,234 bytes)")
    assert "status" not in rows["c.pdf"]  # already archived: only linked
    assert pipeline.stats.get_value("monre/documents/ok") == 1
    assert pipeline.stats.get_value("monre/documents/failed") == 1
    assert pipeline.stats.get_value("monre/documents/lost") is None  # over the cap: not a loss


def test_a_timeout_is_a_lost_document(pipeline):
    item = DocumentsItem("a1", [{"url": f"{BASE}/a.pdf", "title": "A"}])
    pipeline._failures[f"{BASE}/a.pdf"] = ("DownloadTimeoutError: took longer than 60 s", True)
    pipeline.item_completed([(True, None)], item, pipeline.spiderinfo)
    assert item.documents[0]["status"] == "failed" and pipeline.stats.get_value("monre/documents/lost") == 1


def test_a_document_fetched_this_run_is_only_linked_by_the_next_article(pipeline):
    result = {"url": f"{BASE}/a.pdf", "path": "full/a.pdf", "doc_status": "ok", "size": 3}
    pipeline._texts[f"{BASE}/a.pdf"] = "văn bản"
    first, second = DocumentsItem("a1", [{"url": f"{BASE}/a.pdf"}]), DocumentsItem("a2", [{"url": f"{BASE}/a.pdf"}])
    pipeline.item_completed([(True, result)], first, pipeline.spiderinfo)
    pipeline.item_completed([(True, result)], second, pipeline.spiderinfo)  # FilesPipeline's cached result
    assert first.documents[0]["text"] == "văn bản" and "status" not in second.documents[0]
    assert pipeline._texts == {} and pipeline.stats.get_value("monre/documents/ok") == 1


def test_a_failed_flush_forgets_what_it_did_not_write(path, monkeypatch):
    store = open_store(path, lock=False)
    store.add_article(article("a1", "h1"))
    store.add_documents("a1", [document()])

    def fail(batch):
        raise sqlite3.OperationalError("database or disk is full")

    write = store._write_document_batch
    monkeypatch.setattr(store, "_write_document_batch", fail)
    with pytest.raises(sqlite3.OperationalError):
        store.flush()  # rolled back: the category and the article are not written either
    monkeypatch.setattr(store, "_write_document_batch", write)
    store.flush()  # the same buffer again, as the pipeline's close does
    store.close()
    assert query(path, "PRAGMA foreign_key_check") == []
    assert query(path, "select count(*) from articles_categories ac join categories c on c.id = ac.categories_id") == [(1,)]
    assert query(path, "select url, attempts from documents") == [(PDF_URL, 1)]

"""End to end: attached documents archived by the real ``scrapy crawl monre`` from the stand-in over HTTP.

The stand-in serves real small files (``standin/files/``) as attachments of a few articles,
plus a broken PDF, an HTML error page posing as a PDF and a file over the size cap. Three nights, a day
apart (:func:`days_pass`): the first archives, the second (nothing changed but the broken PDF repaired)
fetches only the documents that failed, the third fetches none: the two that still fail are the portal's
own state, and wait two days for their next try.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from urllib.parse import urlsplit

import pytest
import yaml

from monre_crawler import search_words
from standin import Portal, Site
from standin import files as standin_files

from .conftest import ROOT, articles_by_path, crawl, rows

CAP = 100_000  # MONRE_DOCUMENT_MAXSIZE for these crawls
GOOD = {
    "/Documents/2024/bao-cao-dat-dai.pdf": ("Báo cáo tổng kết công tác quản lý đất đai", "pdf"),
    "/Documents/2024/quyet-dinh-tran-dau.docx": ("Quyết định ứng phó sự cố tràn dầu", "docx"),
    "/Documents/2024/rung-ngap-man.xlsx": ("Số liệu rừng ngập mặn", "xlsx"),
}
ODD = {
    "/Documents/2024/cong-van-cu.doc": "Công văn (Word cũ)",
    "/Documents/2024/ban-scan.pdf": "Bản scan",
    "/Documents/2024/mat-dau.pdf": "Thông báo (mất dấu)",
}
BAD = {
    "/Documents/2024/hong.pdf": "Tệp hỏng",
    "/Documents/2024/loi.pdf": "Trang lỗi",
    "/Documents/2024/qua-lon.pdf": "Tệp quá lớn",
}
OFFSITE = "http://example.invalid/Documents/ngoai.pdf"
NOT_HTTP = "ftp://127.0.0.1/Documents/2024/qua-ftp.pdf"


def served() -> dict:
    special = standin_files.special()
    out = {path: standin_files.by_extension(kind) for path, (_, kind) in GOOD.items()}
    out["/Documents/2024/cong-van-cu.doc"] = standin_files.by_extension("doc")
    out["/Documents/2024/ban-scan.pdf"] = special["scan"]
    out["/Documents/2024/mat-dau.pdf"] = special["lost_marks"]
    out["/Documents/2024/hong.pdf"] = special["broken"]
    out["/Documents/2024/loi.pdf"] = special["html_as_pdf"]
    out["/Documents/2024/qua-lon.pdf"] = standin_files.oversized(3 * CAP)
    return out


def document_requests(portal) -> list[str]:
    return sorted(r.path for r in portal.requests if r.path.lower().startswith("/documents/"))


def days_pass(db, days: float = 1) -> None:
    """As if ``days`` passed since the last run: every document's ``tried_at`` moves that far back (what a
    run compares with the clock to decide whether a failed document waits: monre_crawler.document_retry)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE documents SET tried_at = strftime('%Y-%m-%dT%H:%M:%SZ', tried_at, ?) "
                     "WHERE tried_at IS NOT NULL", [f"-{days * 86400:.0f} seconds"])
    conn.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    site = Site.generate(n_articles=20, seed=7, attachments=0)
    chosen = [a for a in site.articles if a.template == "2024"][:4]
    pdf, docx, xlsx = GOOD
    chosen[0].attachments = [(pdf, GOOD[pdf][0]), (docx, GOOD[docx][0])]
    chosen[1].attachments = [(xlsx, GOOD[xlsx][0]), (pdf, "Báo cáo (bản đăng lại)"), (OFFSITE, "Tài liệu ngoài"),
                             (NOT_HTTP, "Tài liệu qua FTP")]
    chosen[2].attachments = list(ODD.items())
    chosen[3].attachments = list(BAD.items())
    db = tmp_path_factory.mktemp("documents") / "monre.db"
    settings = {"MONRE_DOCUMENT_MAXSIZE": str(CAP)}
    log = {}
    with Portal(site, documents=served()) as portal:
        log["night1"] = crawl(portal.url, db, settings=settings)
        log["night1_documents"] = document_requests(portal)
        log["after1"] = rows(db, "select * from documents")
        portal.reset_log()
        portal.documents["/documents/2024/hong.pdf"] = standin_files.by_extension("pdf")  # repaired
        days_pass(db)
        log["night2"] = crawl(portal.url, db, settings=settings)
        log["night2_documents"] = document_requests(portal)
        portal.reset_log()
        days_pass(db)
        log["night3"] = crawl(portal.url, db, settings=settings)
        log["night3_documents"] = document_requests(portal)
        log["night3_articles"] = [r.path for r in portal.requests if r.path.lower().startswith("/pages/")
                                  and "chuyenmuc" not in r.path.lower()]
    return site, db, log, chosen


def docs_by_path(db) -> dict[str, dict]:
    return {urlsplit(r["url"]).path: r for r in rows(db, "select * from documents")}


def test_every_night_exits_zero(nights):
    log = nights[2]
    assert [log[n].returncode for n in ("night1", "night2", "night3")] == [0, 0, 0], log["night1"].stderr[-3000:]


def test_no_article_is_lost_to_its_documents(nights):
    site, db, _, chosen = nights
    stored = articles_by_path(db)
    assert sorted(a.path.lower() for a in site.live_articles()) == sorted(stored)
    assert all(a.path.lower() in stored for a in chosen)


def test_each_document_of_the_portal_is_one_row(nights):
    db = nights[1]
    assert sorted(docs_by_path(db)) == sorted([*GOOD, *ODD, *BAD])


def test_a_document_linked_by_two_articles_is_stored_and_fetched_once(nights):
    site, db, log, chosen = nights
    pdf = "/Documents/2024/bao-cao-dat-dai.pdf"
    assert log["night1_documents"].count(pdf) == 1
    links = rows(db, "select a.url from articles_documents ad join articles a on a.id = ad.articles_id "
                     "join documents d on d.id = ad.documents_id where d.url like ?", [f"%{pdf}"])
    assert sorted(r["url"].rsplit("/", 1)[1] for r in links) == sorted(a.path.rsplit("/", 1)[1] for a in chosen[:2])


def test_the_title_is_the_text_of_the_first_link(nights):
    docs = docs_by_path(nights[1])
    assert docs["/Documents/2024/quyet-dinh-tran-dau.docx"]["title"] == "Quyết định ứng phó sự cố tràn dầu"


def test_offsite_and_non_http_documents_are_not_fetched(nights):
    db, log = nights[1], nights[2]
    assert not rows(db, "select * from documents where url in (?, ?)", [OFFSITE, NOT_HTTP])
    # the ftp link does not even reach the archive (only http(s) URLs are stored); the offsite one is not fetched
    assert NOT_HTTP not in rows(db, "select group_concat(attachments) as a from articles")[0]["a"]
    assert json.loads(rows(db, "select documents from crawl_runs where id = 1")[0]["documents"])["not_fetched_offsite"] == 1
    tried = [line for line in log["night1"].stderr.splitlines() if "example.invalid" in line or "ftp://" in line]
    assert all("dropped 1 link(s) or image(s) that are not http(s) URLs" in line for line in tried), tried


@pytest.mark.parametrize("path, words", [
    ("/Documents/2024/bao-cao-dat-dai.pdf", ["Báo cáo tổng kết công tác quản lý đất đai năm 2023",
                                             "Đường bờ biển, rừng phòng hộ và đa dạng sinh học."]),
    ("/Documents/2024/quyet-dinh-tran-dau.docx", ["Về việc phê duyệt kế hoạch ứng phó sự cố tràn dầu trên biển",
                                                  "Giám sát chất lượng nước biển ven bờ"]),
    ("/Documents/2024/rung-ngap-man.xlsx", ["Cà Mau\t56000\tMũi Cà Mau", "Diện tích rừng ngập mặn (ha)"]),
])
def test_text_is_stored_with_its_marks(nights, path, words):
    doc = docs_by_path(nights[1])[path]
    assert doc["status"] == "ok"
    for phrase in words:
        assert phrase in doc["text"]


@pytest.mark.parametrize("path, kind, pages", [
    ("/Documents/2024/bao-cao-dat-dai.pdf", "pdf", 2), ("/Documents/2024/quyet-dinh-tran-dau.docx", "docx", 1),
    ("/Documents/2024/rung-ngap-man.xlsx", "xlsx", None), ("/Documents/2024/cong-van-cu.doc", "doc", None),
])
def test_kind_pages_and_content_type(nights, path, kind, pages):
    doc = docs_by_path(nights[1])[path]
    assert (doc["kind"], doc["pages"], doc["content_type"]) == (kind, pages, standin_files.MIME[kind])


def test_the_archived_file_is_the_served_file(nights):
    db = nights[1]
    bodies = served()
    bodies["/Documents/2024/hong.pdf"] = standin_files.by_extension("pdf")  # as repaired for night 2
    for path, doc in docs_by_path(db).items():
        if doc["path"] is None:
            continue
        stored = Path(db).parent / "files" / doc["path"]
        body = stored.read_bytes()
        assert body == bodies[path][1], path
        assert (doc["size"], doc["sha1"]) == (len(body), hashlib.sha1(body).hexdigest())
        assert doc["path"].startswith("full/") and doc["path"].endswith(Path(path).suffix)
        assert doc["fetched_at"]


@pytest.mark.parametrize("path, status, note", [
    ("/Documents/2024/cong-van-cu.doc", "no_text", "kept as a file without text: the text of a Word 97-2003 (DOC) file"),
    ("/Documents/2024/ban-scan.pdf", "no_text", "no text (a scan"),
    ("/Documents/2024/mat-dau.pdf", "unreadable", "Vietnamese without its marks"),
])
def test_documents_without_readable_text_are_kept_and_say_why(nights, path, status, note):
    doc = docs_by_path(nights[1])[path]
    assert doc["status"] == status and doc["note"].startswith(note) and doc["path"]


@pytest.mark.parametrize("path, note", [
    ("/Documents/2024/hong.pdf", "cannot read the PDF"),
    ("/Documents/2024/loi.pdf", "not a document: the portal served HTML page"),
    ("/Documents/2024/qua-lon.pdf", f"larger than MONRE_DOCUMENT_MAXSIZE ({CAP:,} bytes)"),
])
def test_broken_fake_and_oversized_documents_fail_with_a_reason(nights, path, note):
    first = {urlsplit(r["url"]).path: r for r in nights[2]["after1"]}[path]
    assert first["status"] == "failed" and first["note"].startswith(note)
    assert first["text"] is None


def test_the_html_page_and_the_oversized_file_are_not_on_disk(nights):
    db = nights[1]
    docs = docs_by_path(db)
    assert docs["/Documents/2024/loi.pdf"]["path"] is None
    assert docs["/Documents/2024/qua-lon.pdf"]["path"] is None
    on_disk = {p.read_bytes() for p in (Path(db).parent / "files").rglob("*") if p.is_file()}
    assert standin_files.ERROR_PAGE not in on_disk


def test_failures_are_counted_in_crawl_runs_and_logged(nights):
    db, log = nights[1], nights[2]
    run = rows(db, "select * from crawl_runs where id = 1")[0]
    assert json.loads(run["documents"]) == {"ok": 3, "no_text": 2, "unreadable": 1, "failed": 3, "lost": 0,
                                            "waiting": 0, "not_fetched_offsite": 1}
    assert run["status"] == "ok" and run["message"] == "3 attached document(s) not archived (tried again after a wait)"
    lines = [line for line in log["night1"].stderr.splitlines() if "Document not archived (retried next night)" in line]
    assert len(lines) == 3 and all(any(path in line for line in lines) for path in BAD)
    assert all("WARNING" in line for line in lines)


def test_second_night_fetches_only_the_documents_that_failed(nights):
    log = nights[2]
    assert log["night2_documents"] == sorted(BAD)


def test_a_repaired_document_is_archived_by_the_next_night(nights):
    doc = docs_by_path(nights[1])["/Documents/2024/hong.pdf"]
    assert (doc["status"], doc["attempts"], doc["pages"]) == ("ok", 2, 2)
    assert "đất đai" in doc["text"]


def test_third_night_fetches_no_document_and_no_article(nights):
    """The two documents that failed again on night 2 (an HTML page, over the cap) wait two days."""
    db, log = nights[1], nights[2]
    assert log["night3_documents"] == []
    assert log["night3_articles"] == []
    night2, night3 = rows(db, "select status, message, documents from crawl_runs where id in (2, 3) order by id")
    assert night2["message"] == "2 attached document(s) not archived (tried again after a wait)"
    assert night3["status"] == "ok"
    assert night3["message"] == "2 failed document(s) wait for their next try (not asked for this run)"
    assert json.loads(night3["documents"])["waiting"] == 2
    assert "2 failed document(s) wait for their next try (dead links and the like), not asked for this run" in (
        log["night3"].stderr)
    failed = rows(db, "select url, attempts, transient, wait_days from documents where status = 'failed' order by url")
    assert [(urlsplit(r["url"]).path, r["attempts"], r["transient"], r["wait_days"]) for r in failed] == [
        ("/Documents/2024/loi.pdf", 2, 0, 2), ("/Documents/2024/qua-lon.pdf", 2, 0, 2)]


def test_documents_are_linked_once_whatever_the_nights(nights):
    db = nights[1]
    links = rows(db, "select articles_id, documents_id, count(*) as n from articles_documents group by 1, 2")
    assert len(links) == 2 + 2 + 3 + 3 and all(r["n"] == 1 for r in links)


# --- search ------------------------------------------------------------------------------------------------
def canned(name: str) -> str:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    return metadata["databases"]["monre"]["queries"][name]["sql"]


def search(db, q: str, portal: str = "") -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    search_words.register(conn)  # monre_words(:q), as the Datasette plugin registers it
    try:
        return [dict(r) for r in conn.execute(canned("search_documents"), {"q": q, "portal": portal})]
    finally:
        conn.close()


# The PDF is served twice: as bao-cao-dat-dai.pdf, and as hong.pdf once repaired (night 2).
PDF_COPIES = {"/Documents/2024/bao-cao-dat-dai.pdf", "/Documents/2024/hong.pdf"}


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx"])
def test_search_without_marks_finds_words_inside_documents(nights, kind):
    path = next(p for p, (_, k) in GOOD.items() if k == kind)
    found = {urlsplit(r["document_url"]).path for r in search(nights[1], standin_files.SEARCH_WORDS[kind])}
    assert found == (PDF_COPIES if kind == "pdf" else {path})


@pytest.mark.parametrize("q", ["đầm lầy", "dam lay", "ĐẦM LẦY", "Dam Lay"])
def test_search_in_documents_ignores_marks_and_case(nights, q):
    assert {urlsplit(r["document_url"]).path for r in search(nights[1], q)} == PDF_COPIES


def test_search_result_names_every_article_that_links_the_document(nights):
    site, db, _, chosen = nights
    found = search(db, "dat dai nam 2023")
    assert sorted((urlsplit(r["document_url"]).path, r["article_title"]) for r in found) == sorted(
        [("/Documents/2024/bao-cao-dat-dai.pdf", chosen[0].title), ("/Documents/2024/bao-cao-dat-dai.pdf", chosen[1].title),
         ("/Documents/2024/hong.pdf", chosen[3].title)])
    assert all(r["document_title"] and r["article"] and r["article_url"] for r in found)


def test_search_in_documents_of_one_portal(nights):
    assert {urlsplit(r["document_url"]).path for r in search(nights[1], "dam lay", "monre")} == PDF_COPIES
    assert search(nights[1], "dam lay", "mae") == []


def test_search_in_documents_survives_punctuation(nights):
    assert search(nights[1], 'tràn "dầu') != [] and search(nights[1], "tran*) OR (") == []


# --- Datasette: the article page, the archived copies, the search ---------------------------------------------
@pytest.fixture(scope="module")
def datasette(nights):
    import asyncio

    from datasette.app import Datasette

    db = nights[1]
    loop = asyncio.new_event_loop()
    ds = Datasette([str(db)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8")),
                   template_dir=str(ROOT / "templates"), plugins_dir=str(ROOT / "plugins"),
                   static_mounts=[("files", str(Path(db).parent / "files"))])
    loop.run_until_complete(ds.invoke_startup())

    def get(url):
        return loop.run_until_complete(ds.client.get(url))

    def raw(path: str) -> tuple[int, bytes]:
        """Call Datasette's ASGI app with ``path`` exactly as a client sent it (httpx would remove "..")."""
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 1),
                 "server": ("localhost", 80)}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        loop.run_until_complete(ds.app()(scope, receive, send))
        status = next(m["status"] for m in sent if m["type"] == "http.response.start")
        return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    get.raw = raw
    yield get
    loop.close()


def article_id(db, article) -> str:
    return rows(db, "select id from articles where url like ?", [f"%{article.path}"])[0]["id"]


def test_article_page_lists_its_documents_with_type_size_and_both_links(nights, datasette):
    site, db, _, chosen = nights
    page = datasette(f"/monre/articles/{article_id(db, chosen[0])}")
    assert page.status_code == 200
    docs = docs_by_path(db)
    pdf = docs["/Documents/2024/bao-cao-dat-dai.pdf"]
    assert f'<a class="monre-archived" href="/files/{pdf["path"]}">archived copy</a>' in page.text
    assert f'<a class="monre-original" href="{pdf["url"]}" rel="noopener noreferrer nofollow">original ↗</a>' in page.text
    assert "(PDF, 14.4 KB, 2 pages)" in page.text
    assert "(Word, 36.1 KB, 1 page)" in page.text


def test_article_page_says_which_documents_could_not_be_archived(nights, datasette):
    site, db, _, chosen = nights
    page = datasette(f"/monre/articles/{article_id(db, chosen[3])}").text
    assert "(not archived: not a document: the portal served HTML page" in page
    assert "archived copy" in page  # hong.pdf, repaired and archived on night 2


def test_article_page_links_only_http_urls(nights, datasette):
    site, db, _, chosen = nights
    page = datasette(f"/monre/articles/{article_id(db, chosen[1])}").text
    assert 'href="ftp:' not in page
    assert f'<a class="monre-original" href="{OFFSITE}" rel="noopener noreferrer nofollow">original ↗</a>' in page


def test_article_page_works_without_the_plugin(nights):
    import asyncio

    from datasette.app import Datasette

    site, db, _, chosen = nights
    loop = asyncio.new_event_loop()
    ds = Datasette([str(db)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8")),
                   template_dir=str(ROOT / "templates"))
    try:
        page = loop.run_until_complete(ds.client.get(f"/monre/articles/{article_id(db, chosen[0])}"))
    finally:
        loop.close()
    assert page.status_code == 200 and chosen[0].title in page.text


def test_the_archived_copy_is_served(nights, datasette):
    db = nights[1]
    doc = docs_by_path(db)["/Documents/2024/quyet-dinh-tran-dau.docx"]
    response = datasette(f"/files/{doc['path']}")
    assert response.status_code == 200 and response.content == standin_files.by_extension("docx")[1]


@pytest.mark.parametrize("path", ["/files/../monre.db", "/files/%2e%2e/monre.db", "/files/..%2fmonre.db",
                                  "/files/full/../../monre.db", "/files/full/%2e%2e/%2e%2e/monre.db",
                                  "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/full/"])
def test_nothing_outside_the_files_folder_is_served(nights, datasette, path):
    status, body = datasette.raw(path)
    assert status in (403, 404) and b"SQLite format" not in body and b"root:" not in body


def test_the_archived_copy_is_served_by_the_raw_app_too(nights, datasette):
    doc = docs_by_path(nights[1])["/Documents/2024/rung-ngap-man.xlsx"]
    assert datasette.raw(f"/files/{doc['path']}") == (200, standin_files.by_extension("xlsx")[1])


def test_a_symlink_out_of_the_files_folder_is_not_followed(nights, datasette):
    link = Path(nights[1]).parent / "files" / "full" / "trap.pdf"
    link.symlink_to(Path(nights[1]))
    try:
        status, body = datasette.raw("/files/full/trap.pdf")
    finally:
        link.unlink()
    assert status == 404 and b"SQLite format" not in body


def test_search_box_of_the_documents_table_ignores_marks(nights, datasette):
    data = datasette("/monre/documents.json?_search=tran+dau&_shape=objects&_col=url").json()
    assert [urlsplit(r["url"]).path for r in data["rows"]] == ["/Documents/2024/quyet-dinh-tran-dau.docx"]


def test_search_documents_canned_query_over_http(nights, datasette):
    data = datasette("/monre/search_documents.json?q=vinh+ha+long&_shape=objects").json()
    site, _, _, chosen = nights
    assert [(r["document_title"], r["article_title"]) for r in data["rows"]] == [
        ("Số liệu rừng ngập mặn", chosen[1].title)]


def test_documents_of_stored_articles_are_fetched_later_then_never_again(tmp_path):
    """Night 1 without documents (as an archive written before they were archived, or a run killed while
    downloading them); night 2 fetches every document and no article; night 3, nothing changed, fetches none."""
    site = Site.generate(n_articles=16, seed=5, attachments=0.5)
    linked = sorted({href for a in site.articles for href in a.expected_attachments()})
    db = tmp_path / "monre.db"
    nights = []
    with Portal(site, faults={"attachments"}) as portal:
        for settings in ({"MONRE_DOCUMENTS_ENABLED": "0"}, None, None):
            portal.reset_log()
            result = crawl(portal.url, db, settings=settings)
            assert result.returncode == 0, result.stderr[-2000:]
            nights.append((document_requests(portal), [r.path for r in portal.requests
                                                       if r.path.lower().startswith("/pages/")
                                                       and "chuyenmuc" not in r.path.lower()]))
    assert len(linked) >= 5
    assert nights[0][0] == [] and nights[0][1]
    assert nights[1] == (linked, [])  # each document once, no article fetched again
    assert nights[2] == ([], [])
    links = rows(db, "select count(*) as n from articles_documents")[0]["n"]
    assert links == sum(len(a.attachments) for a in site.articles)
    assert rows(db, "select count(*) as n from documents where status = 'failed'") == [{"n": 0}]
    assert [json.loads(r["documents"])["ok"] for r in rows(db, "select documents from crawl_runs order by id")] == [
        0, sum(1 for path in linked if path.endswith((".pdf", ".docx", ".xlsx"))), 0]


def test_a_document_the_server_fails_to_serve_makes_the_run_incomplete_then_is_fetched(tmp_path):
    """A server error (after retries) is a loss, unlike a broken file or a dead link: exit 4, tried again."""
    site = Site.generate(n_articles=8, seed=9, attachments=0)
    article = next(a for a in site.articles if a.template == "2024")
    article.attachments = [("/Documents/2024/tam-loi.pdf", "Tạm lỗi")]
    db = tmp_path / "monre.db"
    with Portal(site, documents={"/Documents/2024/tam-loi.pdf": ("text/html", b"<html>503</html>", 503)}) as portal:
        first = crawl(portal.url, db)
        portal.documents["/documents/2024/tam-loi.pdf"] = standin_files.by_extension("pdf")
        second = crawl(portal.url, db)
    assert first.returncode == 4, first.stderr[-2000:]
    assert first.stderr.strip().splitlines()[-1] == (
        "monre: run 1 incomplete: 1 attached document(s) could not be downloaded (tried again next run)")
    assert rows(db, "select count(*) as n from articles where url like ?", [f"%{article.path}"]) == [{"n": 1}]
    run1, run2 = rows(db, "select status, documents, items_lost from crawl_runs order by id")
    assert run1["status"] == "incomplete" and json.loads(run1["documents"])["lost"] == 1
    assert run1["items_lost"] == 0  # no article lost
    assert second.returncode == 0 and run2["status"] == "ok"
    assert rows(db, "select status, attempts from documents") == [{"status": "ok", "attempts": 2}]

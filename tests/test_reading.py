"""The reading side over real HTTP: the README's own ``datasette …`` command, served on 127.0.0.1, reading
``crawled_db`` (a real crawl of the stand-in portal). What a reader types, clicks and pages through.

The speed of these pages at 100,000 articles is measured by ``bench/bench_archive.py`` (bench/RESULTS.md),
not here: these tests check that the fast ways (plugins/monre_search.py, the reader indexes) mean what
Datasette's own ways meant.
"""

from __future__ import annotations

import json
import re
import shlex
import socket
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from monre_crawler.schema import SCHEMA_VERSION, StoreError, upgrade

from .utils import open_store

ROOT = Path(__file__).resolve().parent.parent


def readme_command() -> list[str]:
    """The README's Datasette command: the first line after "Then read the archive"."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Then read the archive"))
    return shlex.split(next(line for line in lines[start + 1:] if line.strip()))


class Server:
    def __init__(self, db: Path):
        args = readme_command()
        assert args[0].endswith("datasette") and "data/monre.db" in args
        args[0] = str(Path(sys.executable).with_name("datasette"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        args = [str(db) if a == "data/monre.db" else a for a in args] + ["-h", "127.0.0.1", "-p", str(port)]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, self.proc.stderr.read().decode()[-2000:]
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def json(self, path: str) -> dict:
        status, text = self.get(path)
        assert status == 200, (path, text[:500])
        return json.loads(text)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(crawled_db):
    server = Server(crawled_db)
    yield server
    server.close()


def local(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def ids(server: Server, path: str) -> set[str]:
    """Every article id of a table page (``/monre/articles?…``), read as JSON through all its next pages."""
    url = path.replace("/monre/articles", "/monre/articles.json", 1)
    url += ("&" if "?" in url else "?") + "_shape=objects&_size=max&_nofacet=1&_col=id"
    found: set[str] = set()
    while url:
        data = server.json(url)
        found |= {row["id"] for row in data["rows"]}
        url = local(data["next_url"]) if data.get("next_url") else None
    return found


def search(server: Server, typed: str, **extra) -> set[str]:
    return ids(server, "/monre/articles?" + urlencode({"_search": typed, **extra}))


def db_rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


# --- the command, the settings --------------------------------------------------------------------------------
def test_the_readme_command_serves_the_project_settings(server):
    settings = server.json("/-/settings.json")
    assert settings["suggest_facets"] is False
    assert settings["facet_time_limit_ms"] == 1000
    plugins = {p["name"] for p in server.json("/-/plugins.json")}
    assert {"monre_search.py", "monre_pages.py"} <= plugins


def test_no_page_times_out_or_suggests(server, crawled_db):
    category = db_rows(crawled_db, "select name from categories order by name limit 1")[0][0]
    for path in ["/monre", "/monre/articles", "/monre/articles?_search=dat+dai",
                 f"/monre/articles?_category={quote(category)}", "/monre/articles?_search=moi+truong&_category="
                 + quote(category), "/monre/crawl_runs"]:
        status, html = server.get(path)
        assert status == 200, path
        assert "timed out" not in html, path
        assert "Suggested facets" not in html, path


# --- search box -------------------------------------------------------------------------------------------------
def test_search_box_is_shown_and_keeps_what_was_typed(server):
    status, html = server.get("/monre/articles?_search=" + quote("đất đai"))
    assert status == 200
    assert 'name="_search"' in html and 'value="đất đai"' in html
    assert "search matches &#34;đất đai&#34;" in html
    status, html = server.get("/monre/articles")
    assert 'name="_search"' in html


@pytest.mark.parametrize("marked", ["đất đai", "môi trường", "Đo đạc", "tài nguyên nước"])
def test_search_forgives_marks_capitals_d_and_nfd(server, marked):
    bare = unicodedata.normalize("NFD", marked.replace("đ", "d").replace("Đ", "D"))
    bare = unicodedata.normalize("NFC", "".join(c for c in bare if not unicodedata.combining(c)))
    expected = search(server, marked)
    assert expected, marked
    for variant in (bare, marked.upper(), bare.upper(), unicodedata.normalize("NFD", marked)):
        assert search(server, variant) == expected, variant


def test_search_finds_what_the_text_holds(server, crawled_db):
    """Every article whose title, summary or text holds both words (any marks) is found, and only those."""
    def folded_words(text):
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).lower()
        return set(re.findall(r"\w+", "".join(c for c in text if not unicodedata.combining(c))))
    expected = {aid for aid, title, summary, body in db_rows(
        crawled_db, "select id, title, summary, body_text from articles")
        if {"dat", "dai"} <= folded_words(f"{title} {summary or ''} {body or ''}")}
    assert expected
    assert search(server, "đất đai") == expected
    assert search(server, "dat dai") == expected


def test_search_results_are_newest_first_and_count_right(server):
    data = server.json("/monre/articles.json?_search=moi+truong&_shape=objects&_size=5&_nofacet=1")
    assert data["filtered_table_rows_count"] == len(search(server, "moi truong"))
    dates = [r["published_at"] for r in data["rows"] if r["published_at"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("typed", ['"', '""', '"đất', "đất\"đai", "(", "AND", "NEAR(đất", "đất*", "-môi",
                                   "title: x", "^", "'; drop table articles; --", "đất\x00đai", "\x00", "  "])
@pytest.mark.parametrize("table", ["articles", "documents"])
def test_whatever_is_typed_in_the_search_box_gives_a_page(server, typed, table):
    for mode in ({}, {"_searchmode": "raw"}):
        status, html = server.get(f"/monre/{table}?" + urlencode({"_search": typed, **mode}))
        assert status == 200, (typed, mode, html[:300])
        status, _ = server.get(f"/monre/{table}.json?" + urlencode({"_search": typed, **mode}))
        assert status == 200, (typed, mode)


def test_the_documents_search_box_finds_a_document_by_its_words_with_or_without_marks(server, crawled_db):
    texts = db_rows(crawled_db, "select id, title from documents where title is not null and title != ''")
    assert texts
    doc_id, title = texts[0]
    words = " ".join(title.split()[:3])
    from .test_datasette import strip_marks

    assert strip_marks(words) != words  # (a title with marks: the search must forgive them)
    for typed in (words, strip_marks(words), strip_marks(words).upper(), unicodedata.normalize("NFD", words)):
        data = server.json("/monre/documents.json?" + urlencode({"_search": typed, "_shape": "objects", "_col": "id",
                                                                  "_size": "max"}))
        assert doc_id in {r["id"] for r in data["rows"]}, typed


@pytest.mark.parametrize("mode", [{}, {"_searchmode": "raw"}])
def test_a_search_without_words_says_so(server, mode):
    data = server.json("/monre/articles.json?" + urlencode({"_search": '"', "_size": 1, **mode}))
    status, html = server.get("/monre/articles?" + urlencode({"_search": '"', **mode}))
    assert status == 200 and "has no word to look for" in html
    assert data["filtered_table_rows_count"] == server.json("/monre/articles.json?_size=1")["filtered_table_rows_count"]
    if mode:
        assert "not valid FTS5 syntax" in html


def test_quotes_in_the_search_box_are_word_edges(server):
    assert search(server, '"đất" "đai"') == search(server, "đất đai")
    assert search(server, 'đất"') == search(server, "đất")


def test_raw_mode_keeps_fts_syntax_and_says_when_it_cannot(server):
    both = search(server, "dat dai", _searchmode="raw")
    either = search(server, "dat OR dai", _searchmode="raw")
    assert both and both <= either
    assert search(server, "moi*", _searchmode="raw") >= search(server, "moi")
    assert search(server, '"Đất đai"', _searchmode="raw") <= both  # a phrase, đ folded
    status, html = server.get("/monre/articles?" + urlencode({"_search": 'đất "đai', "_searchmode": "raw"}))
    assert status == 200 and "searched as words" in html
    assert search(server, 'đất "đai', _searchmode="raw") == search(server, "đất đai")


def test_sort_by_rank_is_refused_by_datasette(server):
    """No relevance order on the table page (the ``search`` canned query has it): Datasette 0.65 refuses
    ``_sort=`` of anything but a column with an error page of status 500, as for any unknown column."""
    for sort in ("rank", "no_such_column"):
        status, html = server.get(f"/monre/articles?_search=dat&_sort={sort}")
        assert status == 500 and f"Cannot sort table by {sort}" in html


# --- canned search ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["đất\x00đai", "\x00", '"', "đất\tđai"])
def test_canned_search_takes_anything(server, typed):
    status, text = server.get("/monre/search.json?" + urlencode({"q": typed, "_shape": "objects"}))
    assert status == 200, text[:300]


def canned_search(server: Server, typed: str) -> set[str]:
    rows = server.json("/monre/search.json?" + urlencode({"q": typed, "_shape": "objects"}))["rows"]
    assert len(rows) < 100, "the canned query stops at 100 rows: the fixture should match fewer"
    return {r["article"] for r in rows}


@pytest.mark.parametrize("typed", ["Đất đai", "dat dai", "đất-đai", "dat/dai", "(đất.đai)", '"đất đai"', "đất, đai!",
                                   "đất\x00đai", "đất đai\x00xyzzy", "\x00đất\tđai\n", "đất_đai", "môi-trường",
                                   "tài nguyên/nước", "đất*", "NEAR(đất", "-.-", "\x00", ""])
def test_canned_search_equals_the_search_box(server, typed):
    if typed.strip("-.\x00"):
        assert canned_search(server, typed) == search(server, typed)
    else:  # no word: the canned query matches nothing, the search box shows the whole table
        assert canned_search(server, typed) == set()
        assert search(server, typed) == ids(server, "/monre/articles")


# What a reader types with punctuation between the words means the words, anywhere (README: "in the default
# mode quotes and punctuation only separate words"), not the phrase.
@pytest.mark.parametrize("typed", ["đất-đai", "dat-dai", "dat/dai", "đất/đai", "đất.đai", "(đất.đai)", "(đất-đai)",
                                   '"đất đai"', '"đất" "đai"', "đất, đai!", "đất\x00đai", "ĐẤT_ĐAI"])
def test_punctuation_between_words_finds_what_the_words_find(server, typed):
    both = search(server, "đất đai")
    assert both and search(server, typed) == both
    assert canned_search(server, typed) == canned_search(server, "đất đai")
    data = server.json("/monre/articles.json?" + urlencode({"_search": typed, "_size": 0, "_nofacet": 1}))
    assert data["filtered_table_rows_count"] == len(both)


def test_the_words_need_not_be_next_to_each_other(server):
    """The fixture holds articles with both words apart: a punctuated query finds them (it is no phrase)."""
    phrase = search(server, '"đất đai"', _searchmode="raw")
    assert phrase < search(server, "đất-đai"), "the fixture should hold đất and đai apart in some article"
    assert phrase < canned_search(server, "(đất.đai)")


# Whatever a reader types into a canned search or a feed gives a page (and an Atom feed): no error page.
HOSTILE = ["đất\x00đai", "\x00", "\x00\x00đất", "đất\tđai", "\t", "\r\n", "-.,/()!?", '"', '""', "'", "(", ")",
           "*", "^", ":", "đất AND đai", "AND", "OR", "NOT", "đất OR", "NEAR(", "NEAR(đất đai", "NEAR(đất, 2)", "đất*",
           "^đất", "folded: đất", "đất:", "{folded}: đất", "'; drop table articles; --", "đất đai " * 43, "đ" * 300,
           "(-" * 150, "\ufeffđất\u200b"]
CANNED_SEARCHES = ["search", "search_documents", "feed_search"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_whatever_is_typed_in_a_canned_search_gives_a_page(server, typed):
    import feedparser

    for name in CANNED_SEARCHES:
        for fmt, portal in (("", {}), (".json", {"portal": "monre"})):
            status, text = server.get(f"/monre/{name}{fmt}?" + urlencode({"q": typed, **portal}))
            assert status == 200, (name, fmt, typed, portal, text[:300])
    for name, arg in (("feed_search", "q"), ("feed_category", "category")):
        status, text = server.get(f"/monre/{name}.atom?" + urlencode({arg: typed}))
        assert status == 200, (name, typed, text[:300])
        parsed = feedparser.parse(text)
        assert not parsed.bozo and parsed.feed.get("title"), (name, typed, text[:300])


# --- categories: filter and facet -------------------------------------------------------------------------------
def link_counts(db: Path) -> Counter:
    return Counter(dict(db_rows(db, "select c.name, count(*) from articles_categories ac "
                                    "join categories c on c.id = ac.categories_id group by c.name")))


def test_category_facet_counts_every_category_of_every_article(server, crawled_db):
    data = server.json("/monre/articles.json?_size=1&_facet_size=max")
    facet = data["facet_results"]["categories"]
    assert {item["value"]: item["count"] for item in facet["results"]} == link_counts(crawled_db)
    assert db_rows(crawled_db, "select count(*) from articles_categories group by articles_id having count(*) > 1"), \
        "the fixture should have articles in several categories"


def test_category_facet_link_filters_the_articles_of_that_category(server, crawled_db):
    facet = server.json("/monre/articles.json?_size=1&_facet_size=max")["facet_results"]["categories"]
    for item in facet["results"]:
        expected = {r[0] for r in db_rows(
            crawled_db, "select ac.articles_id from articles_categories ac join categories c "
                        "on c.id = ac.categories_id where c.name = ?", [item["value"]])}
        assert "_category=" in item["toggle_url"]
        assert ids(server, local(item["toggle_url"]).replace("articles.json", "articles")) == expected, item["value"]
        assert item["count"] == len(expected)


def test_category_facet_of_a_filtered_page_counts_that_page(server, crawled_db):
    data = server.json("/monre/articles.json?_search=moi+truong&_size=1&_facet_size=max")
    found = search(server, "moi truong")
    expected = Counter()
    for aid, names in db_rows(crawled_db, "select id, categories from articles"):
        if aid in found:
            expected.update(json.loads(names))
    assert {i["value"]: i["count"] for i in data["facet_results"]["categories"]["results"]} == expected
    # Selected: the link removes the category again.
    name = data["facet_results"]["categories"]["results"][0]["value"]
    filtered = server.json("/monre/articles.json?" + urlencode({"_search": "moi truong", "_category": name,
                                                                "_size": 1, "_facet_size": "max"}))
    item = next(i for i in filtered["facet_results"]["categories"]["results"] if i["value"] == name)
    assert item["selected"] and "_category=" not in item["toggle_url"]


def test_two_categories_select_the_articles_in_both(server, crawled_db):
    a, b = db_rows(crawled_db, "select c1.name, c2.name from articles_categories x "
                               "join articles_categories y on y.articles_id = x.articles_id and y.categories_id > x.categories_id "
                               "join categories c1 on c1.id = x.categories_id join categories c2 on c2.id = y.categories_id "
                               "limit 1")[0]
    both = ids(server, "/monre/articles?" + urlencode([("_category", a), ("_category", b)]))
    assert both == ids(server, "/monre/articles?_category=" + quote(a)) & ids(server, "/monre/articles?_category=" + quote(b))
    assert both


def test_category_links_on_table_and_article_pages_use_the_fast_filter(server, crawled_db):
    aid = db_rows(crawled_db, "select id from articles where categories <> '[]' limit 1")[0][0]
    for path in (f"/monre/articles/{aid}", "/monre/articles"):
        _, html = server.get(path)
        assert "?_category=" in html and "?categories__arraycontains=" not in html, path


# --- months, pages, canned queries --------------------------------------------------------------------------------
def test_month_facet_and_filter(server, crawled_db):
    facet = server.json("/monre/articles.json?_size=1&_facet_size=max")["facet_results"]["published_month"]
    expected = dict(db_rows(crawled_db, "select published_month, count(*) from articles "
                                        "where published_month is not null group by published_month"))
    assert {i["value"]: i["count"] for i in facet["results"]} == expected
    month = facet["results"][0]["value"]
    assert len(ids(server, f"/monre/articles?published_month={month}")) == expected[month]


def test_next_pages_walk_the_whole_archive_newest_first(server, crawled_db):
    url, seen, dates = "/monre/articles.json?_size=7&_nofacet=1&_shape=objects", [], []
    while url:
        data = server.json(url)
        seen += [r["id"] for r in data["rows"]]
        dates += [r["published_at"] for r in data["rows"]]
        url = local(data["next_url"]) if data.get("next_url") else None
    total = db_rows(crawled_db, "select count(*) from articles")[0][0]
    assert len(seen) == len(set(seen)) == total
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (total - len(dated))


def test_articles_in_category_canned_query(server, crawled_db):
    name = db_rows(crawled_db, "select name from categories order by name limit 1")[0][0]
    rows = server.json("/monre/articles_in_category.json?" + urlencode({"category": name, "_shape": "objects"}))["rows"]
    assert [r["article"] for r in rows] and {r["article"] for r in rows} == ids(
        server, "/monre/articles?_category=" + quote(name))
    dates = [r["published_at"] for r in rows if r["published_at"]]
    assert dates == sorted(dates, reverse=True)


# --- the schema the reader needs --------------------------------------------------------------------------------
def test_reader_queries_use_indexes_not_the_article_rows(crawled_db):
    """The plans of the slow pages of issue 12: an index each, never a scan of the wide rows or a sort of them."""
    conn = sqlite3.connect(crawled_db)
    checks = {
        "select source, count(*) from articles group by source": "articles_by_source",
        "select published_month, count(*) from articles group by published_month": "articles_by_month",
        "select id from articles where published_month = '2020-01' order by published_at desc": "articles_by_month",
        "select portal, count(*) from articles group by portal": "articles_by_portal",
        # articles_per_month of one portal, as the canned query asks it
        "select published_month, count(*) from articles where trim('mae') = '' or portal = trim('mae') "
        "or portal = trim('mae') || '.gov.vn' group by published_month": "INDEX articles_by_month",
        "select id from articles where +rowid in (select rowid from articles_fts where articles_fts match 'dat') "
        "order by published_at desc limit 101": "articles_by_date",
        "select id from articles where (published_at < '2020' or published_at is null or "
        "(published_at = '2020' and id > 'a')) order by published_at desc, id limit 101": "articles_by_date",
    }
    for sql, index in checks.items():
        plan = " | ".join(row[3] for row in conn.execute("explain query plan " + sql))
        assert index in plan, (sql, plan)
        assert "TEMP B-TREE FOR ORDER BY" not in plan or "group by" in sql, (sql, plan)
        assert not re.search(r"SCAN articles(?=$| \|)", plan), (sql, plan)


def test_search_index_holds_each_text_once(crawled_db):
    conn = sqlite3.connect(crawled_db)
    assert [r[1] for r in conn.execute("pragma table_info(articles_fts)")] == ["folded"]


def test_upgrade_rebuilds_a_version_1_search_index(crawled_db, tmp_path):
    """An archive of schema 1 (four-column index) is refused, then upgraded: its articles are found again."""
    path = tmp_path / "monre.db"
    with sqlite3.connect(crawled_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    conn = sqlite3.connect(path)
    with conn:
        for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            conn.execute(f"drop trigger {trigger}")
        conn.execute("drop table articles_fts")
        conn.execute("create virtual table articles_fts using fts5(title, summary, body_text, folded, content='', "
                     "tokenize='unicode61 remove_diacritics 2')")
        conn.execute("pragma user_version = 1")
    conn.close()
    with pytest.raises(StoreError, match="older than this code"):
        open_store(path, lock=False)
    upgrade(str(path))
    conn = sqlite3.connect(path)
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    n = conn.execute("select count(*) from articles").fetchone()[0]
    assert conn.execute("select count(*) from articles_fts_docsize").fetchone()[0] == n
    expected = {r[0] for r in sqlite3.connect(crawled_db).execute(
        "select a.id from articles_fts f join articles a on a.rowid = f.rowid where articles_fts match '\"dat\"'")}
    assert {r[0] for r in conn.execute(
        "select a.id from articles_fts f join articles a on a.rowid = f.rowid where articles_fts match '\"dat\"'")} == expected
    names = {r[1] for r in conn.execute("pragma index_list(articles)")}
    assert {"articles_by_date", "articles_by_month", "articles_by_source", "articles_by_categories"} <= names


@pytest.mark.parametrize("typed, most", [("moi truong", True), ("khoáng sản", False)])
def test_source_and_month_facets_of_a_search_count_that_search(server, crawled_db, typed, most):
    """On a searched page the four facets are counted together (plugins/monre_search.py): same counts,
    same links as Datasette's column facet. A search that matches most of the archive is counted from the
    articles it does not match; one that matches fewer than half, from those it matches."""
    data = server.json("/monre/articles.json?" + urlencode({"_search": typed, "_size": 1, "_facet_size": "max"}))
    found = search(server, typed)
    total = db_rows(crawled_db, "select count(*) from articles")[0][0]
    assert (2 * len(found) > total) is most and found
    sources, months, portals = Counter(), Counter(), Counter()
    for aid, source, month, portal in db_rows(crawled_db, "select id, source, published_month, portal from articles"):
        if aid in found:
            sources.update([source] if source is not None else [])
            months.update([month] if month is not None else [])
            portals.update([portal] if portal is not None else [])
    facets = data["facet_results"]
    assert portals and {i["value"]: i["count"] for i in facets["portal"]["results"]} == portals
    assert {i["value"]: i["count"] for i in facets["source"]["results"]} == sources
    assert {i["value"]: i["count"] for i in facets["published_month"]["results"]} == months
    categories = Counter(name for aid, names in db_rows(crawled_db, "select id, categories from articles")
                         if aid in found for name in json.loads(names))
    assert {i["value"]: i["count"] for i in facets["categories"]["results"]} == categories
    item = facets["source"]["results"][0]
    narrowed = ids(server, local(item["toggle_url"]).replace("articles.json", "articles"))
    expected = {aid for aid, source in db_rows(crawled_db, "select id, source from articles") if source == item["value"]}
    assert narrowed == found & expected
    again = server.json(local(item["toggle_url"]) + "&_size=1")["facet_results"]["source"]["results"]
    assert next(i for i in again if i["value"] == item["value"])["selected"]


def facet_counts(data: dict) -> dict:
    return {name: {i["value"]: i["count"] for i in facet["results"]} for name, facet in data["facet_results"].items()}


@pytest.mark.parametrize("start", [
    {}, {"_category": "Đất đai"}, {"_search": "moi truong"}, {"_search": "khoáng sản"}, {"_sort": "title"},
    {"_search": "moi truong", "_sort_desc": "source"}, {"portal": "monre.gov.vn"}, {"_sort_desc": "published_at"},
])
def test_facets_of_every_page_count_the_whole_selection(server, start):
    """Page 2 and 3 of a selection show the same facets as page 1, as its row count does (Datasette 0.65
    alone counts only the rows after the cursor), and their links start the new selection at its first page."""
    path = "/monre/articles.json?" + urlencode({**start, "_size": 4, "_facet_size": "max"})
    first = server.json(path)
    assert first["next_url"], start
    page, pages = first, 0
    while page.get("next_url") and pages < 2:
        page = server.json(local(page["next_url"]))
        pages += 1
        assert page["filtered_table_rows_count"] == first["filtered_table_rows_count"]
        assert facet_counts(page) == facet_counts(first), start
        links = [i["toggle_url"] for f in page["facet_results"].values() for i in f["results"]]
        assert links and not [link for link in links if "_next=" in link]
    assert pages == 2


@pytest.mark.parametrize("column", ["portal", "source", "template", "published_month"])
def test_facets_of_a_column_filter_count_that_selection(server, crawled_db, column):
    """A column filter that keeps most of the archive (the portal) or a part of it (the commonest source), on a
    column the date index holds or not (the template, the month)."""
    (value, n), = db_rows(crawled_db, f"select {column}, count(*) from articles where {column} is not null "
                                      f"group by 1 order by 2 desc limit 1")
    data = server.json("/monre/articles.json?" + urlencode({column: value, "_size": 1, "_facet_size": "max"}))
    assert data["filtered_table_rows_count"] == n
    chosen = [r for r in db_rows(crawled_db, f"select source, published_month, portal, categories from articles "
                                             f"where {column} = ?", [value])]
    expected = {
        "source": Counter(r[0] for r in chosen if r[0] is not None),
        "published_month": Counter(r[1] for r in chosen if r[1] is not None),
        "portal": Counter(r[2] for r in chosen if r[2] is not None),
        "categories": Counter(name for r in chosen for name in json.loads(r[3])),
    }
    assert facet_counts(data) == expected


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_datasettes_array_filter_and_facet_lead_to_the_fast_ones(server, crawled_db, suffix):
    """categories__arraycontains and _facet_array=categories read every row at 100,000 articles: the plugin
    sends them to the category filter and facet, which mean the same; a facet by each article's own text or
    list (one value per article) is left out."""
    name = db_rows(crawled_db, "select name from categories order by name limit 1")[0][0]
    opener = urllib.request.build_opener(NoRedirect)
    for typed, expected in [({"categories__arraycontains": name, "_size": "2"}, {"_category": name, "_size": "2"}),
                            ({"_facet_array": "categories", "source": "Monre"}, {"source": "Monre"}),
                            ({"_facet_array": "image_urls"}, {}),
                            ({"_facet": "body_text", "_search": "dat"}, {"_search": "dat"}),
                            ({"_facet": "title", "_facet_size": "max"}, {"_facet_size": "max"})]:
        try:
            opener.open(server.base + f"/monre/articles{suffix}?" + urlencode(typed), timeout=30)
            raise AssertionError("no redirect")
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
            location = exc.headers["Location"]
        assert location == f"/monre/articles{suffix}" + ("?" + urlencode(expected) if expected else "")
    kept = server.json("/monre/articles.json?_facet=template&_size=1")  # a facet that counts something: kept
    assert "template" in kept["facet_results"]
    followed = server.json("/monre/articles.json?" + urlencode({"categories__arraycontains": name}))
    assert followed["filtered_table_rows_count"] == len(ids(server, "/monre/articles?" + urlencode({"_category": name})))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

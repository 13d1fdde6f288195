"""The Datasette side of the archive: metadata.yml, search that forgives diacritics, canned queries, pages.

Everything runs against ``crawled_db`` (a ``monre.db``, so Datasette calls the database ``monre``),
through Datasette's own HTTP API (``ds.client``) and, once, through the real ``datasette … --get`` CLI.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import yaml
from datasette.app import Datasette

from .utils import open_store


ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
TABLES = ["articles", "categories", "articles_categories", "article_aliases", "crawl_runs", "crawl_state",
          "lost_articles", "article_versions", "article_events", "documents", "articles_documents"]
# Canned queries of edits and removals: empty after one crawl (tests/test_history.py runs them on nights
# with edits and removals).
HISTORY_QUERIES = {"feed_edits", "feed_removals", "recently_edited", "recently_removed"}


def load_metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


class Client:
    """Datasette's in-process HTTP client, driven from synchronous tests."""

    def __init__(self, path: Path, **kwargs):
        self.loop = asyncio.new_event_loop()
        self.ds = Datasette([str(path)], metadata=load_metadata(), **kwargs)
        self.loop.run_until_complete(self.ds.invoke_startup())

    def get(self, url: str):
        return self.loop.run_until_complete(self.ds.client.get(url))

    def json(self, url: str):
        response = self.get(url)
        assert response.status_code == 200, (url, response.text[:500])
        return response.json()

    def close(self):
        self.loop.close()


@pytest.fixture(scope="module")
def client(crawled_db):
    # As the README's command serves it: search, the category filter and facet come from the plugins.
    client = Client(crawled_db, plugins_dir=str(ROOT / "plugins"),
                    settings={"suggest_facets": False, "facet_time_limit_ms": 1000})
    yield client
    client.close()


def search_ids(client: Client, query: str) -> set[str]:
    """Every article id ``?_search=query`` returns, following the pages."""
    url = f"/monre/articles.json?_search={quote_plus(query)}&_shape=objects&_size=max&_nofacet=1&_col=id"
    ids: set[str] = set()
    while url:
        data = client.json(url)
        ids |= {row["id"] for row in data["rows"]}
        url = data.get("next_url")
        if url:
            url = re.sub(r"^https?://[^/]+", "", url)
    return ids


def strip_marks(text: str) -> str:
    """What a reader types without a Vietnamese keyboard: no tone marks, no hats or horns, đ as d."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


# --- metadata ------------------------------------------------------------------------------------------------
def test_metadata_loads_into_datasette(client):
    metadata = client.json("/-/metadata.json")
    assert metadata["title"]
    assert metadata["source_url"] == "https://monre.gov.vn"
    assert metadata["license"]
    assert "monre" in metadata["databases"]
    html = client.get("/").text
    assert "monre.gov.vn" in html


def test_every_column_is_described(crawled_db):
    tables = load_metadata()["databases"]["monre"]["tables"]
    conn = sqlite3.connect(crawled_db)
    for table in TABLES:
        # table_xinfo, not table_info: generated columns (published_month) need a description too.
        actual = {row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})")}
        assert actual, table
        described = {column for column, text in tables[table]["columns"].items() if text and text.strip()}
        assert actual - described == set(), f"{table}: columns without a description"
        assert set(tables[table]["columns"]) - actual == set(), f"{table}: descriptions of no column"
        assert tables[table]["description"].strip()


def test_column_descriptions_show_on_the_table_page(client):
    html = client.get("/monre/articles").text
    assert "Month of publication" in html


def test_search_tables_are_hidden(client):
    tables = {t["name"]: t for t in client.json("/monre.json")["tables"]}
    assert tables["articles_fts"]["hidden"]
    assert all(t["hidden"] for name, t in tables.items() if name.startswith("articles_fts"))
    assert not tables["articles"]["hidden"]


def test_articles_newest_first_with_facets(client):
    data = client.json("/monre/articles.json?_shape=objects&_size=max")
    dates = [row["published_at"] for row in data["rows"] if row["published_at"]]
    assert dates and dates == sorted(dates, reverse=True)
    facets = data["facet_results"]
    assert {"categories", "source", "published_month"} <= set(facets)
    months = {item["value"] for item in facets["published_month"]["results"]}
    assert months and all(m is None or re.fullmatch(r"\d{4}-\d{2}", m) for m in months)
    # The category facet filters the articles of one category, like the m2m table says.
    category = facets["categories"]["results"][0]
    filtered = client.json(re.sub(r"^https?://[^/]+", "", category["toggle_url"]).replace(
        "/monre/articles?", "/monre/articles.json?") + "&_shape=objects&_size=max&_nofacet=1")
    conn = sqlite3.connect(client.ds.databases["monre"].path)
    expected = {r[0] for r in conn.execute(
        "SELECT ac.articles_id FROM articles_categories ac JOIN categories c ON c.id = ac.categories_id "
        "WHERE c.name = ?", [category["value"]])}
    assert {row["id"] for row in filtered["rows"]} == expected
    assert category["count"] == len(expected)


# --- search --------------------------------------------------------------------------------------------------
PAIRS = [("môi trường", "moi truong"), ("đất đai", "dat dai"), ("Đo đạc", "do dac"), ("tài nguyên", "tai nguyen")]


@pytest.mark.parametrize("marked, bare", PAIRS)
def test_search_without_marks_finds_what_marks_find(client, marked, bare):
    with_marks = search_ids(client, marked)
    assert with_marks, f"{marked!r} finds nothing: the fixture should contain it"
    assert search_ids(client, bare) >= with_marks


@pytest.mark.parametrize("marked, bare", PAIRS)
def test_search_ignores_capitals_and_normal_form(client, marked, bare):
    expected = search_ids(client, marked)
    assert search_ids(client, marked.upper()) == expected
    assert search_ids(client, marked.title()) == expected
    assert search_ids(client, unicodedata.normalize("NFD", marked)) == expected
    assert search_ids(client, bare.upper()) == search_ids(client, bare)


def corpus_words(crawled_db: Path, limit: int = 60) -> list[str]:
    """Marked words of the archive's titles and summaries, the ones with đ first."""
    conn = sqlite3.connect(crawled_db)
    words: set[str] = set()
    for title, summary in conn.execute("SELECT title, summary FROM articles"):
        for text in (title, summary or ""):
            words |= {w for w in re.findall(r"\w+", unicodedata.normalize("NFC", text)) if strip_marks(w) != w}
    ordered = sorted(words, key=lambda w: ("đ" not in w.lower(), w))
    return ordered[:limit]


def test_search_equivalences_over_the_archive_words(client, crawled_db):
    words = corpus_words(crawled_db)
    assert any("đ" in w.lower() for w in words)
    for word in words:
        found = search_ids(client, word)
        assert found, word
        assert search_ids(client, strip_marks(word)) >= found, word
        assert search_ids(client, word.upper()) == found, word
        assert search_ids(client, unicodedata.normalize("NFD", word)) == found, word


def test_articles_served_in_nfd_are_stored_nfc_and_found_by_either_form(client, crawled_db):
    """The crawl behind ``crawled_db`` served some articles in NFD: all are stored NFC and found."""
    conn = sqlite3.connect(crawled_db)
    titles = list(conn.execute("SELECT id, title FROM articles"))
    assert all(unicodedata.is_normalized("NFC", title) for _, title in titles)
    for aid, title in titles:
        words = " ".join(re.findall(r"\w+", title)[:3])
        assert aid in search_ids(client, unicodedata.normalize("NFD", words))
        assert aid in search_ids(client, strip_marks(words))


def test_search_box_is_on_the_articles_page(client):
    html = client.get("/monre/articles?_search=dat+dai").text
    assert 'name="_search"' in html
    assert 'value="dat dai"' in html


def test_search_through_the_datasette_cli(crawled_db):
    def cli(query):
        out = subprocess.run(
            [str(Path(sys.executable).with_name("datasette")), str(crawled_db), "-m", str(METADATA),
             "--plugins-dir", str(ROOT / "plugins"), "--get",
             f"/monre/articles.json?_search={quote_plus(query)}&_shape=array&_size=max&_nofacet=1"],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
        return {row["id"] for row in json.loads(out)}

    marked = cli("đất đai")
    assert marked
    assert cli("dat dai") >= marked
    assert cli("ĐẤT ĐAI") == marked
    assert cli(unicodedata.normalize("NFD", "đất đai")) == marked


def test_index_follows_updates(crawled_db, tmp_path):
    path = tmp_path / "monre.db"
    with sqlite3.connect(crawled_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    conn = sqlite3.connect(path)
    aid, old_body = conn.execute(
        "SELECT id, body_text FROM articles WHERE body_text <> '' ORDER BY id LIMIT 1").fetchone()
    title, summary, published_at, source, url = conn.execute(
        "SELECT title, summary, published_at, source, url FROM articles WHERE id = ?", [aid]).fetchone()
    conn.close()
    client = Client(path)
    try:
        assert aid not in search_ids(client, "Xđộngđất quỹđạo")
        store = open_store(path, lock=False)
        store.add_article({
            "id": aid, "url": url, "title": title, "summary": summary, "published_at": published_at,
            "source": source, "body_text": "Bài viết đã sửa: Xđộngđất quỹđạo.", "body_html": "",
            "image_urls": [], "attachments": [], "categories": [], "template": "2024",
            "content_hash": "edited",
        })
        assert store.flush()["updated"] == 1
        store.close()
        assert aid in search_ids(client, "Xđộngđất quỹđạo")
        assert aid in search_ids(client, "xdongdat quydao")
        old_words = [w for w in re.findall(r"\w+", old_body)
                     if w.lower() not in f"{title} {summary}".lower() and len(w) > 3]
        if old_words:  # words only the old body had are no longer found in this article
            assert aid not in search_ids(client, old_words[0]) or old_words[0].lower() in (
                f"{title} {summary}".lower())
        # Deleting an article removes it from the index.
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("DELETE FROM articles_categories WHERE articles_id = ?", [aid])
            conn.execute("DELETE FROM articles WHERE id = ?", [aid])
        conn.close()
        assert aid not in search_ids(client, "xdongdat quydao")
    finally:
        client.close()


# --- canned queries ------------------------------------------------------------------------------------------
def canned(client: Client, name: str, **params) -> list[dict]:
    query = "&".join(f"{k}={quote_plus(v)}" for k, v in params.items())
    data = client.json(f"/monre/{name}.json?_shape=objects&{query}")
    assert data.get("ok", True), data
    assert "error" not in data or not data["error"], data
    return data["rows"]


def test_every_canned_query_runs(client, crawled_db):
    queries = load_metadata()["databases"]["monre"]["queries"]
    category = sqlite3.connect(crawled_db).execute("SELECT name FROM categories ORDER BY name LIMIT 1").fetchone()[0]
    params = {"category": category, "q": "đất đai"}
    assert {"latest_articles", "articles_per_month", "articles_in_category", "search", "crawl_history"} <= set(queries)
    for name, query in queries.items():
        needed = set(re.findall(r":(\w+)", query["sql"]))
        rows = canned(client, name, **{k: v for k, v in params.items() if k in needed})
        assert rows or name in HISTORY_QUERIES, name


def test_canned_articles_in_category(client, crawled_db):
    conn = sqlite3.connect(crawled_db)
    for cid, name in conn.execute("SELECT id, name FROM categories"):
        expected = {r[0] for r in conn.execute(
            "SELECT articles_id FROM articles_categories WHERE categories_id = ?", [cid])}
        assert {r["article"] for r in canned(client, "articles_in_category", category=name)} == expected
        assert {r["article"] for r in canned(client, "articles_in_category", category=str(cid))} == expected


def test_canned_per_month_adds_up(client, crawled_db):
    rows = canned(client, "articles_per_month")
    total = sqlite3.connect(crawled_db).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert sum(r["articles"] for r in rows) == total


@pytest.mark.parametrize("marked", ["đất đai", "môi trường", "Đo đạc", "tài nguyên nước"])
def test_canned_search_is_diacritic_blind(client, marked):
    expected = {r["article"] for r in canned(client, "search", q=marked)}
    assert expected
    assert expected == search_ids(client, strip_marks(marked))
    for variant in (strip_marks(marked), marked.upper(), strip_marks(marked).upper(),
                    unicodedata.normalize("NFD", marked)):
        assert {r["article"] for r in canned(client, "search", q=variant)} == expected, variant


@pytest.mark.parametrize("query", ['"đất', 'đất" OR "', "AND", "NEAR(đất", "đất*", "-môi", "title: x",
                                  "(", "  ", "", "đất\tđai\n", "^", "'; drop table articles; --"])
def test_canned_search_survives_punctuation(client, query):
    canned(client, "search", q=query)


# --- pages ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages(crawled_db):
    client = Client(crawled_db, template_dir=str(ROOT / "templates"), plugins_dir=str(ROOT / "plugins"),
                    settings={"suggest_facets": False, "facet_time_limit_ms": 1000})
    yield client
    client.close()


def test_article_page_is_readable(pages, crawled_db):
    conn = sqlite3.connect(crawled_db)
    conn.row_factory = sqlite3.Row
    article = conn.execute(
        "SELECT * FROM articles WHERE body_text LIKE '%' || char(10) || '%' AND categories <> '[]' "
        "ORDER BY published_at DESC LIMIT 1").fetchone()
    response = pages.get(f"/monre/articles/{article['id']}")
    assert response.status_code == 200
    html = response.text
    from markupsafe import escape

    assert f"<h1>{escape(article['title'])}</h1>" in html
    assert f'href="{escape(article["url"])}"' in html and "Read the original" in html
    for name in json.loads(article["categories"]):
        assert str(escape(name)) in html
    paragraphs = [p for p in article["body_text"].split("\n") if p.strip()]
    assert html.count("<p>") >= len(paragraphs)
    assert f"<p>{escape(paragraphs[-1])}</p>" in html
    if article["source"]:
        assert str(escape(article["source"])) in html
    if article["published_at"]:
        assert f'datetime="{article["published_at"]}"' in html


def test_pages_render_with_templates_and_plugin(pages):
    for url in ["/", "/monre", "/monre/articles", "/monre/articles?_search=dat+dai", "/monre/categories",
                "/monre/crawl_runs", "/monre/latest_articles", "/monre/search?q=moi+truong"]:
        response = pages.get(url)
        assert response.status_code == 200, url
    assert "What the columns mean" in pages.get("/monre/articles").text
    assert 'href="/monre/articles/' in pages.get("/monre/latest_articles").text

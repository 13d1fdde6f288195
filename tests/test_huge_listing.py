"""A listing page that lists far more than a page should: memory stays bounded (its articles go to the
scheduler a chunk at a time; peak RSS measured in bench/RESULTS.md, not here), every list of values sent
to SQLite is chunked below its variable limit, and the absurd listing is logged."""

from __future__ import annotations

import re
import sqlite3

import pytest

from standin import Portal, Site
from monre_crawler.store import MAX_VARIABLES

from .conftest import crawl, rows
from .utils import open_store

MANY = 40_000  # more ids than SQLite's 32,766 variables per statement (999 on builds before 3.32)


def article(i: int) -> dict:
    return {"id": f"{i:016x}", "url": f"https://monre.gov.vn/Pages/bulk-{i}.aspx", "title": f"Tin {i}",
            "summary": "", "body_text": f"Nội dung tin {i}.", "body_html": f"<p>Nội dung tin {i}.</p>",
            "published_at": "2024-03-05", "source": None, "image_urls": [], "attachments": [], "template": "2024",
            "content_hash": f"{i:032x}", "categories": ["Đất đai"]}


OLD_LIMIT = 999  # SQLITE_MAX_VARIABLE_NUMBER of builds before 3.32 (this machine's build allows more)


def test_the_lowered_limit_rejects_an_unchunked_query():
    """The limit the store's chunking is for, enforced on this connection whatever the SQLite build."""
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_LIMIT)
    conn.execute("create table t (id text)")
    try:
        conn.execute(f"select id from t where id in ({','.join('?' * (OLD_LIMIT + 1))})", ["x"] * (OLD_LIMIT + 1))
    except sqlite3.OperationalError as exc:
        assert "too many SQL variables" in str(exc)
    else:
        raise AssertionError("setlimit did not lower the variable limit: the test below would prove nothing")


def test_store_handles_forty_thousand_ids_at_once(tmp_path):
    store = open_store(tmp_path / "monre.db", lock=False, SQLITE_BATCH_SIZE=MANY + 1)
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_LIMIT)
    ids = [f"{i:016x}" for i in range(MANY)]
    assert store.known_ids(ids) == set()
    for i in range(MANY):  # one flush of 40,000 articles: _write_articles' IN lists
        store.add_article(article(i))
    assert store.flush()["new"] == MANY
    assert store.known_ids(ids + ["ffffffffffffffff"]) == set(ids)
    store.add_sighting("Môi trường", ids)  # _write_sightings' IN list
    store.flush()
    store.close()
    (count,) = rows(tmp_path / "monre.db", "select count(*) as n from articles_categories ac join categories c "
                                           "on c.id = ac.categories_id where c.name = 'Môi trường'")
    assert count["n"] == MANY
    assert MAX_VARIABLES < 999


@pytest.mark.parametrize("stream_bytes", ["1048576", "10000"], ids=["parsed", "streamed"])
def test_a_huge_listing_is_crawled_in_chunks_and_logged(tmp_path, stream_bytes):
    """The listing (page 1 of a postback category, ~60 KB) parsed as one tree, or read as a stream as a
    listing bigger than MONRE_STREAM_LISTING_BYTES is: the same articles, the same pager."""
    n = 700
    site = Site.generate(n_articles=8, seed=2)
    with Portal(site, faults={"huge_listing": n}) as portal:
        result = crawl(portal.url, tmp_path / "monre.db",
                       settings={"MONRE_LISTING_CHUNK": "100", "MONRE_MAX_LISTING_ENTRIES": "500",
                                 "MONRE_STREAM_LISTING_BYTES": stream_bytes})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    logged = re.findall(r"WARNING: .* lists (\d+) articles, more than MONRE_MAX_LISTING_ENTRIES \(500\): "
                        r"fetching them 100 at a time", result.stderr)
    assert len(logged) == 1 and int(logged[0]) >= n, result.stderr[-3000:]
    chunks = re.search(r"'monre/listings/chunks': (\d+)", result.stderr)
    assert chunks and int(chunks[1]) >= n // 100  # handed to the scheduler 100 at a time
    streamed = re.search(r"'monre/listings/streamed': (\d+)", result.stderr)
    assert (streamed is not None) == (stream_bytes == "10000")  # the streamed run read its listings so
    stored = rows(tmp_path / "monre.db", "select count(*) as n from articles where url like '%/Pages/bulk-%'")
    assert stored == [{"n": n}]
    # every article of the site was still crawled, the other categories' pages included
    total = rows(tmp_path / "monre.db", "select count(*) as n from articles")[0]["n"]
    assert total == n + len(site.live_articles(dedupe_reposts=True))

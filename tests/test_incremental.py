"""An incremental run over an unchanged portal fetches page 1 of each category and nothing more."""

from __future__ import annotations

from monre_crawler.standin import Portal, Site
from monre_crawler.standin.server import is_article_path

from .conftest import crawl, rows


def test_second_run_over_an_unchanged_portal_stops_at_each_first_page(tmp_path):
    site = Site.generate(n_articles=60, seed=5)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        first = crawl(portal.url, db)
        assert first.returncode == 0, first.stderr[-3000:]
        categories = len(rows(db, "select * from crawl_state"))
        assert categories and all(r["complete"] for r in rows(db, "select * from crawl_state"))
        portal.reset_log()
        second = crawl(portal.url, db)
        assert second.returncode == 0, second.stderr[-3000:]
        requests = portal.requests
    assert not [r for r in requests if is_article_path(r.path)]
    listings = [r for r in requests if "chuyenmuc" in r.path.lower()]
    assert len(listings) == categories, [r.path for r in listings]
    assert all(r["complete"] for r in rows(db, "select * from crawl_state"))

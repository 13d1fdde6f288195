"""Loud on every loss (issue 11) for ``scrapy crawl mae``, as for ``monre``: a night that lost an article is
``incomplete`` (exit 4) and the next night fetches it again from ``lost_articles``, wherever it sits (even an
article no page links, below the highest id stored: the nightly backfill of new ids never reaches it); a portal
that moved, is down for maintenance or forbids crawling in its robots.txt fails the run (exit 1) with one
``monre:`` line saying what was found.

Each test runs the real ``scrapy crawl mae`` over HTTP against the stand-in of mae.gov.vn (``standin/mae.py``)
and reads the archive.
"""

from __future__ import annotations

import json

from monre_crawler.sites import mae as profile
from standin.mae import Portal, Site

from .conftest import crawl, rows
from .test_loud import monre_line, run_row, stat
from .test_mae import requested_ids, right

SHORT_GAP = {"MAE_BACKFILL_MAX_GAP": "10"}  # the stand-in's gaps are 1 to 3 ids: 10 missing in a row end a backfill


def test_articles_lost_on_night_1_are_fetched_on_night_2(tmp_path):
    """Night 1 loses two articles (they answer 500 in every form): one no page links (found by the backfill
    of night 1 only, its id below the highest), one listed on page 2 of its section. Incomplete, exit 4, both
    in ``lost_articles``. Night 2 (incremental, the portal answers again) fetches both and stores them:
    ``lost_articles`` is empty, the run ok. Night 3 fetches neither."""
    site = Site.generate(n_articles=24, seed=11, per_page=4)
    hidden = next(a for a in site.reached("hidden") if a.id < site.ids[-1])
    listed = next(a for a in site.listed() if a in site.page(a.category_slug, 2) and a not in site.home_articles())
    victims = {hidden.id, listed.id}
    db = tmp_path / "monre.db"
    quiet = {**SHORT_GAP, "MONRE_RECHECK_DAYS": "0", "RETRY_TIMES": "1"}  # only the losses are fetched again
    with Portal(site, faults={"fail": victims}) as portal:
        night1 = crawl(portal.url, db, spider="mae", settings=quiet)
        assert night1.returncode == 4, night1.stderr[-3000:]
        line = monre_line(night1)
        assert line.startswith("monre: run 1 incomplete: lost 2 articles: ") and line.endswith(
            "; the next run fetches them again"), line
        lost = {r["id"]: r for r in rows(db, "select id, url, reason from lost_articles")}
        assert set(lost) == {profile.article_key(i) for i in victims}
        assert lost[profile.article_key(hidden.id)]["url"] == portal.url + hidden.print_url
        assert {r["reason"] for r in lost.values()} == {"HTTP 500"}
        assert run_row(db, 1)["items_lost"] == 2
        assert json.loads(run_row(db, 1)["fields"])["discovery"]["backfill_probes"]["stopped"] == "gap"

        portal.set_faults(None)
        portal.reset_log()
        night2 = crawl(portal.url, db, spider="mae", settings=quiet)
        fetched = requested_ids(portal)
        assert night2.returncode == 0, night2.stderr[-3000:]
        assert set(fetched) == victims and set(fetched.values()) == {1}
        assert rows(db, "select count(*) as n from lost_articles") == [{"n": 0}]
        stored = {r["id"]: r for r in rows(db, "select * from articles")}
        assert len(stored) == len(site.articles)
        assert right(stored[profile.article_key(hidden.id)], hidden) and right(stored[profile.article_key(listed.id)], listed)
        assert json.loads(stored[profile.article_key(listed.id)]["categories"]) == [listed.category]
        assert (run_row(db, 2)["status"], run_row(db, 2)["items_new"]) == ("ok", 2)

        portal.reset_log()
        night3 = crawl(portal.url, db, spider="mae", settings=quiet)
        assert night3.returncode == 0 and requested_ids(portal) == {}, night3.stderr[-3000:]


def test_a_home_page_redirecting_to_another_site_fails_naming_it(tmp_path):
    site = Site.generate(n_articles=8, seed=12)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"moved": "https://mae.gov.vn/"}) as portal:
        result = crawl(portal.url, db, spider="mae")
        served = len(portal.requests)
    assert result.returncode == 1, result.stderr[-3000:]
    line = monre_line(result)
    assert line == "monre: run 1 failed: the portal redirects to https://mae.gov.vn/ — its news may have moved"
    assert (run_row(db, 1)["status"], run_row(db, 1)["message"]) == ("failed", line.removeprefix("monre: run 1 failed: "))
    # the other site is not contacted: every request reached the stand-in (robots.txt, the home page)
    assert stat(result.stderr, "downloader/request_count") == served == 2
    assert "DNSLookupError" not in result.stderr


def test_a_robots_txt_forbidding_the_site_says_so(tmp_path):
    site = Site.generate(n_articles=8, seed=13)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"robots_disallow"}) as portal:
        result = crawl(portal.url, db, spider="mae")
        paths = [r.path for r in portal.requests]
        url = portal.url
    assert result.returncode == 1, result.stderr[-3000:]
    assert monre_line(result) == (f"monre: run 1 failed: the portal's robots.txt ({url}/robots.txt) forbids crawling "
                                  f"its home page {url}/: not crawled (the crawler obeys robots.txt)")
    assert paths == ["/robots.txt"] and "cannot reach" not in result.stderr


def test_a_maintenance_night_fails_with_its_title_and_changes_nothing(tmp_path):
    """Night 1 stores the articles; on night 2 every page is a maintenance notice: the run fails with the
    page's title, and no stored article is fetched again (a re-check would take the notice for an edit)."""
    site = Site.generate(n_articles=8, seed=14)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        night1 = crawl(portal.url, db, spider="mae", settings=SHORT_GAP)
        assert night1.returncode == 0, night1.stderr[-3000:]
        portal.set_faults({"maintenance": "Thông báo bảo trì hệ thống"})
        portal.reset_log()
        night2 = crawl(portal.url, db, spider="mae", settings={**SHORT_GAP, "MONRE_RECHECK_DAYS": "100000"})
        paths = [r.path for r in portal.requests]
    assert night2.returncode == 1, night2.stderr[-3000:]
    assert monre_line(night2) == ("monre: run 2 failed: no section or article link on the home page (its title: "
                                  "'Thông báo bảo trì hệ thống'): is the portal down for maintenance, or has it moved?")
    assert paths == ["/robots.txt", "/"]
    assert rows(db, "select count(*) as n from article_versions") == [{"n": 0}]
    assert rows(db, "select count(*) as n from articles where removed_at is not null") == [{"n": 0}]


def test_pages_linked_from_the_home_page_that_list_nothing_are_no_news():
    """A notice whose chrome links pages of the site (none of them listing articles) says what the home page
    showed, as one that links nothing does; backfilled articles are news, re-fetched ones are not."""
    from monre_crawler.extensions import CrawlRunRecorder
    from monre_crawler.spiders.mae_state import MaeCrawlState

    state = MaeCrawlState("https://mae.gov.vn", None, False)
    state.menu_categories, state.home_title = 4, "Bảo trì"
    assert (state.found_news_places(), state.news_found()) == (0, 0)
    assert CrawlRunRecorder._no_news(state, 0) == ("no section or article link on the home page (its title: "
                                                   "'Bảo trì'): is the portal down for maintenance, or has it moved?")
    state.found_by["backfill"] += 1
    assert state.news_found() == 1

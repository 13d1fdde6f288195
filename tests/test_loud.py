"""Loud on every loss (issue 11): a night that stored nothing fails with what the portal showed instead, and a
night that lost articles is ``incomplete`` (exit 4) and the next night fetches them again.

Each test crawls the stand-in portal over HTTP with the real ``scrapy crawl monre`` and checks the exit status,
the one ``monre:`` line on stderr and the ``crawl_runs`` row.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from monre_crawler.extensions import _losses
from monre_crawler.state import CrawlState
from monre_crawler.text import for_message
from standin import Portal, Site

from .conftest import crawl, rows


def monre_line(result) -> str:
    """The one ``monre:`` line of a crawl's stderr (and there is exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("monre:")]
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


def stat(log: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def run_row(db, run_id: int) -> dict:
    (row,) = rows(db, "select * from crawl_runs where id = ?", [run_id])
    return row


# --- nothing found -----------------------------------------------------------------------------------------------

NASTY_TITLE = "  Thông báo\n\tbảo trì \u202ehệ thống\u0007 " + "rất dài " * 30


def test_a_maintenance_page_instead_of_the_home_page_fails_with_its_title(tmp_path):
    site = Site.generate(n_articles=12, seed=41)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"maintenance": NASTY_TITLE}) as portal:
        result = crawl(portal.url, db)
    title = for_message(NASTY_TITLE)
    assert title.startswith("Thông báo bảo trì hệ thống") and title.endswith("…") and len(title) <= 80
    line = monre_line(result)
    assert result.returncode == 1
    assert line == (f"monre: run 1 failed: no news category in the home page's menu (its title: {title!r}): "
                    "is the portal down for maintenance, or has it moved?")
    row = run_row(db, 1)
    assert (row["status"], row["message"]) == ("failed", line.removeprefix("monre: run 1 failed: "))
    assert rows(db, "select count(*) as n from articles") == [{"n": 0}]


def test_a_home_page_redirecting_to_another_site_fails_naming_it(tmp_path):
    site = Site.generate(n_articles=12, seed=42)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"moved"}) as portal:
        result = crawl(portal.url, db)
        served = len(portal.requests)
    line = monre_line(result)
    assert result.returncode == 1
    assert line.startswith("monre: run 1 failed: the portal redirects to https://mae.gov.vn/ — its news may have moved")
    assert run_row(db, 1)["status"] == "failed"
    assert run_row(db, 1)["message"] == line.removeprefix("monre: run 1 failed: ")
    # the other site is not contacted: every request the crawler made reached the stand-in (robots.txt, home)
    assert stat(result.stderr, "downloader/request_count") == served == 2
    assert "DNSLookupError" not in result.stderr


def test_a_robots_txt_forbidding_the_site_says_so(tmp_path):
    site = Site.generate(n_articles=12, seed=43)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"robots_disallow"}) as portal:
        result = crawl(portal.url, db)
        paths = [r.path for r in portal.requests]
        url = portal.url
    line = monre_line(result)
    assert result.returncode == 1
    assert line == (f"monre: run 1 failed: the portal's robots.txt ({url}/robots.txt) forbids crawling its "
                    f"home page {url}/: not crawled (the crawler obeys robots.txt)")
    assert "cannot reach" not in result.stderr
    assert paths == ["/robots.txt"]
    assert run_row(db, 1)["status"] == "failed"


def test_every_listing_empty_fails(tmp_path):
    site = Site.generate(n_articles=12, seed=44)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"empty_listings"}) as portal:
        result = crawl(portal.url, db)
    line = monre_line(result)
    assert result.returncode == 1
    titles = "|".join(re.escape(repr(name)) for name in site.categories)  # whichever page answered first
    assert re.fullmatch(rf"monre: run 1 failed: no article listed in any of the 12 categories crawled; "
                        rf"a first page's title: ({titles})", line), line
    row = run_row(db, 1)
    assert (row["status"], row["items_new"], row["items_lost"]) == ("failed", 0, 0)
    # nothing was read to its end: no category is marked complete
    assert rows(db, "select count(*) as n from crawl_state where complete = 1") == [{"n": 0}]


# --- articles lost ---------------------------------------------------------------------------------------------------

def _victim_on_page_5(site):
    """An article listed only in one category, on that category's page 5."""
    for category in site.categories:
        if site.n_pages(category) >= 6:
            _, page = site.page(category, 5)
            for article in page:
                if article.categories == [category]:
                    return category, article
    raise AssertionError("no category with 6 pages")


@pytest.mark.parametrize("keep_list", [True, False], ids=["lost_articles", "paging_alone"])
def test_a_lost_article_makes_the_run_incomplete_and_the_next_night_fetches_it(tmp_path, keep_list):
    """Night 1 loses one article (it answers 500 after the retries) on page 5 of its category: incomplete,
    exit 4, named. Night 2 (incremental, the article answers again) fetches it and only it, wherever it sits:
    from ``lost_articles``, or (with that list emptied) by paging the unfinished category again. Night 3 is ok."""
    site = Site.generate(n_articles=40, seed=45, per_page=4, multi_category=0.0,
                         categories={"Tin tức - Sự kiện": "postback", "Đất đai": "links"})
    category, victim = _victim_on_page_5(site)
    db = tmp_path / "monre.db"
    with Portal(site, faults={"always_500": victim.slug}, link_variants=False) as portal:
        night1 = crawl(portal.url, db, settings={"RETRY_TIMES": "1"})
        url = f"{portal.url}/Pages/{victim.slug}.aspx"
        line = monre_line(night1)
        assert night1.returncode == 4, night1.stderr[-3000:]
        assert line == f"monre: run 1 incomplete: lost 1 article: {url} (HTTP 500); the next run fetches them again"
        row = run_row(db, 1)
        assert (row["status"], row["items_lost"], row["message"]) == \
            ("incomplete", 1, line.removeprefix("monre: run 1 incomplete: "))
        assert json.loads(row["lost"]) == [{"url": url, "reason": "HTTP 500", "categories": [category]}]
        (lost,) = rows(db, "select id, url, categories, reason, last_run, runs from lost_articles")
        assert (lost["url"], json.loads(lost["categories"]), lost["reason"], lost["last_run"], lost["runs"]) == \
            (url, [category], "HTTP 500", 1, 1)
        stored = {urlsplit(r["url"]).path for r in rows(db, "select url from articles")}
        assert f"/Pages/{victim.slug}.aspx" not in stored and len(stored) == len(site.articles) - 1
        if not keep_list:
            import sqlite3
            with sqlite3.connect(db) as conn:
                conn.execute("delete from lost_articles")

        portal.set_faults(None)
        portal.reset_log()
        night2 = crawl(portal.url, db)
        fetched = [urlsplit(r.path).path.lower() for r in portal.article_requests()]
        assert night2.returncode == 0, night2.stderr[-3000:]
        assert fetched == [f"/pages/{victim.slug.lower()}.aspx"]
        row = run_row(db, 2)
        assert (row["status"], row["items_new"], row["items_lost"], json.loads(row["lost"])) == ("ok", 1, 0, [])
        assert rows(db, "select count(*) as n from lost_articles") == [{"n": 0}]
        assert rows(db, "select count(*) as n from articles") == [{"n": len(site.articles)}]

        portal.reset_log()
        night3 = crawl(portal.url, db)
        assert night3.returncode == 0, night3.stderr[-3000:]
        assert portal.article_requests() == []
        assert run_row(db, 3)["status"] == "ok"


def test_an_article_lost_again_stays_listed_and_counts_its_runs(tmp_path):
    """Night 1 fails (more errors than MONRE_MAX_ERRORS=0) and still records its loss, and its line names it;
    night 2 fetches the article directly, loses it again: incomplete, ``lost_articles.runs`` counts 2."""
    site = Site.generate(n_articles=20, seed=46)
    (victim,) = site.fault_plan({"always_500"}).victims["always_500"]
    db = tmp_path / "monre.db"
    with Portal(site, faults={"always_500"}) as portal:
        night1 = crawl(portal.url, db, settings={"RETRY_TIMES": "0", "MONRE_MAX_ERRORS": "0"})
        night2 = crawl(portal.url, db, settings={"RETRY_TIMES": "0"})
        hits = [r for r in portal.article_requests() if victim in r.path.lower()]
    assert [night1.returncode, night2.returncode] == [1, 4], night2.stderr[-3000:]
    assert re.fullmatch(rf"monre: run 1 failed: 1 errors, more than MONRE_MAX_ERRORS=0; lost 1 article: "
                        rf"http://\S+/{re.escape(victim)}\.aspx \(HTTP 500\); the next run fetches them again",
                        monre_line(night1), re.I)
    assert len(hits) == 2
    (lost,) = rows(db, "select last_run, runs from lost_articles")
    assert lost == {"last_run": 2, "runs": 2}
    assert rows(db, "select status, items_lost from crawl_runs order by id") == \
        [{"status": "failed", "items_lost": 1}, {"status": "incomplete", "items_lost": 1}]


def test_a_lost_listing_page_makes_the_run_incomplete_and_the_next_night_reads_the_category_again(tmp_path):
    """Page 2 of "Đất đai" answers 500 after the retries: the articles it and the later pages list are not
    known, so the run is incomplete (the line names the page) and the category is not complete; the next,
    incremental night pages through it again and stores them."""
    site = Site.generate(n_articles=40, seed=48, multi_category=0.0,
                         categories={"Tin tức - Sự kiện": "postback", "Đất đai": "links"})
    db = tmp_path / "monre.db"
    category = "Đất đai"
    unseen = {a.slug.lower() for a in site.articles_in(category)[site.per_page:] if a.categories == [category]}
    assert unseen
    with Portal(site, faults={"listing_500"}, link_variants=False) as portal:
        night1 = crawl(portal.url, db, settings={"RETRY_TIMES": "0"})
        assert night1.returncode == 4, night1.stderr[-3000:]
        assert monre_line(night1) == (f"monre: run 1 incomplete: lost 1 listing page: page 2 of {category} (HTTP 500); "
                                      "the next run fetches them again")
        row = run_row(db, 1)
        assert (row["status"], row["items_lost"]) == ("incomplete", 0)
        assert [(r["category"], r["page"], r["reason"]) for r in json.loads(row["lost"])] == [(category, 2, "HTTP 500")]
        assert rows(db, "select complete from crawl_state where category = ?", [category]) == [{"complete": 0}]
        stored = {urlsplit(r["url"]).path.lower() for r in rows(db, "select url from articles")}
        assert unseen - {p.removeprefix("/pages/").removesuffix(".aspx") for p in stored} == unseen

        portal.set_faults(None)
        portal.reset_log()
        night2 = crawl(portal.url, db)
        assert night2.returncode == 0, night2.stderr[-3000:]
        fetched = {urlsplit(r.path).path.lower().removeprefix("/pages/").removesuffix(".aspx")
                   for r in portal.article_requests()}
    assert fetched == unseen
    assert run_row(db, 2)["status"] == "ok"
    assert rows(db, "select complete from crawl_state where category = ?", [category]) == [{"complete": 1}]


def test_the_message_names_the_first_three_losses_then_counts_the_rest():
    state = CrawlState("http://x", None, False)
    for n in range(5):
        state.pending[f"id{n}"] = ["Đất đai"]
        state.lose(f"http://x/Pages/a{n}.aspx", "HTTP 500", "Đất đai", f"id{n}")
    state.lose("http://x/Pages/ChuyenMuc.aspx?cm=Bi%E1%BB%83n", "TimeoutError: took longer than\n60 s",
               "Biển", page=3)
    assert _losses(state) == ("lost 5 articles and 1 listing page: http://x/Pages/a0.aspx (HTTP 500), "
                              "http://x/Pages/a1.aspx (HTTP 500), http://x/Pages/a2.aspx (HTTP 500) and 3 more; "
                              "the next run fetches them again")
    assert state.categories_failed == {"Đất đai", "Biển"}
    assert state.lost_listings()[0].record() == {"url": "http://x/Pages/ChuyenMuc.aspx?cm=Bi%E1%BB%83n",
                                                 "reason": "TimeoutError: took longer than\n60 s",
                                                 "category": "Biển", "page": 3}


def test_a_title_is_made_fit_for_one_line():
    assert for_message("  A\r\nB\u202e\u200bC\x00 ") == "A B C"
    assert for_message("x" * 100, 10) == "x" * 9 + "…"
    assert for_message(None) == ""


@pytest.mark.parametrize("fault", ["maintenance", "empty_listings"])
def test_a_night_without_news_after_stored_articles_fails(tmp_path, fault):
    """The articles a night fetches again (re-checks) are no news: a night whose listings are all empty fails as
    a first night does. And the re-checks wait for the home page's menu: a maintenance notice (served, on a real
    portal, for every URL) is never taken for the new text of the stored articles."""
    site = Site.generate(n_articles=6, seed=47)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        assert crawl(portal.url, db).returncode == 0
        portal.set_faults({fault})
        portal.reset_log()
        night2 = crawl(portal.url, db, settings={"MONRE_RECHECK_DAYS": "100000"})
        fetched = portal.article_requests()
    assert night2.returncode == 1, night2.stderr[-3000:]
    assert run_row(db, 2)["status"] == "failed"
    if fault == "maintenance":
        assert "no news category in the home page's menu" in monre_line(night2) and fetched == []
    else:
        assert "no article listed in any of the 12 categories crawled" in monre_line(night2)
        assert len(fetched) == len(site.articles)  # re-checked, and still no news

"""``scrapy crawl mae`` end to end over HTTP against the stand-in of mae.gov.vn with the situations an unknown
portal throws at the generic fallbacks and discovery (``standin/mae.py`` options): the agency's name as the page's
``<h1>`` with today's date beside it and no metadata; articles linked only by their picture; print views with a
generic ``<title>`` and the title and date in rows of their own; a "most read" box on every page that also links a
page of documents. Two nights; expected values from the stand-in's model."""

from __future__ import annotations

import json

import pytest

from monre_crawler.pipelines.plausibility import crawl_day
from monre_crawler.sites import mae as profile
from standin.mae import OPTIONS, Portal, Site

from .conftest import rows
from .conftest import crawl
from .test_mae import body_right


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    # the banner prints the day of the crawl: the header's "today" a fallback must never take
    site = Site.generate(n_articles=40, seed=1, options=set(OPTIONS), today=crawl_day())
    db = tmp_path_factory.mktemp("mae-situations") / "monre.db"
    with Portal(site) as portal:
        first = crawl(portal.url, db, spider="mae")
        before = list(site.articles)
        new = site.publish(1, reach="hidden") + site.publish(3)
        second = crawl(portal.url, db, spider="mae")
    found = {r["id"]: r for r in rows(db, """
        select a.*, (select json_group_array(c.name) from articles_categories ac
                     join categories c on c.id = ac.categories_id where ac.articles_id = a.id) as names
        from articles a""")}
    return site, db, {"first": first, "second": second, "before": before, "new": new, "found": found}


def row(nights, article):
    return nights[2]["found"][profile.article_key(article.id)]


def test_both_nights_exit_zero(nights):
    log = nights[2]
    assert (log["first"].returncode, log["second"].returncode) == (0, 0), log["first"].stderr[-2000:]


def test_the_situations_are_there(nights):
    site = nights[0]
    assert [a for a in site.articles if a.reach != "listing"] and site.most_read()


@pytest.mark.parametrize("field", ["title", "published_at", "summary", "body_text"])
def test_every_article_right(nights, field):
    site, db, log = nights
    check = {"title": lambda r, a: r["title"] == a.title,
             "published_at": lambda r, a: (r["published_at"] or "").removesuffix("+07:00") == a.published,
             "summary": lambda r, a: r["summary"] == a.lead,
             "body_text": body_right}[field]
    assert [a.id for a in site.articles if not check(row(nights, a), a)] == []


def test_the_print_only_articles_are_there(nights):
    site = nights[0]
    printed = [a for a in site.articles if a.reach != "listing"]
    assert all(row(nights, a)["url"].endswith(a.print_url) for a in printed) and len(printed) >= 3


def test_no_title_is_the_agencys_name_and_no_date_the_banners_today(nights):
    site = nights[0]
    assert not [a.id for a in site.articles if row(nights, a)["title"].casefold() == "bộ nông nghiệp và môi trường"]
    assert not [a.id for a in site.articles
                if row(nights, a)["published_at"] == crawl_day().isoformat() != a.published]


def test_categories_are_the_listings_only(nights):
    site = nights[0]
    wrong = {a.id: json.loads(row(nights, a)["names"]) for a in site.articles
             if json.loads(row(nights, a)["names"]) != ([a.category] if a.reach == "listing" else [])}
    assert wrong == {}


def test_the_page_of_documents_is_no_section(nights):
    site, db, log = nights
    assert "Văn bản" not in {r["name"] for r in rows(db, "select name from categories")}
    assert "mae.gov.vn: Văn bản" not in {r["category"] for r in rows(db, "select category from crawl_state")}


def test_the_runs_are_ok_and_plausible(nights):
    site, db, log = nights
    runs = rows(db, "select status, fields from crawl_runs order by id")
    assert [(r["status"], json.loads(r["fields"])["plausibility"].get("same_title")) for r in runs] == \
        [("ok", 1), ("ok", 1)]

"""``scrapy crawl mae`` end to end over HTTP, against the stand-in of mae.gov.vn (``standin/mae.py``).

The stand-in was written by someone else from what is observed of the real portal, inventing its menu, listings,
pager and markup; the crawler knows only the observed URL forms and reads pages by the generic fallbacks. The
expected values come from the stand-in's model (``site.articles``), never from its pages.

Night 1: a first crawl (backfill ``auto``: the whole id range). Night 2: new articles, one of them linked from
nowhere, fetched and nothing else. Then ``scrapy crawl monre`` writes into the same archive.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from monre_crawler.settings import MONRE_RECHECK_DAYS
from monre_crawler.sites import mae as profile
from standin.mae import Portal, Site

from .conftest import ROOT, crawl, crawl_env, rows
from .utils import six_article_portal

N_ARTICLES = 60


def requested_ids(portal) -> Counter:
    """How often each article id was requested, whatever its URL form (short, category, print view)."""
    return Counter(profile.article_id(r.path) for r in portal.requests if profile.article_id(r.path) is not None)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    site = Site.generate(n_articles=N_ARTICLES, seed=0)
    db = tmp_path_factory.mktemp("mae") / "monre.db"
    log = {"before": list(site.articles)}
    with Portal(site) as portal:
        log["night1"] = crawl(portal.url, db, spider="mae")
        log["night1_ids"] = requested_ids(portal)
        log["after1"] = {r["id"]: r for r in rows(db, "select * from articles")}
        log["max1"] = max(a.id for a in site.articles)

        # the stored articles a nightly run re-checks (README "Edits and removals"): published in the window
        since = (datetime.now(timezone.utc) - timedelta(days=MONRE_RECHECK_DAYS)).strftime("%Y-%m-%d")
        log["rechecked"] = {profile.key_item(r["id"]) for r in log["after1"].values()
                            if (r["published_at"] or r["first_seen_at"]) >= since}
        portal.reset_log()
        hidden = site.publish(1, reach="hidden")  # linked from nowhere: only the backfill of new ids finds it
        listed = site.publish(5)
        log["new"] = hidden + listed
        log["night2"] = crawl(portal.url, db, spider="mae")
        log["night2_ids"] = requested_ids(portal)
        log["night2_requests"] = list(portal.requests)
        log["base"] = portal.url
    return site, db, log


def stored(db) -> dict[str, dict]:
    return {r["id"]: r for r in rows(db, "select * from articles where portal = 'mae.gov.vn'")}


def body_right(row: dict, article) -> bool:
    """The stored text is the article's paragraphs. By the archive's convention (README, ``body_text``) it also
    keeps the image captions and the attached document's line, which the stand-in's ``body_paragraphs`` leave
    out: those two are set aside, nothing else."""
    doc_titles = tuple(d.title for d in article.documents)
    paragraphs = [p for p in row["body_text"].split("\n\n")
                  if p != article.figure_caption and not (doc_titles and p.endswith(doc_titles) and len(p) < 200)]
    return paragraphs == article.body_paragraphs


def right(row: dict | None, article) -> bool:
    return row is not None and row["title"] == article.title \
        and (row["published_at"] or "").removesuffix("+07:00") == article.published and body_right(row, article)


# --- night 1 ------------------------------------------------------------------------------------------------
def test_first_night_exits_zero(nights):
    result = nights[2]["night1"]
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("night", ["night1", "night2"])
def test_no_error_is_logged(nights, night):
    """Not even one that stays under MONRE_MAX_ERRORS (a signal handler failing on every idle once did)."""
    result = nights[2][night]
    assert "] ERROR:" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]


def test_first_night_stores_95_percent_of_the_articles_right(nights):
    site, db, log = nights
    found = log["after1"]
    share = sum(right(found.get(profile.article_key(a.id)), a) for a in log["before"]) / len(log["before"])
    assert share >= 0.95, share


@pytest.mark.parametrize("field", ["title", "published_at", "body_text"])
def test_first_night_each_field(nights, field):
    site, db, log = nights
    found = log["after1"]
    check = {"title": lambda r, a: r["title"] == a.title,
             "published_at": lambda r, a: (r["published_at"] or "").removesuffix("+07:00") == a.published,
             "body_text": body_right}[field]
    wrong = [a.id for a in log["before"] if not check(found[profile.article_key(a.id)], a)]
    assert len(wrong) <= 0.05 * len(log["before"]), wrong


def test_the_body_holds_no_title_lead_or_source_line(nights):
    site, db, log = nights
    for a in log["before"]:
        row = log["after1"][profile.article_key(a.id)]
        paragraphs = row["body_text"].split("\n\n")
        assert a.title not in paragraphs and a.lead not in paragraphs and a.source not in paragraphs, a.id
        assert row["body_text"].startswith(a.body_paragraphs[0]), a.id


def test_source_lines_are_stored(nights):
    site, db, log = nights
    sources = [(log["after1"][profile.article_key(a.id)]["source"] or "") for a in log["before"]]
    assert sum(bool(s) and s in a.source for s, a in zip(sources, log["before"])) >= 0.95 * len(sources)


def test_leads_are_stored(nights):
    site, db, log = nights
    leads = [log["after1"][profile.article_key(a.id)]["summary"] == a.lead for a in log["before"]]
    assert sum(leads) >= 0.95 * len(leads)


def test_one_row_per_article_whatever_form_linked_it(nights):
    site, db, log = nights
    assert sorted(log["after1"]) == sorted(profile.article_key(a.id) for a in log["before"])
    assert not set(log["after1"]) & {profile.article_key(i) for i in site.missing_ids()}


def test_each_article_fetched_once_on_the_first_night(nights):
    site, db, log = nights
    fetched = log["night1_ids"]
    assert all(fetched[a.id] == 1 for a in log["before"]), {a.id: fetched[a.id] for a in log["before"]
                                                           if fetched[a.id] != 1}


def test_url_is_the_short_form_and_the_other_forms_are_aliases(nights):
    site, db, log = nights
    base = log["base"]
    both = [a for a in log["before"] if a.link_form == "both"]
    assert both
    for a in both:
        row = log["after1"][profile.article_key(a.id)]
        assert row["url"] == base + a.url
        assert set(json.loads(row["aliases"])) == {base + a.category_url_form, base + a.print_url}
    aliases = rows(db, "select url, articles_id from article_aliases")
    assert {(r["url"], r["articles_id"]) for r in aliases} >= \
        {(base + a.print_url, profile.article_key(a.id)) for a in log["before"] if a.reach != "hidden"}


def test_articles_linked_only_in_the_category_form_are_stored_once_under_it(nights):
    site, db, log = nights
    only_category = [a for a in log["before"] if a.link_form == "category" and a.reach == "listing"]
    assert only_category
    for a in only_category:
        assert log["after1"][profile.article_key(a.id)]["url"] == log["base"] + a.category_url_form


def test_hidden_articles_are_found_by_the_backfill(nights):
    site, db, log = nights
    hidden = [a for a in log["before"] if a.reach == "hidden"]
    assert hidden
    for a in hidden:
        row = log["after1"][profile.article_key(a.id)]
        assert right(row, a) and row["url"] == log["base"] + a.print_url
    (run,) = rows(db, "select fields from crawl_runs where id = 1")
    discovery = json.loads(run["fields"])["discovery"]
    assert discovery["backfill"] == len(hidden)
    assert discovery["backfill_probes"]["stopped"] == "gap"


def test_discovery_counts_add_up(nights):
    site, db, log = nights
    (run,) = rows(db, "select * from crawl_runs where id = 1")
    discovery = json.loads(run["fields"])["discovery"]
    assert discovery["home"] + discovery["section"] + discovery["article_links"] + discovery["backfill"] \
        == len(log["before"]) == run["items_new"]
    assert discovery["home"] > 0 and discovery["backfill"] > 0 and discovery["sections"] > 0
    assert discovery["backfill_mode"] == "auto: all"


def test_categories_are_the_portals_own(nights):
    site, db, log = nights
    listed = [a for a in log["before"] if a.reach == "listing"]
    for a in listed:
        assert a.category in json.loads(log["after1"][profile.article_key(a.id)]["categories"] or "[]"), a.id
    names = {r["name"] for r in rows(db, "select name from categories")}
    assert names == {a.category for a in listed}


def test_every_article_records_its_portal_and_the_run_its_spider(nights):
    site, db, log = nights
    assert {r["portal"] for r in log["after1"].values()} == {"mae.gov.vn"}
    first = rows(db, "select spider, status, args from crawl_runs where id = 1")[0]
    assert first["spider"] == "mae" and first["status"] == "ok"
    assert json.loads(first["args"])["backfill"] == "auto"


def test_fallbacks_by_design_raise_no_alarm(nights):
    site, db, log = nights
    (run,) = rows(db, "select status, fields from crawl_runs where id = 1")
    fields = json.loads(run["fields"])
    assert fields["fallback_share"] == 1.0 and fields["missing_share"] == 0.0 and run["status"] == "ok"


# --- night 2 ------------------------------------------------------------------------------------------------
def test_second_night_exits_zero(nights):
    result = nights[2]["night2"]
    assert result.returncode == 0, result.stderr[-3000:]


def test_second_night_fetches_only_the_new_articles_and_the_rechecks(nights):
    site, db, log = nights
    new = {a.id for a in log["new"]}
    fetched = log["night2_ids"]
    gaps_above = {i for i in site.missing_ids() if i > log["max1"]}
    assert new | log["rechecked"] <= set(fetched) and all(fetched[i] == 1 for i in new | log["rechecked"])
    # the backfill of new ids probes the gaps between them (404); the stored articles of the re-check window
    assert set(fetched) - new - log["rechecked"] <= gaps_above
    assert all(r.status == 404 for r in log["night2_requests"] if profile.article_id(r.path) in gaps_above)


def test_second_night_stores_the_new_articles_right(nights):
    site, db, log = nights
    found = stored(db)
    assert len(found) == len(log["before"]) + len(log["new"])
    assert all(right(found.get(profile.article_key(a.id)), a) for a in log["new"])
    (run,) = rows(db, "select items_new, fields from crawl_runs where id = 2")
    assert run["items_new"] == len(log["new"])
    discovery = json.loads(run["fields"])["discovery"]
    assert discovery["backfill"] == 1 and discovery["backfill_mode"] == "auto: new"


# --- the other spider, into the same archive ----------------------------------------------------------------
@pytest.fixture(scope="module")
def with_monre(nights):
    from standin import Portal as MonrePortal, Site as MonreSite

    site, db, log = nights
    monre_site = MonreSite.generate(n_articles=20, seed=5)
    with MonrePortal(monre_site) as portal:
        result = crawl(portal.url, db)
    return site, db, log, monre_site, result


def test_monre_crawls_into_the_same_archive(with_monre):
    site, db, log, monre_site, result = with_monre
    assert result.returncode == 0, result.stderr[-3000:]
    counts = {r["portal"]: r["n"] for r in rows(db, "select portal, count(*) as n from articles group by portal")}
    assert counts == {"mae.gov.vn": len(site.articles), "monre.gov.vn": len(monre_site.articles)}
    assert [r["spider"] for r in rows(db, "select spider from crawl_runs order by id")] == ["mae", "mae", "monre"]


def test_canned_queries_filter_by_portal(with_monre):
    from .test_datasette import Client, canned

    site, db, log, monre_site, result = with_monre
    client = Client(db)
    try:
        for portal, expected in (("mae", len(site.articles)), ("monre.gov.vn", len(monre_site.articles)),
                                 ("", len(site.articles) + len(monre_site.articles))):
            per_month = canned(client, "articles_per_month", portal=portal)
            assert sum(r["articles"] for r in per_month) == expected, portal
        history = canned(client, "crawl_history")
        assert [(r["spider"], r["found_by_backfill"]) for r in history] == [("monre", None), ("mae", 1), ("mae", 5)]
        latest = canned(client, "latest_articles", portal="mae")
        assert latest and {r["portal"] for r in latest} == {"mae.gov.vn"}
        facet = client.json("/monre/articles.json?_facet=portal&_size=0")["facet_results"]
        facet = facet.get("results", facet)  # Datasette 0.65 nests the facets under "results"
        values = {v["value"]: v["count"] for v in facet["portal"]["results"]}
        assert values == {"mae.gov.vn": len(site.articles), "monre.gov.vn": len(monre_site.articles)}
    finally:
        client.close()


def test_the_article_page_names_the_portal(with_monre):
    from .test_datasette import Client

    site, db, log, monre_site, result = with_monre
    pages = Client(db, template_dir=str(ROOT / "templates"), plugins_dir=str(ROOT / "plugins"))
    try:
        article = log["new"][-1]
        html = pages.get(f"/monre/articles/{profile.article_key(article.id)}").text
        assert "Read the original on mae.gov.vn" in html and "mae.gov.vn with its generic fallbacks" in html
        assert f"<h1>{article.title}</h1>" in html
    finally:
        pages.close()


# --- the alarm, the arguments -------------------------------------------------------------------------------
def test_key_fields_missing_raise_the_alarm(tmp_path):
    """A portal in mae.gov.vn's URL forms whose article pages print no date: a key field goes missing."""
    def article(number, paragraphs):
        return f"<html><body><h1>Tin số {number}</h1><div>{paragraphs}</div></body></html>"

    with six_article_portal("<html><body><h1>Cổng</h1>{links}</body></html>", article) as url:
        result = crawl(url, tmp_path / "monre.db", "backfill=off", spider="mae")
    assert result.returncode == 3, result.stderr[-2000:]
    assert "missing on 100% of the articles" in result.stderr
    (run,) = rows(tmp_path / "monre.db", "select status, fields from crawl_runs")
    assert run["status"] == "degraded" and json.loads(run["fields"])["date"]["missing"] == 6


@pytest.mark.parametrize("argument", ["backfill=sometimes", "base_url=ftp://mae.gov.vn"])
def test_bad_arguments_are_refused(tmp_path, argument):
    command = [sys.executable, "-m", "scrapy", "crawl", "mae", "-a", argument,
               "-s", f"SQLITE_PATH={tmp_path / 'monre.db'}"]
    result = subprocess.run(command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr[-1500:]
    assert result.stderr.strip().splitlines()[-1].startswith("monre: ") and argument.split("=")[0] in result.stderr


@pytest.mark.parametrize("arguments", [{"backfill": "-5"}, {"backfill": "0"}, {"backfill": "sometimes"},
                                       {"full": "2"}, {"categories": " , "}, {"base_url": "https://mae.gov.vn/x"}])
def test_bad_arguments_raise_usage_errors(arguments):
    from scrapy.exceptions import UsageError

    from monre_crawler.spiders.mae import MaeSpider

    with pytest.raises(UsageError, match=next(iter(arguments))):
        MaeSpider.validate_arguments(**arguments)


def test_arguments_validated():
    from monre_crawler.spiders.mae import MaeSpider

    assert MaeSpider.validate_arguments("http://127.0.0.1:8766/", None, "1", "250") == \
        ("http://127.0.0.1:8766", None, True, "250")
    assert MaeSpider.validate_arguments(backfill="ALL")[3] == "all"


def test_an_archive_from_before_the_portal_column_says_monre(tmp_path):
    """Articles stored before mae.gov.vn was crawled came from monre.gov.vn: the upgrade says so."""
    import sqlite3

    from monre_crawler.schema import ARTICLE_COLUMNS, upgrade

    path = tmp_path / "monre.db"
    upgrade(str(path))
    conn = sqlite3.connect(path)
    old = [c for c in ARTICLE_COLUMNS if c != "portal"]
    conn.executescript("DROP TRIGGER articles_fts_ai; DROP TRIGGER articles_fts_ad; DROP TRIGGER articles_fts_au; "
                       "DROP TRIGGER articles_categories_ai; DROP TRIGGER articles_categories_ad; "
                       "DROP TABLE articles; "
                       f"CREATE TABLE articles ({', '.join(old)}, PRIMARY KEY (id));"
                       "INSERT INTO articles (id, url, title) VALUES ('abc', 'https://monre.gov.vn/Pages/a.aspx', 'A');")
    conn.close()
    upgrade(str(path))  # what `python -m monre_crawler.schema upgrade PATH` does
    assert rows(path, "select id, portal from articles") == [{"id": "abc", "portal": "monre.gov.vn"}]

"""End to end: the real ``scrapy crawl monre`` against the stand-in portal over HTTP, into a real SQLite file."""

from __future__ import annotations

import json
import sqlite3

import pytest

from standin import Portal, Site

from .conftest import articles_by_path, crawl, rows

ALL_FAULTS = ["nfd", "no_date", "error_500_once", "dead_link", "no_charset", "invalid_utf8", "attachments",
              "error_page_200", "always_500", "slow=1", "reset", "truncated", "no_title", "huge",
              "endless_pagination", "offsite_redirect", "redirect"]
TRAPS = ("Banner trang chủ", "13/07/2024", "Tin mới nhất", "Ý kiến của bạn", "Tin liên quan", "In bài viết")
SEED = "/pages/tang-cuong-va-doi-moi-cong-tac-dan-van.aspx"


def iso(value):
    if value is None:
        return None
    text = value.isoformat()
    return text + "+07:00" if hasattr(value, "hour") and value.tzinfo is None else text


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """One crawl of a portal showing every quirk of the site model at once."""
    site = Site.generate(n_articles=48, seed=11, template_2021=0.25)
    db = tmp_path_factory.mktemp("faulty") / "monre.db"
    with Portal(site, faults=ALL_FAULTS) as portal:
        result = crawl(portal.url, db)
        requests = list(portal.requests)
    return site, db, result, requests


@pytest.fixture(scope="module")
def stored(faulty):
    return articles_by_path(faulty[1])


@pytest.fixture(scope="module")
def expected(faulty):
    site = faulty[0]
    return {path.lower(): e for path, e in site.expected_articles(ALL_FAULTS).items()
            if e.path in {a.path for a in site.live_articles(ALL_FAULTS)}}


def test_crawl_exits_4_having_lost_the_articles_that_never_answer(faulty):
    """The article that always answers 500, the two error pages served with 200, the page bigger than
    DOWNLOAD_MAXSIZE, the page without a title and the article that redirects off the portal are lost: the run
    is incomplete (exit 4) and names them; nothing else is lost (not the dead link: a 404 is the portal's word
    that the article is gone)."""
    site, db, result, _ = faulty
    assert result.returncode == 4, result.stderr[-3000:]
    plan = site.fault_plan(ALL_FAULTS)
    victims = {*plan.victims["always_500"], *plan.victims["error_page_200"], *plan.victims["huge"],
               *plan.victims["no_title"], *plan.victims["offsite_redirect"]}
    (run,) = rows(db, "select items_lost, lost, message from crawl_runs")
    lost = {url.rsplit("/", 1)[1].removesuffix(".aspx").lower() for url in (r["url"] for r in json.loads(run["lost"]))}
    assert (run["items_lost"], lost) == (len(victims), victims)
    assert result.stderr.strip().splitlines()[-1] == f"monre: run 1 incomplete: {run['message']}"
    assert run["message"].startswith(f"lost {len(victims)} articles: ") and run["message"].endswith(
        f" and {len(victims) - 3} more; the next run fetches them again")
    reasons = {r["url"].rsplit("/", 1)[1].removesuffix(".aspx").lower(): r["reason"] for r in json.loads(run["lost"])}
    (untitled,) = plan.victims["no_title"]
    (offsite,) = plan.victims["offsite_redirect"]
    assert reasons[untitled] == "unreadable: no title found"
    assert reasons[offsite].startswith("not followed: ")


def test_every_live_article_is_stored(stored, expected):
    assert sorted(set(expected) - set(stored)) == []


def test_nothing_excluded_is_stored(faulty, stored):
    site = faulty[0]
    optional = {a.path.lower() for a in site.optional_articles(ALL_FAULTS)}
    live = {a.path.lower() for a in site.live_articles(ALL_FAULTS)}
    assert sorted(set(stored) - live - optional) == []


@pytest.mark.parametrize("field", ["title", "published_at", "source", "categories", "body_text", "summary"])
def test_every_live_article_has_the_right(field, stored, expected):
    attribute = {"published_at": "published", "body_text": "body_text"}.get(field, field)
    wrong = {}
    for path, e in expected.items():
        want = getattr(e, attribute)
        want = iso(want) if field == "published_at" else sorted(want) if field == "categories" else want
        if stored[path][field] != want:
            wrong[path] = (want, stored[path][field])
    assert wrong == {}


def test_attachments_are_listed_with_absolute_urls(stored, expected):
    with_docs = [p for p, e in expected.items() if e.attachments]
    assert with_docs
    for path in with_docs:
        urls = [a["url"] for a in json.loads(stored[path]["attachments"])]
        assert [u.split("/", 3)[3] for u in urls] == [a.lstrip("/") for a in expected[path].attachments]


def test_seed_article(stored):
    seed = stored[SEED]
    assert (seed["title"], seed["published_at"], seed["source"]) == (
        "Tăng cường và đổi mới công tác dân vận", "2015-09-15", "Monre")
    assert seed["body_text"].startswith("Ngày 31/3/2014, tại Hà Nội")
    assert seed["body_text"].endswith("thật sự là công bộc của dân…")


@pytest.mark.parametrize("trap", TRAPS)
def test_no_page_chrome_in_any_stored_field(stored, trap):
    leaks = [(p, c) for p, row in stored.items() for c, v in row.items() if isinstance(v, str) and trap in v]
    assert leaks == []


def test_invalid_utf8_is_logged_and_left_out(faulty, stored):
    assert "byte sequence(s) that are not UTF-8: left out of the text" in faulty[2].stderr
    assert not any("\ufffd" in row["body_text"] for row in stored.values())


def test_articles_are_stored_under_their_listed_canonical_url(stored):
    assert all("?" not in row["url"] for row in stored.values())  # not even the redirect's ?redirected=1


def test_text_is_stored_nfc(stored):
    import unicodedata

    assert all(unicodedata.is_normalized("NFC", row["body_text"] + row["title"]) for row in stored.values())


def test_both_pager_styles_were_followed(faulty):
    posts = [r for r in faulty[3] if r.method == "POST"]
    page_links = [r for r in faulty[3] if "page=" in r.path.lower()]
    assert posts and page_links


def test_run_is_recorded_incomplete(faulty):
    (run,) = rows(faulty[1], "select * from crawl_runs")
    assert (run["status"], run["finish_reason"], run["items_new"] > 0) == ("incomplete", "finished", True)


def test_the_untitled_page_counts_as_a_missing_title_before_it_is_dropped(faulty):
    (run,) = rows(faulty[1], "select fields, items_dropped from crawl_runs")
    assert (json.loads(run["fields"])["title"]["missing"], run["items_dropped"]) == (1, 1)


def test_schema_columns(faulty):
    conn = sqlite3.connect(faulty[1])
    columns = [r[1] for r in conn.execute("pragma table_info(articles)")]
    assert columns[:15] == ["id", "url", "title", "summary", "body_text", "body_html", "published_at", "source",
                            "image_urls", "attachments", "aliases", "template", "content_hash", "first_seen_at",
                            "last_seen_at"]
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_categories_argument_limits_the_crawl(tmp_path):
    site = Site.generate(n_articles=30, seed=5)
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "monre.db", "categories=dat dai")
    assert result.returncode == 0, result.stderr[-2000:]
    names = {r["name"] for r in rows(tmp_path / "monre.db", "select name from categories")}
    assert names == {"Đất đai"}


@pytest.mark.parametrize("arg, message", [
    ("base_url=ftp://example.org", "-a base_url must be an http(s) URL"),
    ("full=maybe", "-a full must be 1 or 0"),
    ("categories=,", "-a categories must name at least one category"),
    ("fulll=1", "unknown spider argument(s) fulll"),
])
def test_bad_arguments_are_refused_with_a_clear_message(tmp_path, arg, message):
    result = crawl("http://127.0.0.1:9", tmp_path / "monre.db", arg)
    assert (result.returncode, message in result.stderr) == (2, True), result.stderr[-1000:]


def test_unreachable_portal_fails_in_one_clear_line(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = crawl(f"http://127.0.0.1:{port}", tmp_path / "monre.db", settings={"RETRY_TIMES": "1"})
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1
    assert last.startswith("monre: run 1 failed: cannot reach the portal at http://127.0.0.1:")
    (run,) = rows(tmp_path / "monre.db", "select status from crawl_runs")
    assert run["status"] == "failed"

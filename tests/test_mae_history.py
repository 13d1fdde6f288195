"""Edits and removals (issue 15) for ``scrapy crawl mae``, as for ``monre``: each night re-checks the stored
mae.gov.vn articles published within ``MONRE_RECHECK_DAYS``, keeps the earlier text of an edited one as a
version and marks a removed one; ``full=1`` re-checks them all.

Four nights of the real ``scrapy crawl mae`` over HTTP against the stand-in of mae.gov.vn (``standin/mae.py``),
read back from SQLite. Night 1 stores everything. Night 2 (incremental): one recent article has its title and a
paragraph edited, one answers 404, one redirects to the home page, one answers 503 (transient), one old article
(outside the window) is edited and another removed, one redirects to another site; the header's date changes
on every page. Night 3
(``full=1``): the old ones are re-checked too; the 404 one is back. Night 4 (incremental): the old removed one is
back and linked again.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from monre_crawler.pipelines.plausibility import crawl_day
from monre_crawler.settings import MONRE_RECHECK_DAYS
from monre_crawler.sites import mae as profile
from standin.mae import Portal, Site

from .conftest import crawl, rows
from .test_mae import requested_ids

FAST = {"MAE_BACKFILL_MAX_GAP": "10", "RETRY_TIMES": "1"}


def key(article) -> str:
    return profile.article_key(article.id)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    # Old articles (2025-2026, from the model), then recent ones published yesterday: inside the window.
    site = Site.generate(n_articles=10, seed=31)
    site.today = crawl_day() - timedelta(days=1)
    printed = site.publish(1, reach="hidden")[0]  # linked from nowhere: stored under its print view
    recent = site.publish(6) + [printed]
    site.today = crawl_day()
    db = tmp_path_factory.mktemp("mae-history") / "monre.db"
    since = (datetime.now(timezone.utc) - timedelta(days=MONRE_RECHECK_DAYS)).strftime("%Y-%m-%d")
    old = [a for a in site.articles if a.published_at.strftime("%Y-%m-%d") < since and a.reach == "listing"]
    edited, gone_404, gone_home, flaky, unchanged, offsite, _ = recent
    # the old removed one is on the home page (its category's box): linked again once it is back
    old_removed = next(a for a in old if a in site.home_articles())
    old_edited = next(a for a in old if a is not old_removed)
    out = {"site": site, "db": db, "recent": recent, "edited": edited, "gone_404": gone_404, "gone_home": gone_home,
           "flaky": flaky, "unchanged": unchanged, "offsite": offsite, "printed": printed, "old_edited": old_edited,
           "old_removed": old_removed, "n_articles": len(site.articles)}
    with Portal(site) as portal:
        out["night1"] = crawl(portal.url, db, spider="mae", settings=FAST)
        out["night1_rows"] = {r["id"]: r for r in rows(db, "select * from articles")}
        out["in_window"] = {profile.key_item(r["id"]) for r in out["night1_rows"].values()
                            if (r["published_at"] or r["first_seen_at"]) >= since}

        out["old_title"], out["old_paragraph"] = edited.title, edited.body_paragraphs[1]
        site.edit(edited, title=edited.title + " (cập nhật)",
                  body_paragraphs=[edited.body_paragraphs[0], "Số liệu đã được điều chỉnh: 1.250 tỷ đồng.",
                                   *edited.body_paragraphs[2:]])
        site.edit(old_edited, title=old_edited.title + " (sửa)")
        site.remove(gone_404, "404")
        site.remove(gone_home, "home")
        site.remove(flaky, "503")
        site.remove(offsite, "offsite")
        site.remove(old_removed, "404")
        portal.reset_log()
        out["night2"] = crawl(portal.url, db, spider="mae", settings=FAST)
        out["night2_ids"] = requested_ids(portal)
        out["night2_versions"] = rows(db, "select * from article_versions order by article_id, version")
        out["night2_rows"] = {r["id"]: r for r in rows(db, "select * from articles")}
        out["night2_events"] = rows(db, "select * from article_events order by id")
        out["night2_run"] = rows(db, "select * from crawl_runs where id = 2")[0]

        site.restore(gone_404)
        site.restore(flaky)
        out["night3"] = crawl(portal.url, db, "full=1", spider="mae", settings=FAST)
        out["night3_rows"] = {r["id"]: r for r in rows(db, "select * from articles")}

        site.restore(old_removed)
        portal.reset_log()
        out["night4"] = crawl(portal.url, db, spider="mae", settings=FAST)
        out["night4_ids"] = requested_ids(portal)
        out["events"] = rows(db, "select * from article_events order by id")
    return out


def test_every_night_ran(nights):
    for night in ("night1", "night2", "night3", "night4"):
        assert nights[night].returncode == 0, (night, nights[night].stderr[-3000:])
    assert len(nights["night1_rows"]) == nights["n_articles"]


def test_night_2_rechecks_the_recent_articles_only(nights):
    """Every stored article published in the window, once (the 503 one and its retry), and nothing else."""
    fetched = nights["night2_ids"]
    assert {a.id for a in nights["recent"]} <= nights["in_window"]
    assert set(fetched) == nights["in_window"]
    assert {i: n for i, n in fetched.items() if n != 1} == {nights["flaky"].id: 2}
    assert nights["old_edited"].id not in fetched and nights["old_removed"].id not in fetched


def test_night_2_keeps_both_texts_of_the_edited_article(nights):
    edited = nights["edited"]
    versions = nights["night2_versions"]
    assert [(v["article_id"], v["version"]) for v in versions] == [(key(edited), 1), (key(edited), 2)]
    assert (versions[0]["title"], versions[1]["title"]) == (nights["old_title"], edited.title)
    assert nights["old_paragraph"] in versions[0]["body_text"].split("\n\n")
    assert "Số liệu đã được điều chỉnh: 1.250 tỷ đồng." in versions[1]["body_text"].split("\n\n")
    row = nights["night2_rows"][key(edited)]
    assert (row["title"], row["versions"], bool(row["changed_at"])) == (edited.title, 2, True)
    edits = [e for e in nights["night2_events"] if e["event"] == "edited"]
    assert [(e["article_id"], e["version"]) for e in edits] == [(key(edited), 2)]
    assert nights["night2_run"]["items_edited"] == 1


def test_a_chrome_only_change_makes_no_version(nights):
    """Every page's header shows another date on night 2; the unchanged articles get no version."""
    for article in (nights["unchanged"], nights["printed"]):
        row = nights["night2_rows"][key(article)]
        assert (row["versions"], row["changed_at"], row["removed_at"]) == (1, None, None), article.id
    assert nights["night2_rows"][key(nights["printed"])]["url"].endswith(nights["printed"].print_url)


def test_night_2_marks_the_removed_articles_and_keeps_them(nights):
    removed = {i: r for i, r in nights["night2_rows"].items() if r["removed_at"]}
    assert set(removed) == {key(nights["gone_404"]), key(nights["gone_home"])}
    assert all(r["title"] and r["body_text"] for r in removed.values())
    details = {e["article_id"]: e["detail"] for e in nights["night2_events"] if e["event"] == "removed"}
    assert details[key(nights["gone_404"])] == "HTTP 404"
    assert details[key(nights["gone_home"])].startswith("redirected to the home page")
    assert nights["night2_run"]["items_removed"] == 2


def test_a_transient_failure_is_neither_a_removal_nor_a_loss(nights):
    row = nights["night2_rows"][key(nights["flaky"])]
    assert row["removed_at"] is None and row["title"] == nights["flaky"].title
    run = nights["night2_run"]
    assert (run["status"], run["items_lost"]) == ("ok", 0) and run["errors"] >= 1
    assert rows(nights["db"], "select count(*) as n from lost_articles") == [{"n": 0}]


def test_nothing_outside_the_window_changes_on_an_incremental_night(nights):
    columns = ("title", "body_text", "versions", "changed_at", "removed_at")
    for article in (nights["old_edited"], nights["old_removed"]):
        before, after = nights["night1_rows"][key(article)], nights["night2_rows"][key(article)]
        assert [after[c] for c in columns] == [before[c] for c in columns] == [article.title if article is
                                                                              nights["old_removed"] else before["title"],
                                                                              before["body_text"], 1, None, None]


def test_night_3_full_rechecks_every_article(nights):
    found = nights["night3_rows"]
    assert found[key(nights["old_edited"])]["versions"] == 2
    assert found[key(nights["old_edited"])]["title"] == nights["old_edited"].title
    assert found[key(nights["old_removed"])]["removed_at"]
    assert found[key(nights["gone_404"])]["removed_at"] is None  # back


def test_night_4_a_removed_article_linked_again_is_fetched_and_reappears(nights):
    old_removed = nights["old_removed"]
    assert nights["night4_ids"][old_removed.id] == 1
    events = [(e["article_id"], e["event"]) for e in nights["events"]]
    assert events.count((key(old_removed), "removed")) == 1
    assert [a for a, event in events if event == "reappeared"] == [key(nights["gone_404"]), key(old_removed)]
    assert rows(nights["db"], "select removed_at from articles where id = ?", [key(old_removed)]) == \
        [{"removed_at": None}]
    assert json.loads(rows(nights["db"], "select args from crawl_runs where id = 3")[0]["args"])["full"] is True


@pytest.mark.parametrize("url,other,same", [
    ("https://mae.gov.vn/ca-tra-19022.htm", "https://mae.gov.vn/thuy-san/ca-tra-19022.htm", True),
    ("https://mae.gov.vn/ca-tra-moi-19022.htm", "https://mae.gov.vn/ca-tra-19022.htm", True),
    ("https://mae.gov.vn/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=19022",
     "https://mae.gov.vn/ca-tra-19022.htm", True),
    ("https://mae.gov.vn/tom-19023.htm", "https://mae.gov.vn/ca-tra-19022.htm", False),
    ("https://mae.gov.vn/", "https://mae.gov.vn/ca-tra-19022.htm", False),
])
def test_a_redirect_to_another_form_of_the_same_id_is_the_same_article(url, other, same):
    assert profile.PROFILE.same_article(url, other) is same


def test_a_recheck_redirected_to_another_site_is_not_followed_and_keeps_the_article(nights):
    """Re-checks bypass the duplicate filter (a redirect to the home page must not be dropped); a redirect off
    the portal is still not followed: the other site is not contacted, the article is kept as it was."""
    offsite = nights["offsite"]
    assert nights["night2_rows"][key(offsite)] | {"last_seen_at": None} == \
        nights["night1_rows"][key(offsite)] | {"last_seen_at": None}
    stderr, path = nights["night2"].stderr, urlsplit(nights["night1_rows"][key(offsite)]["url"]).path
    assert f"Not followed: http://example.invalid{path} (redirected from " in stderr
    assert "example.invalid" not in stderr.replace(f"Not followed: http://example.invalid{path}", "")

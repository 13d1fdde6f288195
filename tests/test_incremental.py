"""Nightly runs: every article once, and a second night that fetches only what is new."""

from __future__ import annotations

import json

import pytest

from standin import Portal, Site

from .conftest import articles_by_path, crawl, rows


def article_paths(portal) -> list[str]:
    return sorted(r.path.split("?")[0].lower() for r in portal.requests
                  if r.path.split("?")[0].lower().startswith("/pages/") and "chuyenmuc" not in r.path.lower())


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1: a first crawl. Night 2: N new articles, one changed, one repost. Night 3: nothing new.
    Night 4: full=1. The portal links articles as /Pages/x.aspx, /pages/x.aspx, ?Source=…, ?utm_…"""
    site = Site.generate(n_articles=40, seed=21, multi_category=0.3)
    db = tmp_path_factory.mktemp("nights") / "monre.db"
    log = {}
    with Portal(site, link_variants=True) as portal:
        original = site.get("tang-cuong-va-doi-moi-cong-tac-dan-van")
        first_repost = site.add_repost(original)  # published twice before the first night
        log["night1"] = crawl(portal.url, db)
        log["night1_articles"] = article_paths(portal)
        log["after1"] = articles_by_path(db)

        portal.reset_log()
        new = site.add_articles(6)
        changed = next(a for a in site.articles if a.slug not in {original.slug, first_repost.slug}
                       and a not in new)
        site.modify(changed)
        log["night2"] = crawl(portal.url, db)
        log["night2_articles"] = article_paths(portal)

        portal.reset_log()
        log["night3"] = crawl(portal.url, db)
        log["night3_articles"] = article_paths(portal)

        portal.reset_log()
        log["night4"] = crawl(portal.url, db, "full=1")
        log["night4_articles"] = article_paths(portal)
    return site, db, log, new, changed, original, first_repost


def test_every_night_exits_zero(nights):
    log = nights[2]
    assert [log[n].returncode for n in ("night1", "night2", "night3", "night4")] == [0, 0, 0, 0], \
        [log[n].stderr[-1500:] for n in ("night1", "night2", "night3", "night4")]


def test_second_night_fetches_exactly_the_new_articles(nights):
    site, db, log, new, *_ = nights
    assert log["night2_articles"] == sorted(a.path.lower() for a in new)


def test_unchanged_night_fetches_no_article(nights):
    assert nights[2]["night3_articles"] == []


def test_full_run_fetches_every_article_url_once(nights):
    site, db, log, *_ = nights
    fetched = log["night4_articles"]
    assert len(fetched) == len(set(fetched))
    assert set(fetched) >= {a.path.lower() for a in site.articles if not a.repost_of}


def test_full_run_updates_the_changed_article(nights):
    site, db, log, new, changed, *_ = nights
    stored = articles_by_path(db)[changed.path.lower()]
    assert stored["body_text"].endswith("Bài viết được cập nhật lần thứ 1.")


def test_full_run_counts_the_update(nights):
    (night4,) = rows(nights[1], "select * from crawl_runs where id = 4")
    assert (night4["items_updated"], night4["items_new"]) == (1, 0)


def test_first_seen_never_moves(nights):
    site, db, log, *_ = nights
    before = {p: r["first_seen_at"] for p, r in log["after1"].items()}
    after = {p: r["first_seen_at"] for p, r in articles_by_path(db).items() if p in before}
    assert after == before


def test_last_seen_moves_on_the_full_run(nights):
    site, db, log, new, changed, *_ = nights
    row = articles_by_path(db)[changed.path.lower()]
    assert row["last_seen_at"] >= row["first_seen_at"] and row["content_hash"] != \
        log["after1"][changed.path.lower()]["content_hash"]


def test_every_article_is_stored_once(nights):
    site, db, *_ = nights
    originals = {a.path.lower() for a in site.articles if not a.repost_of}
    assert set(articles_by_path(db)) == originals


def test_url_variants_are_one_row(nights):
    db = nights[1]
    urls = [r["url"] for r in rows(db, "select url from articles")]
    assert all("?" not in u for u in urls)
    assert len({u.lower() for u in urls}) == len(urls)


def test_every_article_has_all_its_categories(nights):
    site, db, *_ = nights
    stored = articles_by_path(db)
    expected = {}
    for a in site.articles:
        target = (site.get(a.repost_of) if a.repost_of else a).path.lower()
        expected.setdefault(target, set()).update(a.categories)
    assert {p: set(r["categories"]) for p, r in stored.items()} == expected


def test_repost_is_one_row_with_its_other_url_as_alias(nights):
    site, db, log, new, changed, original, repost = nights
    row = articles_by_path(db)[original.path.lower()]
    assert [u.rsplit("/", 1)[1].lower() for u in json.loads(row["aliases"])] == [f"{repost.slug}.aspx"]


def test_duplicates_are_counted(nights):
    (night1,) = rows(nights[1], "select items_duplicate from crawl_runs where id = 1")
    assert night1["items_duplicate"] == 1


def test_a_repost_published_later_is_fetched_once_then_known(tmp_path):
    site = Site.generate(n_articles=24, seed=4)
    db = tmp_path / "monre.db"
    with Portal(site) as portal:
        assert crawl(portal.url, db).returncode == 0
        original = site.articles[5]
        repost = site.add_repost(original)
        portal.reset_log()
        assert crawl(portal.url, db).returncode == 0
        assert article_paths(portal) == [repost.path.lower()]
        portal.reset_log()
        assert crawl(portal.url, db).returncode == 0
        assert article_paths(portal) == []
    stored = articles_by_path(db)
    assert repost.path.lower() not in stored
    assert set(stored[original.path.lower()]["categories"]) == set(original.categories) | set(repost.categories)


def test_a_portal_that_is_down_fails_the_run(tmp_path):
    site = Site.generate(n_articles=12, seed=1)
    with Portal(site, faults={"down"}) as portal:
        result = crawl(portal.url, tmp_path / "monre.db", settings={"RETRY_TIMES": "1"})
    assert result.returncode == 1
    assert "monre: run 1 failed: cannot reach the portal" in result.stderr
    assert rows(tmp_path / "monre.db", "select status from crawl_runs") == [{"status": "failed"}]


def test_second_run_over_an_unchanged_portal_stops_at_each_first_page(tmp_path):
    from standin.server import is_article_path

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

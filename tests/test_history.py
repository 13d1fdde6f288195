"""Edits and removals: the archive keeps every text of an edited article and marks removed ones.

Unit tests of the store's history (``Store``), then four nights of the real
``scrapy crawl monre`` against the stand-in portal over HTTP, read back from SQLite, through Datasette's
pages (the diff) and through the Atom feeds parsed with feedparser.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import datetime, timedelta, timezone
from html import unescape
from urllib.parse import quote_plus, urlsplit

import feedparser
import pytest

from monre_crawler.schema import upgrade
from monre_crawler.store import VERSION_FIELDS
from monre_crawler.urls import url_id

from .conftest import ROOT, crawl, rows
from .test_datasette import Client
from .utils import open_store


# --- the store ------------------------------------------------------------------------------------------------
def article(aid="a1", **fields):
    base = {"id": aid, "portal": "monre.gov.vn", "url": f"https://monre.gov.vn/Pages/{aid}.aspx", "title": "Tiêu đề gốc",
            "summary": "Lời dẫn gốc.", "body_text": "Đoạn một về đất đai.\n\nĐoạn hai.", "body_html": "",
            "published_at": "2024-05-01", "source": None, "image_urls": [], "attachments": [],
            "categories": ["Đất đai"], "template": "2024"}
    base.update(fields)
    if "content_hash" not in fields:
        from monre_crawler.text import short_hash

        base["content_hash"] = short_hash(base["title"], base["published_at"] or "", base["body_text"], length=32)
    return base


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "monre.db", lock=False)
    yield store
    store.close()


def write(store, *articles):
    for item in articles:
        store.add_article(item)
    return store.flush()


def table(store, sql, params=()):
    cursor = store.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def test_an_article_never_changed_has_no_version(store):
    write(store, article())
    outcome = write(store, article())
    assert outcome["unchanged"] == 1
    assert table(store, "select * from article_versions") == []
    assert table(store, "select versions, changed_at, removed_at from articles") == [
        {"versions": 1, "changed_at": None, "removed_at": None}]


def test_first_edit_keeps_the_first_text_as_version_1(store):
    write(store, article())
    first_seen = table(store, "select first_seen_at from articles")[0]["first_seen_at"]
    outcome = write(store, article(title="Tiêu đề đã sửa", body_text="Đoạn một về đất rừng.\n\nĐoạn hai."))
    assert outcome["edited"] == 1 and outcome["updated"] == 1
    versions = table(store, "select * from article_versions order by version")
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["title"] == "Tiêu đề gốc" and versions[0]["seen_at"] == first_seen
    assert versions[0]["body_text"] == "Đoạn một về đất đai.\n\nĐoạn hai."
    assert versions[1]["title"] == "Tiêu đề đã sửa" and versions[1]["body_text"].startswith("Đoạn một về đất rừng")
    assert versions[1]["content_hash"] != versions[0]["content_hash"]
    row = table(store, "select title, versions, changed_at from articles")[0]
    assert row["title"] == "Tiêu đề đã sửa" and row["versions"] == 2 and row["changed_at"] == versions[1]["seen_at"]
    assert table(store, "select event, version from article_events") == [{"event": "edited", "version": 2}]
    # A second edit adds version 3 only.
    write(store, article(title="Tiêu đề sửa lần hai"))
    assert [v["version"] for v in table(store, "select version from article_versions order by version")] == [1, 2, 3]
    assert table(store, "select versions from articles")[0]["versions"] == 3


def test_an_edit_of_the_lead_alone_is_a_version(store):
    """The content hash covers the title, date and body, not the lead: the store compares the lead apart."""
    write(store, article())
    outcome = write(store, article(summary="Lời dẫn đã sửa."))
    assert outcome["edited"] == 1
    assert [v["summary"] for v in table(store, "select summary from article_versions order by version")] == [
        "Lời dẫn gốc.", "Lời dẫn đã sửa."]
    assert table(store, "select summary from articles")[0]["summary"] == "Lời dẫn đã sửa."


def test_a_change_outside_title_lead_and_text_updates_without_a_version(store):
    write(store, article())
    outcome = write(store, article(published_at="2024-05-02"))
    assert outcome["updated"] == 1 and outcome["edited"] == 0
    assert table(store, "select published_at, versions from articles") == [{"published_at": "2024-05-02", "versions": 1}]
    assert table(store, "select * from article_versions") == []


def test_a_text_read_through_another_layout_is_not_an_edit(store):
    """After a redesign (or a generic fallback instead of a layout's selectors) the text can differ by the
    reading alone: the article is updated, no version is made."""
    write(store, article())
    outcome = write(store, article(template=None, body_text="Trang chủ Tin tức Đoạn một về đất đai.\n\nĐoạn hai."))
    assert outcome["updated"] == 1 and outcome["edited"] == 0 and outcome["relaid_out"] == 1
    assert table(store, "select * from article_versions") == []
    assert table(store, "select template, versions from articles") == [{"template": None, "versions": 1}]
    # Read through the same (new) layout again, an edit is a version.
    assert write(store, article(template=None, body_text="Trang chủ Tin tức Đoạn một.\n\nĐoạn hai."))["edited"] == 1


def test_the_same_text_in_nfd_is_not_an_edit(store):
    write(store, article())
    nfd = {k: unicodedata.normalize("NFD", v) for k, v in article().items() if k in VERSION_FIELDS}
    write(store, article(**nfd, content_hash="other"))
    assert table(store, "select * from article_versions") == []


def test_removal_is_marked_once_and_a_reappearance_clears_it(store):
    write(store, article())
    assert store.mark_removed("a1", "HTTP 404")
    removed_at = table(store, "select removed_at from articles")[0]["removed_at"]
    assert removed_at
    assert not store.mark_removed("a1", "HTTP 404")  # still gone: the first time it was found gone is kept
    assert table(store, "select removed_at from articles")[0]["removed_at"] == removed_at
    assert store.removed_ids(["a1", "zz"]) == {"a1"}
    assert table(store, "select count(*) as n from articles")[0]["n"] == 1  # never deleted
    outcome = write(store, article())
    assert outcome["reappeared"] == 1
    assert table(store, "select removed_at from articles")[0]["removed_at"] is None
    assert [e["event"] for e in table(store, "select event from article_events order by id")] == [
        "removed", "reappeared"]


def test_recheck_candidates_are_the_recent_articles(store):
    write(store, article("new", published_at="2026-01-20"), article("old", published_at="2025-12-01"),
          article("undated", published_at=None, title="Không ngày", body_text="Khác."),
          article("timed", published_at="2026-01-15T09:30:00+07:00", title="Có giờ", body_text="Khác nữa."),
          article("mae-1", portal="mae.gov.vn", published_at="2026-01-20", title="Bài khác", body_text="Của mae."))
    store.conn.execute("UPDATE articles SET first_seen_at = '2025-11-01T00:00:00Z' WHERE id = 'undated'")
    assert {r[0] for r in store.recheck_candidates("monre.gov.vn", "2026-01-10")} == {"new", "timed"}
    store.conn.execute("UPDATE articles SET first_seen_at = '2026-01-12T00:00:00Z' WHERE id = 'undated'")
    assert {r[0] for r in store.recheck_candidates("monre.gov.vn", "2026-01-10")} == {"new", "timed", "undated"}
    assert {r[0] for r in store.recheck_candidates("monre.gov.vn", None)} == {"new", "old", "undated", "timed"}
    # Each portal's spider re-checks its own articles only.
    assert {r[0] for r in store.recheck_candidates("mae.gov.vn", "2026-01-10")} == {"mae-1"}
    aid, url, title, published_at = [r for r in store.recheck_candidates("monre.gov.vn", None) if r[0] == "new"][0]
    assert url.endswith("/new.aspx") and title == "Tiêu đề gốc" and published_at == "2026-01-20"


def test_upgrade_adds_the_history_to_an_older_archive(tmp_path):
    path = tmp_path / "monre.db"
    store = open_store(path, lock=False)
    write(store, article())
    store.close()
    conn = sqlite3.connect(path)
    with conn:  # the archive as the code before the history wrote it
        for name in ("idx_articles_changed_at", "idx_articles_removed_at"):
            conn.execute(f"DROP INDEX {name}")
        for column in ("versions", "changed_at", "removed_at"):
            conn.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        conn.execute("DROP TABLE article_versions")
        conn.execute("DROP TABLE article_events")
    conn.close()
    upgrade(str(path))
    assert rows(path, "select id, versions, changed_at, removed_at from articles") == [
        {"id": "a1", "versions": 1, "changed_at": None, "removed_at": None}]
    assert rows(path, "select count(*) as n from article_versions") == [{"n": 0}]
    store = open_store(path, lock=False)
    assert write(store, article(title="Tiêu đề mới"))["edited"] == 1
    store.close()


# --- nights against the stand-in portal -----------------------------------------------------------------------
NEW_WORD = "9.999"


def _edit_title_and_paragraph(site, a, paragraph: int = 1):
    """Change the last word of the title and one word of one paragraph; return (old, new) of each."""
    title_words = a.title.split(" ")
    old_title_word, new_title_word = title_words[-1], "mới"
    paragraphs = list(a.paragraphs)
    words = paragraphs[paragraph].split(" ")
    old_word = words[3]
    words[3] = NEW_WORD
    paragraphs[paragraph] = " ".join(words)
    site.modify(a, title=" ".join(title_words[:-1] + [new_title_word]), paragraphs=paragraphs)
    return (old_title_word, new_title_word), (old_word, NEW_WORD)


def _id(portal, a) -> str:
    from monre_crawler.urls import canonical_url

    return url_id(canonical_url(portal.url + a.path, portal.url))


def _snapshot(db, name):
    """A copy of the archive as it is now, still called monre.db (Datasette names the database after it)."""
    (db.parent / name).mkdir()
    copy = db.parent / name / "monre.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Four nights of crawls over a portal that edits, removes and restores articles.

    Night 1: the first crawl. Night 2 (incremental): one recent article has its title and one paragraph
    edited; four recent ones are taken down (404, 410, redirect home, redirect to an error page); one
    answers 503 (a transient failure); one redirects to another article (moved, not removed); one old article (outside the re-check window) is edited and another
    removed; the chrome changes everywhere (the header's date; two new articles change the sidebar).
    Night 3 (incremental): the 404 one and the 503 one are back. Night 4: ``full=1``.
    """
    from standin import Portal, Site

    today = datetime.now(timezone.utc).date()
    site = Site.generate(n_articles=30, seed=21, newest=today - timedelta(days=1), oldest=today - timedelta(days=50),
                         today=today - timedelta(days=1))
    db = tmp_path_factory.mktemp("nights") / "monre.db"
    out = {"site": site, "db": db}
    since = (today - timedelta(days=21)).isoformat()
    dated = sorted((a for a in site.articles if a.published is not None and a.repost_of is None),
                   key=lambda a: str(a.published), reverse=True)
    recent = [a for a in dated if str(a.published)[:10] >= (today - timedelta(days=18)).isoformat()]
    old = [a for a in dated if str(a.published)[:10] < (today - timedelta(days=25)).isoformat()]
    assert len(recent) >= 8 and len(old) >= 2, "the generated site needs recent and old articles"
    edited, gone_404, gone_410, gone_home, gone_error, flaky, chrome, moved = recent[:8]
    old_edited, old_removed = old[:2]
    out.update(edited=edited, gone={"404": gone_404, "410": gone_410, "home": gone_home, "error": gone_error},
               flaky=flaky, chrome=chrome, moved=moved, old_edited=old_edited, old_removed=old_removed)
    with Portal(site) as portal:
        out["url"] = portal.url
        first = crawl(portal.url, db)
        assert first.returncode == 0, first.stderr[-3000:]
        out["ids"] = {a.slug: _id(portal, a) for a in site.articles}
        out["night1_articles"] = {r["id"] for r in rows(db, "select id from articles")}
        stored_recent = {r["id"] for r in rows(
            db, "select id from articles where published_at >= ? or (published_at is null and first_seen_at >= ?)",
            [since, since])}

        # Night 2.
        import urllib.request

        def page(a):
            with urllib.request.urlopen(portal.url + a.path) as response:
                return response.read().decode("utf-8")

        chrome_before = page(chrome)
        out["title_change"], out["word_change"] = _edit_title_and_paragraph(site, edited)
        _edit_title_and_paragraph(site, old_edited)
        for how, a in out["gone"].items():
            site.remove(a, how)
        site.remove(flaky, "503")
        site.remove(moved, "moved")
        site.remove(old_removed, "404")
        site.today = today
        out["added"] = site.add_articles(2)
        out["ids"].update({a.slug: _id(portal, a) for a in out["added"]})
        out["chrome_changed"] = page(chrome) != chrome_before
        portal.reset_log()
        second = crawl(portal.url, db, settings={"RETRY_TIMES": "1"})
        out["night2"] = second
        out["night2_paths"] = {urlsplit(r.path).path.lower() for r in portal.article_requests()}
        out["night2_expected_paths"] = {
            urlsplit(a.path).path.lower() for a in site.articles
            if _id(portal, a) in stored_recent or a in out["added"]}
        out["night2_db"] = _snapshot(db, "night2")

        # Night 3: two are back.
        site.restore(gone_404)
        site.restore(flaky)
        third = crawl(portal.url, db)
        out["night3"] = third
        out["night3_db"] = _snapshot(db, "night3")

        # Night 4: everything re-checked.
        fourth = crawl(portal.url, db, "full=1")
        out["night4"] = fourth
    return out


def test_every_night_ran(nights):
    assert nights["night2"].returncode == 0, nights["night2"].stderr[-3000:]
    assert nights["night3"].returncode == 0, nights["night3"].stderr[-3000:]
    assert nights["night4"].returncode == 0, nights["night4"].stderr[-3000:]


def test_an_incremental_night_rechecks_the_recent_articles_only(nights):
    assert nights["night2_paths"] == nights["night2_expected_paths"]
    old = {urlsplit(nights[k].path).path.lower() for k in ("old_edited", "old_removed")}
    assert not old & nights["night2_paths"]
    stats = rows(nights["night2_db"], "select requests from crawl_runs where id = 2")[0]
    assert stats["requests"] >= len(nights["night2_paths"])


def test_night_2_holds_two_versions_of_the_edited_article(nights):
    db, ids = nights["night2_db"], nights["ids"]
    edited = ids[nights["edited"].slug]
    versions = rows(db, "select * from article_versions order by article_id, version")
    assert [(v["article_id"], v["version"]) for v in versions] == [(edited, 1), (edited, 2)]
    old_title, new_title = nights["title_change"]
    assert versions[0]["title"].endswith(" " + old_title) and versions[1]["title"].endswith(" " + new_title)
    old_word, new_word = nights["word_change"]
    assert versions[0]["body_text"].replace(old_word, new_word, 1) != versions[0]["body_text"]
    assert versions[1]["body_text"] == nights["edited"].expected_body_text()
    row = rows(db, "select title, versions, changed_at from articles where id = ?", [edited])[0]
    assert row["title"] == nights["edited"].title and row["versions"] == 2 and row["changed_at"]
    run = rows(db, "select items_updated, items_edited from crawl_runs where id = 2")[0]
    assert run == {"items_updated": 1, "items_edited": 1}


def test_a_chrome_only_change_makes_no_version(nights):
    assert nights["chrome_changed"], "the chrome of the page should have changed between the nights"
    chrome = nights["ids"][nights["chrome"].slug]
    assert rows(nights["night2_db"], "select versions, changed_at from articles where id = ?", [chrome]) == [
        {"versions": 1, "changed_at": None}]
    assert rows(nights["night2_db"], "select count(*) as n from articles where versions > 1") == [{"n": 1}]


def test_night_2_marks_the_removed_articles_and_keeps_them(nights):
    db, ids = nights["night2_db"], nights["ids"]
    removed = {r["id"]: r for r in rows(db, "select id, title, body_text, removed_at from articles "
                                            "where removed_at is not null")}
    assert set(removed) == {ids[a.slug] for a in nights["gone"].values()}
    assert all(r["body_text"] and r["title"] for r in removed.values())  # still readable
    details = {r["article_id"]: r["detail"] for r in rows(db, "select * from article_events where event = 'removed'")}
    gone = {how: ids[a.slug] for how, a in nights["gone"].items()}
    assert details[gone["404"]] == "HTTP 404" and details[gone["410"]] == "HTTP 410"
    assert details[gone["home"]].startswith("redirected to the home page")
    assert details[gone["error"]].startswith("redirected to an error page")
    assert rows(db, "select count(*) as n from articles") == [{"n": len(nights["night1_articles"]) + 2}]
    assert rows(db, "select items_removed from crawl_runs where id = 2") == [{"items_removed": 4}]


def test_a_transient_failure_is_not_a_removal(nights):
    flaky = nights["ids"][nights["flaky"].slug]
    for db in (nights["night2_db"], nights["night3_db"]):
        assert rows(db, "select removed_at from articles where id = ?", [flaky]) == [{"removed_at": None}]
    assert rows(nights["night2_db"], "select errors from crawl_runs where id = 2")[0]["errors"] >= 1
    # Nor a loss: the archive keeps the article as it was, and the next re-check tries again.
    assert rows(nights["night2_db"], "select count(*) as n from lost_articles") == [{"n": 0}]
    assert rows(nights["night2_db"], "select status, items_lost from crawl_runs where id = 2") == [
        {"status": "ok", "items_lost": 0}]


def test_a_page_redirected_to_another_article_is_neither_edited_nor_removed(nights):
    moved = nights["ids"][nights["moved"].slug]
    row = rows(nights["night2_db"], "select title, versions, removed_at from articles where id = ?", [moved])[0]
    assert row == {"title": nights["moved"].title, "versions": 1, "removed_at": None}
    assert "now redirects to" in nights["night2"].stderr


def test_night_3_a_reappeared_article_loses_its_mark(nights):
    db, ids = nights["night3_db"], nights["ids"]
    back = ids[nights["gone"]["404"].slug]
    assert rows(db, "select removed_at from articles where id = ?", [back]) == [{"removed_at": None}]
    assert [e["event"] for e in rows(db, "select event from article_events where article_id = ? order by id",
                                     [back])] == ["removed", "reappeared"]
    still = {ids[nights["gone"][how].slug] for how in ("410", "home", "error")}
    assert {r["id"] for r in rows(db, "select id from articles where removed_at is not null")} == still


def test_night_4_full_rechecks_every_article(nights):
    db, ids = nights["db"], nights["ids"]
    old_edited, old_removed = ids[nights["old_edited"].slug], ids[nights["old_removed"].slug]
    assert rows(db, "select versions from articles where id = ?", [old_edited]) == [{"versions": 2}]
    assert rows(db, "select removed_at is not null as gone from articles where id = ?", [old_removed]) == [
        {"gone": 1}]
    # Each removal is recorded once, however many nights find the article still gone.
    counts = rows(db, "select article_id, count(*) as n from article_events where event = 'removed' "
                      "group by article_id")
    assert all(c["n"] == 1 for c in counts) and len(counts) == 5
    assert rows(db, "select count(*) as n from article_versions") == [{"n": 4}]


# --- what readers see: the article page, the canned queries, the feeds ----------------------------------------
@pytest.fixture(scope="module")
def night2_pages(nights):
    client = Client(nights["night2_db"], template_dir=str(ROOT / "templates"), plugins_dir=str(ROOT / "plugins"))
    yield client
    client.close()


def _section(html: str, name: str) -> str:
    match = re.search(rf'<div class="[^"]*monre-diff-{name}">(.*?)</div>', html, flags=re.S)
    assert match, name
    return match.group(1)


def _marks(fragment: str, tag: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf"<{tag}>(.*?)</{tag}>", fragment, flags=re.S)]


def test_the_diff_page_marks_exactly_the_changed_words(nights, night2_pages):
    edited = nights["ids"][nights["edited"].slug]
    html = night2_pages.get(f"/monre/articles/{edited}").text
    assert "Edited by the portal: 2 versions" in html
    (old_title, new_title), (old_word, new_word) = nights["title_change"], nights["word_change"]
    assert _marks(_section(html, "title"), "del") == [old_title]
    assert _marks(_section(html, "title"), "ins") == [new_title]
    assert _marks(_section(html, "summary"), "del") == [] and _marks(_section(html, "summary"), "ins") == []
    assert _marks(_section(html, "body"), "del") == [old_word]
    assert _marks(_section(html, "body"), "ins") == [new_word]
    # The changed paragraph and its neighbours, the rest left out; all of it on demand.
    paragraphs = [p for p in nights["edited"].expected_body_text().split("\n\n") if p.strip()]
    assert len(paragraphs) >= 4, "the edited article should be long enough to leave paragraphs out"
    assert "unchanged paragraph" in _section(html, "body")
    assert unescape(paragraphs[-1]) not in unescape(_section(html, "body"))
    whole = night2_pages.get(f"/monre/articles/{edited}?diff_from=1&diff_to=2&diff_whole=1").text
    assert "unchanged paragraph" not in _section(whole, "body")
    assert all(unescape(p) in unescape(_section(whole, "body")) for p in paragraphs[2:])
    assert _marks(_section(whole, "body"), "del") == [old_word]
    # Any two versions, either way round.
    reverse = night2_pages.get(f"/monre/articles/{edited}?diff_from=2&diff_to=1").text
    assert _marks(_section(reverse, "body"), "del") == [new_word]
    same = night2_pages.get(f"/monre/articles/{edited}?diff_from=2&diff_to=2").text
    assert "<del>" not in _section(same, "body") and "<ins>" not in _section(same, "body")


def test_the_page_of_a_removed_article_says_so(nights, night2_pages):
    gone = nights["ids"][nights["gone"]["410"].slug]
    response = night2_pages.get(f"/monre/articles/{gone}")
    assert response.status_code == 200
    assert "Removed from the portal" in response.text
    assert "HTTP 410" in response.text
    chrome = nights["ids"][nights["chrome"].slug]
    text = night2_pages.get(f"/monre/articles/{chrome}").text
    assert "Removed from the portal" not in text and "Edited by the portal" not in text


def test_canned_queries_list_edits_and_removals(nights, night2_pages):
    ids = nights["ids"]
    edited = night2_pages.json("/monre/recently_edited.json?_shape=objects")["rows"]
    assert [r["article"] for r in edited] == [ids[nights["edited"].slug]] and edited[0]["versions"] == 2
    removed = night2_pages.json("/monre/recently_removed.json?_shape=objects")["rows"]
    assert {r["article"] for r in removed} == {ids[a.slug] for a in nights["gone"].values()}


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:500])
    assert "xml" in response.headers["content-type"]
    parsed = feedparser.parse(response.text)
    assert not parsed.bozo, (url, parsed.bozo_exception)
    return parsed


def _entry_links(entry) -> tuple[str, str]:
    """(the original's URL, the archive page's URL) of a feed entry."""
    content = entry.content[0].value
    links = re.findall(r'href="([^"]+)"', content)
    return unescape(links[0]), unescape(links[1])


def check_entry(entry, nights, aid):
    row = rows(nights["night2_db"], "select * from articles where id = ?", [aid])[0]
    original, archive = _entry_links(entry)
    assert entry.link == row["url"] == original
    assert archive.startswith("http://") and urlsplit(archive).path.startswith(f"/monre/articles/{aid}")
    assert entry.updated_parsed
    content = unescape(entry.content[0].value)
    if row["summary"]:
        assert row["summary"] in content
    import json

    for name in json.loads(row["categories"]):
        assert name in content
    assert [tag.term for tag in entry.get("tags", [])] == json.loads(row["categories"])


def test_feed_of_the_latest_articles_lists_the_new_ones(nights, night2_pages):
    parsed = feed(night2_pages, "/monre/feed_latest.atom")
    assert parsed.feed.title.startswith("Tin mới")
    by_link = {e.link: e for e in parsed.entries}
    db = nights["night2_db"]
    for a in nights["added"]:
        aid = nights["ids"][a.slug]
        url = rows(db, "select url from articles where id = ?", [aid])[0]["url"]
        assert url in by_link
        assert by_link[url].title == a.title
        check_entry(by_link[url], nights, aid)
    dates = [e.updated_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    # One portal's feed: this archive holds monre.gov.vn's articles only.
    for portal in ("monre", "monre.gov.vn"):
        assert [e.id for e in feed(night2_pages, f"/monre/feed_latest.atom?portal={portal}").entries] == [
            e.id for e in parsed.entries]
    for name in ("feed_latest", "feed_edits", "feed_removals"):
        assert feed(night2_pages, f"/monre/{name}.atom?portal=mae").entries == []


def test_feed_of_one_category_and_of_search_words(nights, night2_pages):
    a = nights["added"][0]
    aid = nights["ids"][a.slug]
    category = a.categories[0]
    parsed = feed(night2_pages, f"/monre/feed_category.atom?category={quote_plus(category)}")
    expected = {r["url"] for r in rows(nights["night2_db"], "select a.url from articles a join articles_categories ac "
                                       "on ac.articles_id = a.id join categories c on c.id = ac.categories_id "
                                       "where c.name = ?", [category])}
    assert {e.link for e in parsed.entries} == expected
    words = " ".join(re.findall(r"\w+", a.title)[:4])
    from .test_datasette import strip_marks

    marked = feed(night2_pages, f"/monre/feed_search.atom?q={quote_plus(words)}")
    bare = feed(night2_pages, f"/monre/feed_search.atom?q={quote_plus(strip_marks(words).upper())}")
    marked_links = {e.link for e in marked.entries}
    assert rows(nights["night2_db"], "select url from articles where id = ?", [aid])[0]["url"] in marked_links
    assert {e.link for e in bare.entries} >= marked_links
    # Punctuation and quotes between the words separate them, as spaces do (the words, not the phrase).
    for typed in ("-".join(words.split()), f'"{words}"', "(" + "/".join(words.split()) + ")."):
        assert [e.id for e in feed(night2_pages, f"/monre/feed_search.atom?q={quote_plus(typed)}").entries] == [
            e.id for e in marked.entries], typed
    nothing = feed(night2_pages, "/monre/feed_search.atom?q=xyzzyquux")
    assert nothing.entries == []
    # a word in most articles: the newest 50 of its matches, newest first (the feed walks the date index)
    common = feed(night2_pages, "/monre/feed_search.atom?q=m%C3%B4i")
    newest = rows(nights["night2_db"], "select a.url, a.published_at from articles_fts join articles a on a.rowid = "
                  "articles_fts.rowid where articles_fts match '\"moi\"' "
                  "order by a.published_at desc nulls last, a.first_seen_at desc limit 50")
    dated = {r["url"]: r["published_at"] for r in rows(nights["night2_db"], "select url, published_at from articles")}
    assert len(newest) >= 10 and {e.link for e in common.entries} == {r["url"] for r in newest}
    assert [dated[e.link] for e in common.entries] == [r["published_at"] for r in newest]  # (ties in any order)


def test_feeds_of_edits_and_removals(nights, night2_pages):
    ids = nights["ids"]
    edits = feed(night2_pages, "/monre/feed_edits.atom")
    assert len(edits.entries) == 1
    entry = edits.entries[0]
    assert nights["edited"].title in entry.title
    original, diff = _entry_links(entry)
    assert entry.link == original
    assert "diff_from=1" in diff and "diff_to=2" in diff and ids[nights["edited"].slug] in diff
    removals = feed(night2_pages, "/monre/feed_removals.atom")
    gone_urls = {r["url"] for r in rows(nights["night2_db"], "select url from articles where removed_at is not null")}
    assert {e.link for e in removals.entries} == gone_urls and len(gone_urls) == 4
    for e in removals.entries:
        check_entry(e, nights, url_id(e.link))


def test_empty_feeds_are_valid(tmp_path):
    path = tmp_path / "monre.db"
    open_store(path, lock=False).close()
    client = Client(path, plugins_dir=str(ROOT / "plugins"))
    try:
        for name in ("feed_latest", "feed_edits", "feed_removals"):
            assert feed(client, f"/monre/{name}.atom").entries == []
    finally:
        client.close()


def test_pages_announce_their_feeds(nights, night2_pages):
    def alternates(html):
        return {unescape(href) for href in re.findall(
            r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"', html)}

    a = nights["added"][0]
    table = alternates(night2_pages.get(
        f"/monre/articles?_search=dat+dai&_category={quote_plus(a.categories[0])}").text)
    assert {"/monre/feed_latest.atom", "/monre/feed_edits.atom", "/monre/feed_removals.atom",
            "/monre/feed_search.atom?q=dat%20dai"} <= table
    assert any(href.startswith("/monre/feed_category.atom?category=") for href in table)
    page = alternates(night2_pages.get(f"/monre/articles/{nights['ids'][a.slug]}").text)
    assert "/monre/feed_latest.atom" in page and "/monre/feed_edits.atom" in page
    for href in table | page:  # every announced feed answers with a feed
        feed(night2_pages, href)


def test_a_full_disk_while_marking_a_removal_stops_the_crawl_with_a_message():
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    from monre_crawler.spiders.monre import MonreSpider

    class FullArchive:
        def mark_removed(self, article_id, detail):
            raise sqlite3.OperationalError("database or disk is full")

    crawler = get_crawler(MonreSpider)
    crawler.engine = SimpleNamespace(running=False)  # a crawl that is already stopping: nothing to close
    spider = MonreSpider.from_crawler(crawler)
    spider.store = FullArchive()
    spider.state.pending["a1"] = []
    spider._removed("a1", "HTTP 404")
    assert spider.state.archive_error == "database or disk is full (is the disk full?)"
    assert "a1" not in spider.state.pending

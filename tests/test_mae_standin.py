"""Tests of the mae.gov.vn stand-in (standin/mae.py) itself, over HTTP with a stdlib client. Fast."""
from __future__ import annotations

import html
import re
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from standin.mae import CATEGORIES, PRINT_PATH, Portal, Site, article_id_of, slugify

ROOT = Path(__file__).resolve().parent.parent
SHORT_RE = re.compile(r"^/[a-z0-9-]+-(\d{4,})\.htm$")
CATEGORY_FORM_RE = re.compile(r"^/([a-z0-9-]+)/[a-z0-9-]+-(\d{4,})\.htm$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with _opener.open(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def get_html(url: str) -> str:
    status, headers, body = fetch(url)
    assert status == 200, (url, status)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    return body.decode("utf-8")


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def site():
    return Site.generate(n_articles=60, seed=7)


@pytest.fixture(scope="module")
def portal(site):
    with Portal(site) as p:
        yield p


# ---------------------------------------------------------------- the model

def test_generate_is_deterministic_and_seed_dependent():
    fields = ("id", "url", "category_url_form", "print_url", "title", "published", "lead", "body_paragraphs",
              "category", "source", "reach", "link_form")
    a = Site.generate(n_articles=40, seed=3)
    b = Site.generate(n_articles=40, seed=3)
    c = Site.generate(n_articles=40, seed=4)
    assert [[getattr(x, f) for f in fields] for x in a.articles] == [[getattr(x, f) for f in fields] for x in b.articles]
    assert [x.title for x in a.articles] != [x.title for x in c.articles]
    a.publish(3)
    b.publish(3)
    assert [(x.id, x.title, x.published) for x in a.articles] == [(x.id, x.title, x.published) for x in b.articles]


def test_ids_increase_with_gaps_and_dates_follow(site):
    ids = site.ids
    assert len(ids) == 60 and all(i >= 1000 for i in ids)
    assert ids == sorted(set(ids))
    assert site.missing_ids(), "ids must have gaps"
    assert set(site.missing_ids()).isdisjoint(ids)
    stamps = [a.published_at for a in site.articles]
    assert stamps == sorted(stamps)
    assert datetime(2025, 3, 1) <= stamps[0] and stamps[-1] < datetime(2026, 11, 26)


def test_article_fields(site):
    titles = [a.title for a in site.articles]
    assert len(set(titles)) == len(titles)
    names = {c.name: c.slug for c in CATEGORIES}
    for a in site.articles:
        assert a.url == f"/{a.slug}-{a.id}.htm" and SHORT_RE.match(a.url)
        assert a.category_url_form == f"/{a.category_slug}/{a.slug}-{a.id}.htm"
        assert a.print_url == f"{PRINT_PATH}?ItemID={a.id}"
        assert names[a.category] == a.category_slug
        assert a.slug == slugify(a.title) and a.slug.isascii()
        assert a.published == (a.published_at.isoformat(timespec="seconds") if a.has_time
                               else a.published_at.date().isoformat())
        assert len(a.body_paragraphs) >= 3 and a.lead and a.source and a.figure_caption
        for text in [a.title, a.lead, a.source, a.figure_caption, *a.body_paragraphs]:
            assert text == unicodedata.normalize("NFC", text) and text.strip() == text
    assert any(not a.has_time for a in site.articles) and any(a.has_time for a in site.articles)
    assert {a.reach for a in site.articles} == {"listing", "home", "hidden"}
    assert {a.link_form for a in site.reached("listing")} == {"short", "category", "both"}
    assert site.articles[-1].reach == "listing"
    assert site.documents


def test_article_id_of():
    assert article_id_of("/abc-def-12345.htm") == 12345
    assert article_id_of("/moi-truong/abc-def-12345.htm") == 12345
    assert article_id_of(PRINT_PATH + "?ItemID=22238") == 22238
    assert article_id_of("/moi-truong.htm?page=2") is None


# ---------------------------------------------------------------- over HTTP

def test_every_article_in_all_three_forms(site, portal):
    for a in site.articles:
        for path in a.urls:
            page = get_html(portal.url + path)
            text = text_of(page)
            assert a.title in text and a.lead in text and a.source in text, path
            for p in a.body_paragraphs:
                assert p in text, (path, p)
            assert unicodedata.normalize("NFC", page) == page
        page = text_of(get_html(portal.url + a.url))
        d = a.published_at
        stamp = f"{d.day:02d}/{d.month:02d}/{d.year}" + (f" {d:%H:%M}" if a.has_time else "")
        assert stamp in page
        assert a.figure_caption in page


def test_gaps_and_unknown_ids_are_404(site, portal):
    missing = site.missing_ids() + [site.ids[-1] + 1, site.ids[0] - 1]
    for i in missing:
        for path in (f"/some-title-{i}.htm", f"/moi-truong/some-title-{i}.htm", f"{PRINT_PATH}?ItemID={i}"):
            status, _, body = fetch(portal.url + path)
            assert status == 404, path
            assert "không tồn tại" in body.decode()
    assert fetch(portal.url + PRINT_PATH + "?ItemID=abc")[0] == 404
    assert fetch(portal.url + "/no-such-category.htm")[0] == 404


def test_wrong_slug_or_category_redirects_to_the_short_form(site, portal):
    a = site.articles[5]
    other = next(c.slug for c in CATEGORIES if c.slug != a.category_slug)
    for path in (f"/sai-tieu-de-{a.id}.htm", f"/{other}/{a.slug}-{a.id}.htm",
                 f"/Pages/chi-tiet-tin-tuc.aspx?ItemID={a.id}"):
        status, headers, _ = fetch(portal.url + path)
        assert status == 301 and headers["Location"] == a.url, path


def test_print_view_is_its_own_simpler_page(site, portal):
    a = site.articles[10]
    printed = get_html(portal.url + a.print_url)
    full = get_html(portal.url + a.url)
    assert len(printed) < len(full) / 2
    assert "Thứ Sáu, 27/11/2026" in full and "27/11/2026" not in printed
    assert portal.url + a.url in hrefs(printed)


def test_documents_are_served_as_pdf(site, portal):
    for d in site.documents:
        assert re.fullmatch(r"/noidung/Lists/VBQPPL/Attachments/\d+/[^/]+\.pdf", d.url)
        status, headers, body = fetch(portal.url + d.url)
        assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert fetch(portal.url + "/noidung/Lists/VBQPPL/Attachments/1/khong-co.pdf")[0] == 404
    linked = {h for a in site.articles if a.documents for h in hrefs(get_html(portal.url + a.url))}
    assert {d.url for d in site.documents} <= linked


def test_robots_txt_allows_articles_and_print_view(site, portal):
    status, headers, body = fetch(portal.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    rp = urllib.robotparser.RobotFileParser()
    rp.parse(body.decode().splitlines())
    a = site.articles[0]
    for path in (*a.urls, "/", CATEGORIES[0].url):
        assert rp.can_fetch("monre_crawler", portal.url + path), path


def test_home_page_header_date_and_recent_links(site, portal):
    page = get_html(portal.url + "/")
    assert "Thứ Sáu, 27/11/2026" in page
    links = re.findall(r'href="(/[^"#?]+?-\d{4,}\.htm)"', page)
    newest = site.listed()[0]
    assert newest.link() in links
    for c in CATEGORIES:
        assert c.url in hrefs(page)


def test_listing_pages_and_pager_ends(site, portal):
    for c in CATEGORIES:
        last = site.n_pages(c.slug)
        seen: list[int] = []
        for n in range(1, last + 2):
            page = get_html(portal.url + site.page_url(c.slug, n))
            links = hrefs(page[page.index('<div class="li-list">'):page.index("<aside")])  # not the sidebar
            ids = [int(m.group(2)) for h in links if (m := CATEGORY_FORM_RE.match(h)) and m.group(1) == c.slug]
            ids += [int(m.group(1)) for h in links if (m := SHORT_RE.match(h))]
            pager = re.search(r'<div class="paging">.*?</div>', page)
            pager_links = hrefs(pager.group(0)) if pager else []
            pages = {int(m.group(1)) for h in pager_links if (m := re.fullmatch(rf"/{c.slug}\.htm\?page=(\d+)", h))}
            pages |= {1 for h in pager_links if h == c.url}
            assert set(pager_links) <= {site.page_url(c.slug, k) for k in pages}
            assert (pager is None) == (last == 1 or n > last), (c.slug, n)
            assert all(1 <= p <= last for p in pages), (c.slug, n, pages)
            if n <= last:
                assert (n + 1 in pages) == (n < last), (c.slug, n)
                assert (n - 1 in pages) == (n > 1), (c.slug, n)
                listing_ids = [a.id for a in site.page(c.slug, n)]
                assert listing_ids and set(listing_ids) <= set(ids)
                seen += listing_ids
            else:  # past the end: a page without articles
                assert not pages and not set(ids) & {a.id for a in site.listed(c.slug)}
        assert seen == [a.id for a in site.listed(c.slug)]
        assert seen == sorted(seen, reverse=True)
    assert get_html(portal.url + f"/{CATEGORIES[0].slug}.htm?page=x") == get_html(portal.url + CATEGORIES[0].url)


def _spider(base: str) -> dict[int, set[tuple[str, str]]]:
    """Follow every same-host link from the home page; {article id: {(linking page, href)}}."""
    found: dict[int, set[tuple[str, str]]] = {}
    queue, seen = deque(["/"]), {"/"}
    while queue:
        path = queue.popleft()
        status, headers, body = fetch(base + path)
        if status != 200 or not headers["Content-Type"].startswith("text/html"):
            continue
        for h in hrefs(body.decode()):
            split = urlsplit(urljoin(base + path, h))
            if split.scheme != "http" or split.netloc != urlsplit(base).netloc:
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            aid = article_id_of(target)
            if aid is not None:
                found.setdefault(aid, set()).add((path, target))
            if target not in seen and not target.startswith(PRINT_PATH):
                seen.add(target)
                queue.append(target)
    return found


def test_reachability_by_links(site, portal):
    found = _spider(portal.url)
    expected = {a.id for a in site.articles if a.reach != "hidden"}
    assert set(found) == expected
    for a in site.articles:
        sources = found.get(a.id, set())
        targets = {t for _, t in sources if not t.startswith(PRINT_PATH)}
        if a.reach == "home":
            assert {p for p, t in sources if not t.startswith(PRINT_PATH)} == {"/"}, a.id
        if a.link_form == "category":
            assert targets == {a.category_url_form}, a.id
        elif a.link_form == "both" and a.reach == "listing":
            assert targets == {a.url, a.category_url_form}, a.id
        elif a.reach != "hidden":
            assert targets == {a.url}, a.id
    hidden = site.reached("hidden")
    assert hidden and all(get_html(portal.url + a.print_url) for a in hidden)
    assert max(a.id for a in hidden) < max(found)


def test_publish_while_serving(portal):
    site = Site.generate(n_articles=20, seed=1)
    with Portal(site) as p:
        before_max, before_last = max(site.ids), site.articles[-1].published_at
        new = site.publish(4)
        assert len(new) == 4 and new == site.articles[-4:]
        assert new[0].id > before_max and new[0].published_at > before_last
        assert [a.id for a in new] == sorted(a.id for a in new)
        assert all(a.published_at.date() >= date(2026, 11, 27) for a in new)
        home = hrefs(get_html(p.url + "/"))
        for a in new:
            assert a.link() in home
            assert a.link(on_listing=True) in hrefs(get_html(p.url + f"/{a.category_slug}.htm"))
            assert fetch(p.url + a.print_url)[0] == 200
        hidden = site.publish(1, reach="hidden")[0]
        assert hidden.link() not in hrefs(get_html(p.url + "/")) and fetch(p.url + hidden.url)[0] == 200
        assert any(r.path == "/" for r in p.requests)
        assert {article_id_of(r.path) for r in p.article_requests()} >= {a.id for a in new}


def test_same_seed_serves_identical_bytes(site, portal):
    twin = Site.generate(n_articles=60, seed=7)
    a = site.articles[20]
    with Portal(twin) as other:
        for path in ("/", CATEGORIES[0].url, a.url, a.category_url_form, a.print_url, "/robots.txt"):
            mine = fetch(portal.url + path)[2].decode().replace(portal.url, "BASE")
            theirs = fetch(other.url + path)[2].decode().replace(other.url, "BASE")
            assert mine == theirs, path


def test_script_serves_until_stopped():
    proc = subprocess.Popen([sys.executable, str(ROOT / "standin" / "mae.py"), "--port", "0", "--articles", "8"],
                            stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert "Thứ Sáu, 27/11/2026" in get_html(url + "/")
    finally:
        proc.terminate()
        proc.wait(10)


# ---------------------------------------------------------------- later nights: edits, removals, faults

def test_an_edit_shows_in_every_form_under_the_same_url():
    site = Site.generate(n_articles=12, seed=2)
    a = site.articles[4]
    with Portal(site) as p:
        site.edit(a, title="Tiêu đề đã sửa", body_paragraphs=["Đoạn mới của bài."] + a.body_paragraphs[1:])
        for path in (a.url, a.category_url_form, a.print_url):
            page = get_html(p.url + path)
            assert "Tiêu đề đã sửa" in page and "Đoạn mới của bài." in page, path
    with pytest.raises(ValueError):
        site.edit(a, id=1)


@pytest.mark.parametrize("how,status,location", [("404", 404, None), ("home", 302, "/"), ("503", 503, None),
                                                 ("offsite", 302, "http://example.invalid{path}")])
def test_a_removed_article_answers_as_told_in_every_form_and_is_linked_nowhere(how, status, location):
    site = Site.generate(n_articles=12, seed=3)
    a = site.listed()[0]
    with Portal(site) as p:
        site.remove(a, how)
        for path in (a.url, a.category_url_form, a.print_url):
            got, headers, _ = fetch(p.url + path)
            assert (got, headers.get("Location")) == (status, location and location.format(path=path)), path
        pages = [get_html(p.url + path) for path in ("/", f"/{a.category_slug}.htm", site.articles[-1].url)]
        assert not any(str(a.id) in "".join(hrefs(page)) for page in pages)
        site.restore(a)
        assert fetch(p.url + a.url)[0] == 200 and a.link() in hrefs(get_html(p.url + "/"))


def test_faults_a_failing_id_a_moved_home_maintenance_and_robots():
    site = Site.generate(n_articles=12, seed=4)
    a = site.articles[3]
    with Portal(site, faults={"fail": {a.id}}) as p:
        assert [fetch(p.url + path)[0] for path in a.urls] == [500, 500, 500]
        assert fetch(p.url + site.articles[4].url)[0] == 200
        p.set_faults({"moved"})
        status, headers, _ = fetch(p.url + "/")
        assert (status, headers["Location"]) == (301, "https://mae.gov.vn/")
        p.set_faults({"maintenance": "Bảo trì"})
        for path in ("/", a.url, a.print_url, CATEGORIES[0].url):
            page = get_html(p.url + path)
            assert "<title>Bảo trì</title>" in page and hrefs(page) == ["/Content/css/bnnmt.min.css?v=2.3.1"], path
        p.set_faults({"robots_disallow"})
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(fetch(p.url + "/robots.txt")[2].decode().splitlines())
        assert not rp.can_fetch("monre_crawler", p.url + "/")
        p.set_faults(None)
        assert fetch(p.url + a.url)[0] == 200
    with pytest.raises(ValueError):
        Portal(site, faults={"nonsense"})

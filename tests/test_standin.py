"""Tests of the stand-in portal (standin): pages, server, faults. Fast (stdlib urllib client)."""
from __future__ import annotations

import html
import http.client
import re
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime
from pathlib import Path

import pytest

from standin import Article, Portal, Site, seed_article
from standin.pages import PAGER_TARGET, render_article, render_home
from standin.model import CATEGORIES, category_path, normalize_text

FILES = Path(__file__).parent / "files"
SEED = "tang-cuong-va-doi-moi-cong-tac-dan-van"
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- helpers

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with _opener.open(url, body, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def listing_slugs(page_html: str) -> list[str]:
    hrefs = re.findall(r'<div class="item-title"><a href="([^"]*)">', page_html)
    return [urllib.parse.urlsplit(html.unescape(h)).path.split("/")[-1][:-5].lower() for h in hrefs]


def current_page(page_html: str) -> int:
    return int(re.search(r'<span class="current">(\d+)</span>', page_html).group(1))


def form_fields(page_html: str) -> dict:
    return {n: html.unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" id="[^"]+" value="([^"]*)"', page_html)}


def next_link(page_html: str) -> str | None:
    pager = re.search(r'<div class="pager">(.*?)</div>', page_html).group(1)
    m = re.search(r'<a href="([^"]*)">»</a>', pager)
    return html.unescape(m.group(1)) if m else None


def walk_category(portal: Portal, category: str, limit: int = 100) -> list[list[str]]:
    """Follow the "»" links (GET or postback) from page 1; returns the slugs of each page."""
    url = portal.url + category_path(category)
    status, _, body = fetch(url)
    page = body.decode()
    pages = [listing_slugs(page)]
    while len(pages) < limit:
        nxt = next_link(page)
        if nxt is None:
            break
        m = re.match(r"javascript:__doPostBack\('([^']*)','([^']*)'\)", nxt)
        if m:
            fields = form_fields(page)
            fields.update(__EVENTTARGET=m.group(1), __EVENTARGUMENT=m.group(2))
            action = html.unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))
            status, _, body = fetch(portal.url + action, fields)
        else:
            status, _, body = fetch(portal.url + nxt)
        assert status == 200
        page = body.decode()
        pages.append(listing_slugs(page))
    return pages


def sample_site() -> Site:
    """The site the sample pages were taken from: their menu, the seed article and the sidebar's articles."""
    home = (FILES / "home.html").read_text(encoding="utf-8")
    menu = [html.unescape(c) for c in re.findall(r'<li><a href="/Pages/ChuyenMuc\.aspx\?cm=[^"]*">(.*?)</a></li>', home)]
    cats = {c: ("postback" if c == CATEGORIES[0] else "links") for c in menu}
    hot = re.findall(r'<div class="hot-item"><a href="/Pages/(.*?)\.aspx">(.*?)</a></div>', home)
    dates = dict(re.findall(r'<li><a href="/Pages/(.*?)\.aspx">[^<]*</a> <span class="date">\((.*?)\)</span>', home))
    arts = [seed_article()]
    for i, (slug, title) in enumerate(hot):
        d = datetime.strptime(dates.get(slug, "09/07/2024"), "%d/%m/%Y").replace(hour=20 - i)
        arts.append(Article(slug, html.unescape(title), d, categories=[CATEGORIES[0]], paragraphs=["Nội dung."]))
    return Site(cats, arts, today=date(2024, 7, 13))


@pytest.fixture(scope="module")
def site() -> Site:
    return Site.generate(40, seed=0, today=date(2024, 7, 13))


@pytest.fixture(scope="module")
def portal(site):
    with Portal(site) as p:
        yield p


# ---------------------------------------------------------------- pages vs samples

@pytest.mark.parametrize("template,sample", [("2024", "article.html"), ("2021", "article-2021.html")])
def test_seed_article_is_the_sample_page(template, sample):
    s = sample_site()
    got = render_article(s, s.get(SEED), template=template)
    assert got == (FILES / sample).read_text(encoding="utf-8")


def test_home_is_the_sample_page():
    assert render_home(sample_site()) == (FILES / "home.html").read_text(encoding="utf-8")


def test_seed_article_of_generated_site_matches_sample_but_menu_and_sidebar(site):
    strip = lambda t: re.sub(r'<ul class="main-menu">.*?</ul>|<div class="box-latest">.*?</div>|'
                             r'<div class="related-news">.*?</div>', "", norm_ws(t))
    got = render_article(site, site.get(SEED))
    assert strip(got) == strip((FILES / "article.html").read_text(encoding="utf-8"))
    for c in CATEGORIES:
        assert f'<a href="{category_path(c)}">{c}</a>'.replace("&", "&amp;") in got or c in got


def test_seed_expected_values_match_the_browser_text():
    a = seed_article()
    text = normalize_text((FILES / "article-text.txt").read_text(encoding="utf-8"))
    body = a.expected_body_text()
    assert body.count("\n\n") == 8  # 7 paragraphs + 2 captions
    for part in body.split("\n\n"):
        assert part in text
    assert "Theo Monre" not in body and a.expected_source() == "Monre"
    assert a.path == f"/Pages/{SEED}.aspx" and a.published == date(2015, 9, 15)


# ---------------------------------------------------------------- generator

def test_generate_is_deterministic_and_spread():
    a, b = Site.generate(40, seed=3), Site.generate(40, seed=3)
    assert [(x.slug, x.title, x.published, x.categories, x.expected_body_text()) for x in a.articles] == \
           [(x.slug, x.title, x.published, x.categories, x.expected_body_text()) for x in b.articles]
    assert Site.generate(40, seed=4).articles[5].title != a.articles[5].title
    assert len(a) == 40 and a.get(SEED) is not None and CATEGORIES[0] in a.get(SEED).categories
    assert all(a.n_pages(c) >= 3 for c in CATEGORIES)
    assert set(a.categories.values()) == {"postback", "links"}
    arts = a.articles
    assert any(len(x.categories) > 1 for x in arts)
    assert any(x.images for x in arts) and any(x.attachments for x in arts)
    exts = {h.rsplit(".", 1)[1] for x in arts for h in x.expected_attachments()}
    assert {"pdf", "docx", "xlsx"} <= exts
    assert {x.expected_source() for x in arts} >= {"Monre", "Báo Tài nguyên và Môi trường", "Chinhphu.vn", None}
    assert len({x.published.year for x in arts}) >= 5
    assert {x.template for x in arts} == {"2024", "2021"}
    for c in CATEGORIES:
        keys = [(x.published if isinstance(x.published, datetime) else datetime.combine(x.published, datetime.min.time()))
                for x in a.articles_in(c)]
        assert keys == sorted(keys, reverse=True)


def test_generate_20000_gives_distinct_slugs():
    # How long generating takes is the crawl benchmark's business (bench/bench_crawl.py), not a test's.
    s = Site.generate(20_000, seed=1)
    assert len({a.slug for a in s.articles}) == 20_000


def test_unknown_template_renders(site):
    s = Site.generate(30, seed=2, template_unknown=0.5)
    a = next(x for x in s.articles if x.template == "unknown")
    page = render_article(s, a)
    assert '<h2 class="post-heading">' in page and "<time datetime=" in page and 'class="post-body"' in page
    assert "Banner trang chủ" in page and "Ý kiến của bạn" in page and 'class="news-title"' not in page


# ---------------------------------------------------------------- server

def test_routes_and_content_type(portal):
    st, h, body = fetch(portal.url + "/robots.txt")
    assert st == 200 and b"Allow: /" in body
    st, h, body = fetch(portal.url + "/")
    assert st == 200 and h["Content-Type"] == "text/html; charset=utf-8"
    for c in CATEGORIES:
        assert category_path(c) in body.decode()
    st, _, body = fetch(portal.url + "/Pages/khong-co-bai-nay.aspx")
    assert st == 404 and "Không tìm thấy trang" in body.decode()


@pytest.mark.parametrize("style", ["postback", "links"])
def test_both_pager_styles_reach_every_page(portal, site, style):
    cats = [c for c, s in site.categories.items() if s == style]
    assert cats
    for c in cats:
        pages = walk_category(portal, c)
        assert len(pages) == site.n_pages(c) >= 3
        assert [s for p in pages for s in p] == [a.slug for a in site.articles_in(c)]


def test_get_page_param_is_ignored_by_postback_categories(portal, site):
    c = next(c for c, s in site.categories.items() if s == "postback")
    _, _, body = fetch(portal.url + category_path(c) + "&Page=2")
    assert current_page(body.decode()) == 1


def test_post_without_viewstate_serves_page_1(portal, site):
    c = next(c for c, s in site.categories.items() if s == "postback")
    url = portal.url + category_path(c)
    _, _, body = fetch(url, {"__EVENTTARGET": PAGER_TARGET, "__EVENTARGUMENT": "2"})
    assert current_page(body.decode()) == 1
    _, _, body = fetch(url, {"__EVENTTARGET": PAGER_TARGET, "__EVENTARGUMENT": "2", "__VIEWSTATE": "x",
                             "__EVENTVALIDATION": "y"})
    assert current_page(body.decode()) == 2


def test_past_the_end_serves_last_page(portal, site):
    for c, style in site.categories.items():
        last = site.n_pages(c)
        if style == "links":
            _, _, body = fetch(portal.url + category_path(c) + "&Page=99")
        else:
            _, _, body = fetch(portal.url + category_path(c), {"__EVENTTARGET": PAGER_TARGET, "__EVENTARGUMENT": "99",
                                                               "__VIEWSTATE": "v", "__EVENTVALIDATION": "e"})
        page = body.decode()
        assert current_page(page) == last and next_link(page) is None
        assert listing_slugs(page) == [a.slug for a in site.page(c, last)[1]]


def test_article_paths_are_case_insensitive(portal):
    bodies = {fetch(portal.url + p)[2] for p in (f"/Pages/{SEED}.aspx", f"/pages/{SEED}.aspx",
                                                 f"/PAGES/{SEED.upper()}.ASPX", f"/Pages/{SEED}.aspx?Source=%2FPages%2Fx")}
    assert len(bodies) == 1 and "Tăng cường và đổi mới công tác dân vận" in bodies.pop().decode()


def test_listing_link_variants(portal, site):
    hrefs = []
    for c in site.categories:
        for n in range(1, site.n_pages(c) + 1):
            if site.categories[c] == "links":
                hrefs += re.findall(r'<div class="item-title"><a href="([^"]*)">',
                                    fetch(portal.url + category_path(c) + f"&Page={n}")[2].decode())
    hrefs = [html.unescape(h) for h in hrefs]
    assert any(h.startswith("/pages/") for h in hrefs)
    assert any("?Source=%2FPages%2FChuyenMuc.aspx" in h for h in hrefs)
    assert any("utm_source=" in h for h in hrefs)
    for h in hrefs:
        assert fetch(portal.url + h)[0] == 200


def test_request_log(site):
    with Portal(site) as p:
        fetch(p.url + "/")
        fetch(p.url + category_path(CATEGORIES[0]), {"__VIEWSTATE": "v", "__EVENTVALIDATION": "e",
                                                      "__EVENTTARGET": PAGER_TARGET, "__EVENTARGUMENT": "2"})
        fetch(p.url + f"/pages/{SEED}.aspx?Source=x")
        fetch(p.url + f"/Pages/{SEED}.aspx")
        reqs = p.requests
        assert [r.method for r in reqs] == ["GET", "POST", "GET", "GET"]
        assert reqs[1].fields["__EVENTARGUMENT"] == "2" and reqs[2].path == f"/pages/{SEED}.aspx?Source=x"
        assert len(p.article_requests()) == 2
        p.reset_log()
        assert p.requests == [] and p.article_requests() == []


# ---------------------------------------------------------------- mutations

def test_mutations_while_serving():
    s = Site.generate(40, seed=5)
    with Portal(s, link_variants=False) as p:
        new = s.add_articles(2, category="Đất đai")
        top = listing_slugs(fetch(p.url + category_path("Đất đai"))[2].decode())
        assert top[:2] == [new[1].slug, new[0].slug]
        a = s.articles[7]
        before = a.expected_body_text()
        s.modify(a)
        assert a.expected_body_text() != before and a.version == 1
        assert "cập nhật lần thứ 1" in fetch(p.url + a.path)[2].decode()
        r = s.add_repost(a)
        assert r.slug == a.slug + "-1" and r.repost_of == a.slug and r.title == a.title
        assert r.expected_body_text() == a.expected_body_text() and r.published == a.published
        assert fetch(p.url + r.path)[0] == 200
        assert r in s.live_articles() and r not in s.live_articles(dedupe_reposts=True)


# ---------------------------------------------------------------- faults

def test_fault_plan_is_deterministic_and_disjoint(site):
    p1, p2 = site.fault_plan({"nfd", "slow"}), site.fault_plan(["nfd", "down", "slow=2"])
    assert p1.victims == p2.victims and p2.param("slow") == 2.0
    flat = [s for v in p1.victims.values() for s in v]
    assert len(flat) == len(set(flat)) and SEED not in flat
    with pytest.raises(ValueError):
        site.fault_plan({"no_such_fault"})


def test_faults_behave(site):
    faults = {"error_500_once": 1, "always_500": 1, "dead_link": 1, "no_charset": 1, "invalid_utf8": 1,
              "nfd": 1, "error_page_200": 1, "offsite_redirect": 1, "no_date": 1, "truncated": 1,
              "no_title": 1, "reset": 1, "redirect": 1, "slow": 0.2, "huge": 300_000, "attachments": 1,
              "endless_pagination": 1}
    with Portal(site, faults) as p:
        v = {k: [site.get(s) for s in vs] for k, vs in p.plan.victims.items()}
        get = lambda a, q="": fetch(p.url + a.path + q)
        a = v["error_500_once"][0]
        assert get(a)[0] == 500 and get(a)[0] == 200
        a = v["always_500"][0]
        assert get(a)[0] == 500 and get(a)[0] == 500
        cat, dead_slug, _ = p.plan.dead_link
        assert dead_slug in listing_slugs(fetch(p.url + category_path(cat))[2].decode())
        assert fetch(p.url + f"/Pages/{dead_slug}.aspx")[0] == 404
        st, h, body = get(v["no_charset"][0])
        assert h["Content-Type"] == "text/html" and b"charset" not in body
        st, h, body = get(v["invalid_utf8"][0])
        assert b"\xff\xfe" in body
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        exp = site.expected_articles(faults, invalid_utf8="replace")[v["invalid_utf8"][0].path]
        assert "\ufffd\ufffd" in exp.body_text
        assert "\ufffd" not in site.expected_articles(faults)[v["invalid_utf8"][0].path].body_text
        body = get(v["nfd"][0])[2].decode()
        assert body == unicodedata.normalize("NFD", body) != unicodedata.normalize("NFC", body)
        st, _, body = get(v["error_page_200"][0])
        assert st == 200 and "Không tìm thấy trang" in body.decode()
        st, _, body = get(v["error_page_200"][1])
        assert st == 200 and "Runtime Error" in body.decode()
        st, h, _ = get(v["offsite_redirect"][0])
        assert st == 302 and h["Location"].startswith("http://example.invalid/")
        st, h, _ = get(v["redirect"][0])
        assert st == 301 and get(v["redirect"][0], "?redirected=1")[0] == 200
        body = get(v["no_date"][0])[2].decode()
        assert 'class="news-date"' not in body and 'id="publish-date"' not in body
        assert site.expected_articles(faults)[v["no_date"][0].path].published is None
        body = get(v["truncated"][0])[2].decode()
        assert v["truncated"][0].title in body and not body.rstrip().endswith("</html>")
        body = get(v["no_title"][0])[2].decode()
        assert "<title></title>" in body and 'class="news-title"' not in body and "<h4>" not in body
        with pytest.raises((OSError, http.client.HTTPException)):  # connection closed without an answer
            _opener.open(p.url + v["reset"][0].path, timeout=5).read()
        assert get(v["reset"][0])[0] == 200
        t = time.perf_counter()
        assert get(v["slow"][0])[0] == 200 and time.perf_counter() - t >= 0.2
        assert len(get(v["huge"][0])[2]) >= 300_000
        with_att = next(x for x in site.articles if x.attachments)
        st, h, body = fetch(p.url + with_att.expected_attachments()[0])
        assert st == 200 and not h["Content-Type"].startswith("text/html")
        pages = walk_category(p, p.plan.endless_category, limit=site.n_pages(p.plan.endless_category) + 5)
        assert len(pages) == site.n_pages(p.plan.endless_category) + 5 and pages[-1] == pages[-2]
        live = {a.slug for a in site.live_articles(faults)}
        opt = {a.slug for a in site.optional_articles(faults)}
        assert v["always_500"][0].slug not in live and v["error_500_once"][0].slug in live
        assert v["huge"][0].slug in opt and not (live & opt)
        assert set(site.excluded_articles(faults)) >= {v["always_500"][0].slug, dead_slug}


def test_down_and_no_faults(site):
    assert len(site.live_articles()) == len(site) and site.live_articles({"down"}) == []
    with Portal(site, {"down"}) as p:
        assert fetch(p.url + "/")[0] == 503 and fetch(p.url + "/robots.txt")[0] == 503


def test_cli_prints_url_and_serves():
    proc = subprocess.Popen([sys.executable, "-m", "standin", "--port", "0", "--articles", "20",
                             "--fault", "nfd"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert fetch(url + "/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(5)

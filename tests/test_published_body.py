"""The article page's collapsed "as published" section: the stored ``body_html`` (links, tables, images),
sanitised AGAIN when the page is rendered (``plugins/monre_pages.py`` with the crawler's own nh3 policy,
``monre_crawler/sanitize.py``), whatever the archive holds.

Unit tests feed the render-time sanitiser the hostile stand-in's payload body (``standin/hostile.py``), the
URLs no stored URL may be (``tests/test_urls.py``) and the usual tricks (entities, NUL, unknown tags,
mutation markup); HTTP tests serve archives with the README's Datasette command: a crawl of the stand-in
(its links and tables show), the hostile crawl, and a copy of it whose ``body_html`` an older version could
have stored raw.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sqlite3

import pytest
from lxml import html as lxml_html
from markupsafe import Markup

from monre_crawler.sanitize import ATTRIBUTES, LINK_REL, TAGS, sanitize_html
from monre_crawler.urls import is_safe_url
from standin import hostile

from .conftest import ROOT, rows
from .test_reading import Server
from .test_urls import UNSAFE_URLS

ARTICLE_URL = "https://monre.gov.vn/Pages/bai-viet.aspx"
SUMMARY = "Bản gốc có định dạng — as published: links, tables, images"
MARK = "PWNED"  # every payload below would set or show it if it ran


def _plugin():
    spec = importlib.util.spec_from_file_location("monre_pages_plugin", ROOT / "plugins" / "monre_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


body_html_markup = _plugin().body_html_markup

PAYLOADS = {
    "stand-in xss body": hostile._xss_body(),
    "script": f"<p>a</p><script>document.title='{MARK}'</script>",
    "script in capitals": f"<SCRIPT SRC=//evil.example/{MARK}.js></SCRIPT>",
    "onerror": f"<img src=x onerror=\"document.title='{MARK}'\">",
    "onerror on http image": f'<img src="https://ok.example/i.jpg" onerror="{MARK}()" onload="{MARK}()">',
    "event handlers": f'<p onclick="{MARK}()" onmouseover="{MARK}()" ONFOCUS="{MARK}()" tabindex=1>x</p>',
    "javascript link": f'<a href="javascript:{MARK}()">x</a>',
    "javascript in capitals and spaces": f'<a href="  JaVaScRiPt:{MARK}()">x</a>',
    "entity-encoded scheme": f'<a href="&#106;&#97;vascript&#58;{MARK}()">x</a>',
    "hex entities and &colon;": f'<a href="&#x6A;&#x61;vascript&colon;{MARK}()">x</a>',
    "tab entity in the scheme": f'<a href="java&#9;script:{MARK}()">x</a>',
    "newline entity in the scheme": f'<a href="java&#x0A;script:{MARK}()">x</a>',
    "NUL entity in the scheme": f'<a href="java&#0;script:{MARK}()">x</a>',
    "raw NUL in the scheme": f'<a href="java\x00script:{MARK}()">x</a>',
    "raw NUL in a tag": f"<scr\x00ipt>{MARK}()</scr\x00ipt><p>a\x00b</p>",
    "data image": '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk">',
    "data svg image": f'<img src="data:image/svg+xml,&lt;svg onload=&quot;{MARK}()&quot;&gt;">',
    "data link": f'<a href="data:text/html,&lt;script&gt;{MARK}()&lt;/script&gt;">x</a>',
    "vbscript and file": f'<a href="vbscript:{MARK}">v</a><a href="file:///etc/{MARK}">f</a>',
    "srcset": f'<img src="https://ok.example/i.jpg" srcset="javascript:{MARK}() 1x">',
    "style attribute": f'<p style="background:url(javascript:{MARK}())">x</p>',
    "style element": f"<style>body {{ background: url(javascript:{MARK}()) }}</style><p>x</p>",
    "iframe": f'<iframe src="javascript:{MARK}()"></iframe><iframe srcdoc="&lt;script&gt;{MARK}()&lt;/script&gt;">',
    "form": (f'<form action="javascript:{MARK}()"><input name=q value="{MARK}" onfocus="{MARK}()" autofocus>'
             f'<button formaction="javascript:{MARK}()">go</button><textarea>{MARK}</textarea></form>'),
    "object and embed": f'<object data="javascript:{MARK}()"></object><embed src="javascript:{MARK}()">',
    "base": f'<base href="javascript:{MARK}()//"><a href="x">x</a>',
    "meta refresh": f'<meta http-equiv="refresh" content="0;url=javascript:{MARK}()">',
    "link stylesheet": f'<link rel="stylesheet" href="javascript:{MARK}()">',
    "svg": f'<svg onload="{MARK}()"><a href="javascript:{MARK}()"><text>s</text></a><script>{MARK}()</script></svg>',
    "math": f'<math><mtext><a href="javascript:{MARK}()">m</a></mtext></math>',
    "unknown tags": f'<blink onclick="{MARK}()">x</blink><custom-el onmouseover="{MARK}()">y</custom-el>',
    "details ontoggle": f'<details open ontoggle="{MARK}()"><summary>s</summary>d</details>',
    "comment": f"<!--<script>{MARK}()</script>--><p>x</p>",
    "CDATA": f"<![CDATA[<script>{MARK}()</script>]]><p>x</p>",
    "noscript mutation": f'<noscript><p title="</noscript><img src=x onerror={MARK}()>"></noscript>',
    "title mutation": f'<title><img src=x onerror="{MARK}()"></title>',
    "attribute breaking out": f'<a href="https://ok.example/" title="&quot;&gt;&lt;script&gt;{MARK}()&lt;/script&gt;">x</a>',
    "target and ping": f'<a href="https://ok.example/" target="_blank" ping="https://evil.example/{MARK}">x</a>',
    **{f"unsafe URL {url!r}": f'<a href="{url}">l</a><img src="{url}" alt="i">'
       for url in UNSAFE_URLS if not url.startswith("/")},
}


def assert_harmless(html: str):
    """Only the project's tags and attributes, only absolute http(s) URLs, links with the safe rel, and no
    script-bearing markup anywhere (text that merely says "<script>" is escaped: ``&lt;script``)."""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for node in root.iterdescendants():
        assert node.tag in TAGS, node.tag
        allowed = ATTRIBUTES.get(node.tag, set()) | ATTRIBUTES["*"] | ({"rel"} if node.tag == "a" else set())
        assert set(node.attrib) <= allowed, (node.tag, dict(node.attrib))
        for name in ("href", "src"):
            if name in node.attrib:
                assert is_safe_url(node.attrib[name]), node.attrib[name]
        if node.tag == "a":
            assert node.attrib.get("rel") == LINK_REL
    lowered = html.lower()
    for word in ("<script", "<style", "<iframe", "<form", "<input", "<object", "<embed", "<base", "<meta",
                 "<link", "<svg", "<math", "<details", "<noscript", "<title", "style=", "srcset", "ping=",
                 "target=", "javascript:", "vbscript:", "data:", "file:"):
        assert word not in lowered, word
    assert not re.search(r"\son[a-z]+\s*=", lowered)
    assert "\x00" not in html


# --- the render-time sanitiser ----------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_the_check_can_fail(payload):
    """Each payload, unsanitised, fails assert_harmless: the checks below would see it get through."""
    with pytest.raises(AssertionError):
        assert_harmless(payload)


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_render_sanitiser_leaves_nothing_that_runs(payload):
    shown = body_html_markup(payload, ARTICLE_URL)
    if shown is not None:
        assert isinstance(shown, Markup)
        assert_harmless(str(shown))


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_render_sanitiser_is_the_crawlers_policy(payload):
    """The plugin marks safe exactly what sanitize_html returns: no second policy."""
    shown = body_html_markup(payload, ARTICLE_URL)
    assert (str(shown) if shown is not None else "") == sanitize_html(payload, ARTICLE_URL).strip()


def test_the_xss_body_keeps_its_text_and_safe_links():
    shown = str(body_html_markup(hostile._xss_body(), "https://monre.gov.vn/Pages/hostile-xss.aspx"))
    assert hostile.PARAGRAPHS[0] in shown and hostile.PARAGRAPHS[1] in shown
    assert ('<a href="https://monre.gov.vn/Documents/hostile/an-toan.pdf" rel="noopener noreferrer nofollow">'
            "Văn bản an toàn.pdf</a>") in shown
    assert '<a href="https://cdn.example.org/Documents/hostile/cdn.pdf"' in shown
    assert '<img src="https://monre.gov.vn/PublishingImages/hostile/ok.jpg" alt="ảnh 2">' in shown


def test_structure_is_kept_and_relative_urls_resolved_against_the_article():
    body = ('<p>Xem <a href="/Documents/qd-01.pdf">Quyết định</a> và <a href="phu-luc.aspx">phụ lục</a>.</p>'
            '<table><thead><tr><th scope="col">Tỉnh</th></tr></thead><tbody><tr><td colspan="2">Hà Nội</td></tr>'
            '</tbody></table><figure><img src="//cdn.monre.gov.vn/a.jpg" alt="Ảnh"><figcaption>Chú thích'
            '</figcaption></figure><ul><li>một</li></ul><h2>Mục</h2><blockquote>trích</blockquote>')
    shown = str(body_html_markup(body, ARTICLE_URL))
    assert '<a href="https://monre.gov.vn/Documents/qd-01.pdf" rel="noopener noreferrer nofollow">Quyết định</a>' in shown
    assert '<a href="https://monre.gov.vn/Pages/phu-luc.aspx" rel="noopener noreferrer nofollow">phụ lục</a>' in shown
    assert '<th scope="col">Tỉnh</th>' in shown and '<td colspan="2">Hà Nội</td>' in shown
    assert '<figure><img src="https://cdn.monre.gov.vn/a.jpg" alt="Ảnh"><figcaption>Chú thích</figcaption></figure>' in shown
    for tag in ("<table>", "<thead>", "<tbody>", "<ul>", "<li>", "<h2>", "<blockquote>"):
        assert tag in shown, tag


@pytest.mark.parametrize("base", [None, "", "javascript:alert(1)//x", "/Pages/relative.aspx", "data:text/html,x"])
def test_relative_urls_are_dropped_without_an_http_article_url(base):
    shown = str(body_html_markup('<p><a href="/Documents/a.pdf">a</a><img src="b.jpg" alt="b"></p>', base))
    assert shown == '<p><a rel="noopener noreferrer nofollow">a</a><img alt="b"></p>'


@pytest.mark.parametrize("stored", [None, "", "   \n", 42, "<script>x()</script>", "<style>p{}</style><!-- c -->"])
def test_nothing_to_show_gives_no_section(stored):
    assert body_html_markup(stored, ARTICLE_URL) is None


# --- over HTTP, with the README's command ---------------------------------------------------------------------
def section(page: str) -> str | None:
    """The inner HTML of the page's "as published" section, None when it has none."""
    match = re.search(r'<details class="monre-published">\s*<summary>(.*?)</summary>\s*'
                      r'<div class="monre-published-body">(.*?)</div>\s*</details>', page, re.S)
    if match is None:
        assert "<details class=\"monre-published\"" not in page
        return None
    assert match[1] == SUMMARY
    return match[2]


@pytest.fixture(scope="module")
def crawled_server(crawled_db):
    server = Server(crawled_db)
    yield server
    server.close()


def test_article_page_shows_the_published_body_with_its_links_and_tables(crawled_server, crawled_db):
    found = rows(crawled_db, "select id, url, body_text, body_html from articles "
                             "where body_html like '%<table%' and body_html like '%<a href=%' limit 3")
    assert found, "the stand-in's crawl should hold articles with tables and links"
    for article in found:
        status, page = crawled_server.get(f"/monre/articles/{article['id']}")
        assert status == 200
        shown = section(page)
        assert shown is not None
        assert shown.strip() == sanitize_html(article["body_html"], article["url"]).strip()
        links = re.findall(r'<a href="([^"]+)" rel="noopener noreferrer nofollow">', shown)
        stored = re.findall(r'<a href="([^"]+)"', article["body_html"])
        assert links and links == stored
        assert "<table>" in shown and "<img " in shown
        assert_harmless(shown)
        # the text as printed before is still there, above the section
        last = [p for p in article["body_text"].split("\n") if p.strip()][-1]
        assert page.index('<div class="monre-body">') < page.index(last) < page.index('class="monre-published"')


def test_an_article_without_body_html_has_no_section(crawled_db, tmp_path):
    db = tmp_path / "monre.db"
    shutil.copy(crawled_db, db)
    (first, second) = [r["id"] for r in rows(db, "select id from articles where body_html <> '' limit 2")]
    conn = sqlite3.connect(db)
    conn.execute("update articles set body_html = '' where id = ?", [first])
    conn.execute("update articles set body_html = '<script>x()</script>' where id = ?", [second])
    conn.commit()
    conn.close()
    server = Server(db)
    try:
        for aid in (first, second):
            status, page = server.get(f"/monre/articles/{aid}")
            assert status == 200 and section(page) is None
            assert '<div class="monre-body">' in page
    finally:
        server.close()


@pytest.fixture(scope="module")
def hostile_server(hostile_crawl, tmp_path_factory):
    """The hostile crawl's archive, with two bodies as an older version (or another program) could have
    stored them: raw, unsanitised, with relative URLs."""
    db = tmp_path_factory.mktemp("published") / "monre.db"
    shutil.copy(hostile_crawl[1], db)
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("select url, id from articles").fetchall())
    by_slug = {url.rsplit("/", 1)[-1].removesuffix(".aspx").lower(): aid for url, aid in ids.items()}
    # the relative link first: an unclosed <iframe> or <title> among the payloads swallows what follows it
    raw = '<p><a href="/Documents/tuong-doi.pdf">tương đối</a></p>' + "".join(PAYLOADS.values())
    conn.execute("update articles set body_html = ? where id = ?", [raw, by_slug["hostile-lead-outside-body"]])
    conn.execute("update articles set body_html = ? where id = ?", [hostile._xss_body(), by_slug["hostile-deep-divs"]])
    conn.commit()
    conn.close()
    server = Server(db)
    yield server, by_slug, {aid: url for url, aid in ids.items()}
    server.close()


@pytest.mark.parametrize("slug", ["hostile-xss", "hostile-lead-outside-body", "hostile-deep-divs"])
def test_hostile_article_pages_show_no_payload(hostile_server, slug):
    server, by_slug, urls = hostile_server
    status, page = server.get(f"/monre/articles/{by_slug[slug]}")
    assert status == 200
    shown = section(page)
    assert shown is not None and hostile.PARAGRAPHS[1] in shown
    assert_harmless(shown)
    assert "PWNED-" not in shown  # none of the stand-in's payloads, not even as text


def test_a_raw_body_from_an_older_archive_is_cleaned_and_resolved(hostile_server):
    server, by_slug, urls = hostile_server
    aid = by_slug["hostile-lead-outside-body"]
    shown = section(server.get(f"/monre/articles/{aid}")[1])
    article_url = urls[aid]
    origin = re.match(r"https?://[^/]+", article_url)[0]
    assert f'<a href="{origin}/Documents/tuong-doi.pdf" rel="noopener noreferrer nofollow">tương đối</a>' in shown
    assert f'<a href="{origin}/Documents/hostile/an-toan.pdf"' in shown

"""What a hostile or broken portal serves: nothing of it may run in a reader's browser, and a page that
breaks a parser costs at most that page. Every test reads the archive written by a real crawl of the
stand-in's ``hostile`` pages over HTTP (``hostile_crawl`` in conftest.py)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from lxml import html as lxml_html

from monre_crawler.sanitize import ATTRIBUTES, LINK_REL, TAGS
from standin import hostile
from monre_crawler.urls import is_safe_url

from .conftest import rows
from .test_datasette import Client


def stat(stderr: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", stderr)
    return int(match[1]) if match else 0


@pytest.fixture(scope="module")
def archive(hostile_crawl):
    result, db, _ = hostile_crawl
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return {row["url"].rsplit("/", 1)[-1].removesuffix(".aspx").lower(): row for row in rows(db, "select * from articles")}


def page(archive, name):
    return archive[hostile.SLUG_PREFIX + name]


def test_no_spider_error(hostile_crawl):
    result = hostile_crawl[0]
    assert "Spider error processing" not in result.stderr
    assert "Could not fetch" not in result.stderr


def test_every_stored_url_is_absolute_http(archive):
    urls = []
    for row in archive.values():
        urls.append(row["url"])
        urls += json.loads(row["image_urls"])
        urls += [a["url"] for a in json.loads(row["attachments"])]
        urls += json.loads(row["aliases"])
    assert urls and all(is_safe_url(u) for u in urls), [u for u in urls if not is_safe_url(u)]


def test_body_html_keeps_only_allowed_tags_attributes_and_http_urls(archive):
    for row in archive.values():
        if not row["body_html"]:
            continue
        root = lxml_html.fragment_fromstring(row["body_html"], create_parent="div")
        for node in root.iterdescendants():
            assert node.tag in TAGS, (row["url"], node.tag)
            allowed = ATTRIBUTES.get(node.tag, set()) | ATTRIBUTES["*"] | ({"rel"} if node.tag == "a" else set())
            assert set(node.attrib) <= allowed, (row["url"], node.tag, dict(node.attrib))
            for name in ("href", "src"):
                if name in node.attrib:
                    assert is_safe_url(node.attrib[name]), (row["url"], node.attrib[name])
            if node.tag == "a" and "href" in node.attrib:
                assert node.attrib["rel"] == LINK_REL


def test_xss_page_body_html_has_no_script(archive):
    body = page(archive, "xss")["body_html"].lower()
    for word in ("javascript", "vbscript", "data:", "file:", "<script", "<style", "<svg", "<math", "<base",
                 "<iframe", "onerror", "onclick", "style=", "pwned"):
        assert word not in body, word


def test_xss_page_keeps_its_text_and_structure(archive):
    row = page(archive, "xss")
    assert row["body_text"].startswith(hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1])
    assert row["source"] == "Monre"
    assert "<p>" in row["body_html"] and "<img " in row["body_html"]


def test_xss_page_images_keep_only_the_http_one(archive, hostile_crawl):
    assert json.loads(page(archive, "xss")["image_urls"]) == [hostile_crawl[2] + "/PublishingImages/hostile/ok.jpg"]


def test_xss_page_attachments_keep_only_http_ones(archive, hostile_crawl):
    attachments = json.loads(page(archive, "xss")["attachments"])
    assert [a["url"] for a in attachments] == [hostile_crawl[2] + "/Documents/hostile/an-toan.pdf",
                                               "http://cdn.example.org/Documents/hostile/cdn.pdf"]


def test_dropped_urls_are_logged_and_counted(hostile_crawl):
    result = hostile_crawl[0]
    # xss: 3 images (javascript:, data:, and the javascript: link counted once) + 7 links; control-href: 2
    assert stat(result.stderr, "monre/unsafe_urls") >= 12
    assert "dropped" in result.stderr and "PWNED-tab" in result.stderr


def test_meta_refresh_to_javascript_keeps_the_article(archive):
    row = page(archive, "meta-refresh")
    assert row["body_text"] == hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1]
    assert row["source"] == "Monre"


def test_control_characters_in_href_keep_the_article(archive):
    row = page(archive, "control-href")
    assert row["body_text"].startswith(hostile.PARAGRAPHS[0])
    assert row["body_text"].endswith(hostile.PARAGRAPHS[1])
    assert json.loads(row["attachments"]) == [] and json.loads(row["image_urls"]) == []


def test_html_served_as_image_png_is_read(archive):
    row = page(archive, "png-type")
    assert row["title"] == hostile.PAGES["png-type"]
    assert row["body_text"] == hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1]


def test_a_real_image_instead_of_an_article_is_counted_lost(archive, hostile_crawl):
    result = hostile_crawl[0]
    assert hostile.SLUG_PREFIX + "png-real" not in archive
    assert stat(result.stderr, "monre/lost/unreadable") == 1
    assert re.search(r"ERROR: Lost an article: cannot read \S+/Pages/hostile-png-real\.aspx", result.stderr)


def test_two_thousand_nested_divs_are_read(archive):
    row = page(archive, "deep-divs")
    assert row["body_text"] == hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1]
    assert row["source"] == "Monre"


def test_unclosed_embed_does_not_cut_the_body(archive):
    row = page(archive, "unclosed-embed")
    assert row["body_text"] == hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1]
    assert row["source"] == "Monre"


def test_lead_outside_the_body_does_not_drop_the_first_paragraph(archive):
    row = page(archive, "lead-outside-body")
    assert row["summary"] == hostile.PARAGRAPHS[0]
    assert row["body_text"] == hostile.PARAGRAPHS[0] + "\n\n" + hostile.PARAGRAPHS[1]


def test_article_page_links_only_http_even_from_an_old_archive(hostile_crawl, tmp_path):
    """An archive written before this fix may hold javascript: URLs: the article page renders none."""
    db = tmp_path / "monre.db"
    db.write_bytes(hostile_crawl[1].read_bytes())
    conn = sqlite3.connect(db)
    (aid,) = conn.execute("select id from articles where url like '%hostile-xss%'").fetchone()
    conn.execute("update articles set image_urls = ?, attachments = ?, aliases = ? where id = ?", [
        json.dumps(["javascript:document.title='PWNED'", " JavaScript:x", "https://ok.example/i.jpg"]),
        json.dumps([{"url": "java\tscript:alert(1)//x.pdf", "title": "x.pdf"},
                    {"url": "vbscript:x", "title": "v.pdf"}, {"url": "https://ok.example/a.pdf", "title": "a"}]),
        json.dumps(["data:text/html,x", "https://ok.example/alias.aspx"]), aid])
    conn.commit()
    conn.close()
    client = Client(db, template_dir="templates", plugins_dir="plugins")
    try:
        response = client.get(f"/monre/articles/{aid}")
    finally:
        client.close()
    assert response.status_code == 200
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', response.text)
    assert "https://ok.example/i.jpg" in hrefs and "https://ok.example/a.pdf" in hrefs
    assert "https://ok.example/alias.aspx" in hrefs
    assert not [h for h in hrefs if re.match(r"\s*(javascript|vbscript|data|java\s)", h, re.I)]


def test_upgrade_cleans_what_an_older_version_stored(hostile_crawl, tmp_path):
    """`python -m monre_crawler.schema upgrade` sanitises body_html and drops non-http(s) URLs stored by a
    version before these checks; a second upgrade finds nothing left to clean."""
    import subprocess
    import sys

    from .conftest import ROOT, crawl_env

    db = tmp_path / "monre.db"
    db.write_bytes(hostile_crawl[1].read_bytes())
    conn = sqlite3.connect(db)
    (aid,) = conn.execute("select id from articles where url like '%hostile-xss%'").fetchone()
    conn.execute("update articles set body_html = ?, image_urls = ?, attachments = ?, aliases = ? where id = ?", [
        '<p onclick="x()">Đoạn <a href="javascript:void(document.title=1)">một</a></p><script>y()</script>'
        '<base href="javascript:z"><svg onload="w()"></svg><img src="https://ok.example/i.jpg">',
        json.dumps(["javascript:alert(1)", "https://ok.example/i.jpg"]),
        json.dumps([{"url": "java\tscript:alert(1)//x.pdf", "title": "x"}, {"url": "https://ok.example/a.pdf", "title": "a"}]),
        json.dumps(["data:text/html,x", "https://ok.example/alias.aspx"]), aid])
    conn.commit()
    conn.close()

    def upgrade():
        result = subprocess.run([sys.executable, "-m", "monre_crawler.schema", "upgrade", str(db)], cwd=ROOT,
                                env=crawl_env(), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "article(s) had URLs" in upgrade()
    (row,) = rows(db, "select body_html, image_urls, attachments, aliases from articles where id = ?", [aid])
    assert row["body_html"] == ('<p>Đoạn <a rel="noopener noreferrer nofollow">một</a></p>'
                                '<img src="https://ok.example/i.jpg">')
    assert json.loads(row["image_urls"]) == ["https://ok.example/i.jpg"]
    assert json.loads(row["attachments"]) == [{"url": "https://ok.example/a.pdf", "title": "a"}]
    assert json.loads(row["aliases"]) == ["https://ok.example/alias.aspx"]
    before = rows(db, "select * from articles order by id")
    assert "article(s) had URLs" not in upgrade()  # what the crawler stores now is already clean
    assert rows(db, "select * from articles order by id") == before

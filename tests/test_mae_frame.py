"""The mae spider on pages written for these tests: a "most read" box on every page is the site's frame, not a
section's entries (nor does it make a page of documents a section); the title hint of an image-only link; the
short form, linked at last, becomes the article's url; texts repeated on several pages name no article."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from monre_crawler.items import AliasSighting
from monre_crawler.spiders.mae import MaeSpider, state_key

from .utils import open_store

BASE = "https://mae.gov.vn"
MOST_READ = """<div class="bx"><h3>Xem nhiều</h3><ul>
<li><a href="/lua-chat-luong-cao-19001.htm">Lúa chất lượng cao</a></li>
<li><a href="/thuy-san/ca-tra-19002.htm">Cá tra</a></li>
<li><a href="/rung-phong-ho-19003.htm">Rừng phòng hộ</a></li></ul></div>"""
BANNER = '<div class="top"><h1>BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</h1></div>'
MENU = ('<ul class="mn"><li><a href="/nong-nghiep.htm">Nông nghiệp</a></li><li><a href="/moi-truong.htm">Môi trường</a>'
        '</li><li><a href="/van-ban.htm">Văn bản</a></li></ul>')


def page(content: str, title: str) -> str:
    return (f"<html><head><title>{title} - Bộ Nông nghiệp và Môi trường</title></head><body>{BANNER}{MENU}"
            f'<div class="cols"><div class="col">{content}{MOST_READ}</div></div></body></html>')


HOME = page('<div class="hero"><a href="/moi-truong/khong-khi-19010.htm"><img src="/a.jpg" alt=""></a>'
            '<a href="/moi-truong/khong-khi-19010.htm"><img src="/b.jpg" alt="Không khí sạch hơn"></a></div>'
            '<div class="box-nn"><h2><a href="/nong-nghiep.htm">Nông nghiệp</a></h2><ul>'
            '<li><a href="/nong-nghiep/lua-19020.htm">Lúa</a></li><li><a href="/nong-nghiep/ngo-19021.htm">Ngô</a></li>'
            "</ul></div>", "Trang chủ")
SECTION = page('<h2 class="cat">Nông nghiệp</h2><div class="list">'
               '<div class="it"><a href="/nong-nghiep/lua-19020.htm"><img src="/1.jpg" alt=""></a><h3>Lúa</h3></div>'
               '<div class="it"><a href="/nong-nghiep/ngo-19021.htm"><img src="/2.jpg" alt=""></a><h3>Ngô</h3></div>'
               "</div>", "Nông nghiệp")
DOCUMENTS = page('<h2 class="cat">Văn bản</h2><table><tr><td>Quyết định 1</td>'
                 '<td><a href="/noidung/Lists/VBQPPL/Attachments/1/qd.pdf">Tải về</a></td></tr></table>', "Văn bản")
ARTICLE = page('<h2 class="t">Không khí sạch hơn</h2><div class="d">24/07/2025 14:35</div><div class="c">'
               "<p>Đoạn thứ nhất của bài viết về không khí, đủ dài để là một đoạn văn của bài.</p>"
               "<p>Đoạn thứ hai của bài viết về không khí, cũng đủ dài để là một đoạn văn.</p></div>",
               "Không khí sạch hơn")


def response(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, request=Request(url), body=body.encode("utf-8"), encoding="utf-8")


@pytest.fixture
def spider(tmp_path):
    crawler = get_crawler(MaeSpider, settings_dict={"MONRE_MAX_PAGES": 5000})
    spider = MaeSpider.from_crawler(crawler, base_url=BASE)
    spider.store = open_store(tmp_path / "monre.db", lock=False)
    yield spider
    spider.store.close()


def requests(results, callback: str) -> list[scrapy.Request]:
    return [r for r in results if isinstance(r, scrapy.Request) and r.callback.__name__ == callback]


def section(spider, url, body, category, deferred=False):
    return list(spider.parse_section(response(url, body), category=category, page=1, seen_pages=frozenset(),
                                     visited=frozenset({url}), deferred=deferred))


def read_article(spider, url=f"{BASE}/moi-truong/khong-khi-19010.htm", item=19010):
    return list(spider.parse_article(response(url, ARTICLE), article_id=f"mae-{item}", item=item, via="home"))


@pytest.fixture
def after_home_and_article(spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    read_article(spider)
    return spider


def categories_of(spider, *items):
    return {item: spider.state.pending.get(f"mae-{item}") for item in items}


def test_the_most_read_box_is_not_a_sections_entries(after_home_and_article):
    spider = after_home_and_article
    section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp")
    assert categories_of(spider, 19001, 19002, 19003) == {19001: [], 19002: [], 19003: []}


def test_the_sections_own_entries_are_its_category(after_home_and_article):
    spider = after_home_and_article
    section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp")
    assert categories_of(spider, 19020, 19021) == {19020: ["Nông nghiệp"], 19021: ["Nông nghiệp"]}


def test_a_page_of_documents_with_the_box_is_no_section(after_home_and_article):
    spider = after_home_and_article
    section(spider, f"{BASE}/van-ban.htm", DOCUMENTS, "Văn bản")
    assert state_key("Văn bản") not in spider.state.categories_started


def test_a_box_shown_by_the_home_page_alone_is_the_sections_preview(after_home_and_article):
    """The home page's box of the section's newest articles, identical to the section's first page: its entries."""
    spider = after_home_and_article
    section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp")
    assert state_key("Nông nghiệp") in spider.state.categories_started


def test_a_section_page_is_read_again_when_no_article_page_has_shown_the_frame(spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    (again,) = section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp")
    assert (again.url, again.cb_kwargs["deferred"], again.dont_filter) == (f"{BASE}/nong-nghiep.htm", True, True)


def test_a_deferred_section_page_is_read(spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp", deferred=True)
    assert categories_of(spider, 19020, 19021) == {19020: ["Nông nghiệp"], 19021: ["Nông nghiệp"]}


def test_an_image_only_links_alt_is_the_title_hint(spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    assert spider.state.hints[19010] == "Không khí sạch hơn"


def test_the_banners_heading_repeated_on_several_pages_is_a_site_text(spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    section(spider, f"{BASE}/nong-nghiep.htm", SECTION, "Nông nghiệp", deferred=True)
    assert "bo nong nghiep va moi truong" in spider.state.site_texts()


def test_an_article_is_read_with_its_title_not_the_banners(after_home_and_article, spider):
    list(spider.parse_home(response(BASE + "/", HOME)))
    (item,) = [r for r in read_article(spider, item=19011) if hasattr(r, "title")]
    assert (item.title, item.date_text) == ("Không khí sạch hơn", "24/07/2025 14:35")


def test_the_short_form_linked_at_last_becomes_the_url(spider):
    spider.store.add_article({"id": "mae-19002", "url": f"{BASE}/thuy-san/ca-tra-19002.htm", "title": "t",
                              "categories": [], "content_hash": "h"})
    page = "<html><body><a href='/ca-tra-19002.htm'>Cá tra</a></body></html>"
    results = list(spider.parse_home(response(BASE + "/", page)))
    (alias,) = [r for r in results if isinstance(r, AliasSighting)]
    assert (alias.urls, alias.primary) == ([f"{BASE}/ca-tra-19002.htm"], f"{BASE}/ca-tra-19002.htm")


def test_the_store_makes_the_primary_url_the_articles(tmp_path):
    from .conftest import rows

    store = open_store(tmp_path / "monre.db", lock=False)
    store.add_article({"id": "mae-19002", "url": f"{BASE}/thuy-san/ca-tra-19002.htm", "title": "t",
                       "categories": [], "content_hash": "h", "aliases": [f"{BASE}/print?ItemID=19002"]})
    store.add_aliases("mae-19002", [f"{BASE}/ca-tra-19002.htm"], primary=f"{BASE}/ca-tra-19002.htm")
    store.flush()
    store.close()
    (row,) = rows(tmp_path / "monre.db", "select url, aliases from articles")
    aliases = rows(tmp_path / "monre.db", "select url from article_aliases order by url")
    assert (row["url"], row["aliases"], [a["url"] for a in aliases]) == (
        f"{BASE}/ca-tra-19002.htm", f'["{BASE}/thuy-san/ca-tra-19002.htm", "{BASE}/print?ItemID=19002"]',
        [f"{BASE}/print?ItemID=19002", f"{BASE}/thuy-san/ca-tra-19002.htm"])


def test_a_later_page_of_a_section_lists_its_own_entries(after_home_and_article):
    spider = after_home_and_article
    list(spider.parse_section(response(f"{BASE}/nong-nghiep.htm?p=2", SECTION), category="Nông nghiệp", page=2,
                              seen_pages=frozenset(), visited=frozenset()))
    assert categories_of(spider, 19020, 19021, 19001) == {19020: ["Nông nghiệp"], 19021: ["Nông nghiệp"], 19001: []}

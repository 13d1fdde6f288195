"""The mae spider's callbacks on small pages written for these tests (not the stand-in's), with a temporary
archive: discovery by URL form, one request per id whatever its form, sections and their pager, the print view."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from monre_crawler.items import AliasSighting, ArticleItem, ListingSighting
from monre_crawler.spiders.mae import MaeSpider, state_key

from .utils import open_store

BASE = "https://mae.gov.vn"
HOME = f"""<html><body>
<section><a href="/thuy-san.htm">Xem thêm</a></section>
<nav><a href="/">Trang chủ</a> <a href="/thuy-san.htm">Thủy sản</a> <a href="/lien-he.htm">Liên hệ</a>
<a href="/noidung/Lists/VBQPPL/Attachments/1/a.pdf">Văn bản</a> <a href="https://chinhphu.vn/x.htm">CP</a></nav>
<main><a href="/ca-tra-19022.htm">Cá tra</a> <a href="/thuy-san/ca-tra-19022.htm">Cá tra (2)</a>
<a href="{BASE}/tau-ca-19030.htm">Tàu cá</a> <a href="https://dcc.mae.gov.vn/khac-3881.htm">Khác</a></main>
</body></html>"""
SECTION = """<html><body><header><a href="/moi-nhat-19100.htm">Mới nhất</a></header>
<main><h1>Thủy sản</h1><ul><li><a href="/thuy-san/ca-tra-19022.htm">Cá tra</a></li>
<li><a href="/tom-hum-19011.htm">Tôm hùm</a></li></ul>
<div class="paging"><a href="/thuy-san.htm?p=1">1</a> <a href="/thuy-san.htm?p=2">2</a></div></main>
<aside><a href="/tin-khac-19050.htm">Tin khác</a></aside></body></html>"""
ARTICLE = """<html><head><title>Cá tra xuất khẩu tăng</title></head><body>
<main><h1>Cá tra xuất khẩu tăng</h1><p>24/07/2025 14:35</p>
<div><p>Đoạn thứ nhất của bài viết về cá tra, đủ dài để là một đoạn văn.</p>
<p>Đoạn thứ hai của bài viết về cá tra, cũng đủ dài để là một đoạn văn.</p></div></main>
<aside><a href="/tin-khac-19050.htm">Tin khác</a></aside></body></html>"""


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


def test_home_requests_each_article_id_once_whatever_its_form(spider):
    results = list(spider.parse_home(response(BASE + "/", HOME)))
    assert [r.cb_kwargs["item"] for r in requests(results, "parse_article")] == [19022, 19030]


def test_home_reads_its_other_pages_as_possible_sections(spider):
    results = list(spider.parse_home(response(BASE + "/", HOME)))
    assert [r.url for r in requests(results, "parse_section")] == [f"{BASE}/thuy-san.htm"]


def test_a_section_is_named_by_its_link_text_not_by_a_see_more_link(spider):
    (section,) = requests(spider.parse_home(response(BASE + "/", HOME)), "parse_section")
    assert section.cb_kwargs["category"] == "Thủy sản"


def test_section_requests_its_own_articles_under_its_category(spider):
    results = list(spider.parse_section(response(f"{BASE}/thuy-san.htm", SECTION), category="Thủy sản", page=1,
                                        seen_pages=frozenset(), visited=frozenset({f"{BASE}/thuy-san.htm"})))
    own = {r.cb_kwargs["item"]: spider.state.pending[r.cb_kwargs["article_id"]]
           for r in requests(results, "parse_article")}
    assert own == {19100: [], 19022: ["Thủy sản"], 19011: ["Thủy sản"], 19050: []}


def test_section_follows_the_page_numbered_next(spider):
    results = list(spider.parse_section(response(f"{BASE}/thuy-san.htm", SECTION), category="Thủy sản", page=1,
                                        seen_pages=frozenset(), visited=frozenset({f"{BASE}/thuy-san.htm"})))
    (following,) = requests(results, "parse_section")
    assert (following.url, following.cb_kwargs["page"]) == (f"{BASE}/thuy-san.htm?p=2", 2)


def test_a_section_page_repeating_an_earlier_one_ends_the_section(spider):
    first = list(spider.parse_section(response(f"{BASE}/thuy-san.htm", SECTION), category="Thủy sản", page=1,
                                      seen_pages=frozenset(), visited=frozenset()))
    following = requests(first, "parse_section")[0]
    again = list(spider.parse_section(response(following.url, SECTION), **following.cb_kwargs))
    assert (requests(again, "parse_section"), state_key("Thủy sản") in spider.state.categories_done) == ([], True)


def test_a_page_without_articles_in_its_content_is_no_section(spider):
    page = "<html><body><main><h1>Giới thiệu</h1><p>Bộ Nông nghiệp và Môi trường.</p></main></body></html>"
    list(spider.parse_section(response(f"{BASE}/bo.htm", page), category="Bộ", page=1, seen_pages=frozenset(),
                              visited=frozenset()))
    assert spider.state.categories_started == set()


def article(spider, url=f"{BASE}/ca-tra-19022.htm", item=19022, via="home"):
    spider.state.forms[item] = {url, f"{BASE}/thuy-san/ca-tra-19022.htm"}
    results = list(spider.parse_article(response(url, ARTICLE), article_id=f"mae-{item}", item=item, via=via))
    return next(r for r in results if isinstance(r, ArticleItem))


def test_article_is_keyed_by_its_id(spider):
    assert article(spider).id == "mae-19022"


def test_article_url_is_the_short_form(spider):
    assert article(spider).url == f"{BASE}/ca-tra-19022.htm"


def test_article_aliases_are_its_other_forms_and_its_print_view(spider):
    assert article(spider).aliases == [f"{BASE}/thuy-san/ca-tra-19022.htm",
                                       f"{BASE}/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=19022"]


def test_article_records_its_portal(spider):
    assert article(spider).portal == "mae.gov.vn"


def test_article_is_read_by_the_fallbacks(spider):
    item = article(spider)
    assert (item.title, item.date_text, item.body_text.count("\n\n")) == ("Cá tra xuất khẩu tăng", "24/07/2025 14:35", 1)


def test_article_page_links_lead_to_more_articles(spider):
    results = list(spider.parse_article(response(f"{BASE}/ca-tra-19022.htm", ARTICLE), article_id="mae-19022",
                                        item=19022, via="home"))
    assert [r.cb_kwargs["item"] for r in requests(results, "parse_article")] == [19050]


def test_a_stored_article_linked_in_another_form_gets_an_alias(spider):
    spider.store.add_article({"id": "mae-19022", "url": f"{BASE}/ca-tra-19022.htm", "title": "t",
                              "categories": [], "content_hash": "h"})
    results = list(spider.parse_home(response(BASE + "/", HOME)))
    aliases = [r for r in results if isinstance(r, AliasSighting)]
    assert [(a.article_id, a.urls) for a in aliases] == [
        ("mae-19022", [f"{BASE}/ca-tra-19022.htm", f"{BASE}/thuy-san/ca-tra-19022.htm"])]


def test_a_stored_article_linked_by_a_section_is_sighted_in_it(spider):
    spider.store.add_article({"id": "mae-19011", "url": f"{BASE}/tom-hum-19011.htm", "title": "t",
                              "categories": [], "content_hash": "h"})
    results = list(spider.parse_section(response(f"{BASE}/thuy-san.htm", SECTION), category="Thủy sản", page=1,
                                        seen_pages=frozenset(), visited=frozenset()))
    sightings = [(s.category, s.article_ids) for s in results if isinstance(s, ListingSighting)]
    assert sightings == [("Thủy sản", ["mae-19011"])]


def test_a_print_view_naming_another_id_is_not_stored(spider):
    page = ARTICLE.replace("<head>", f'<head><link rel="canonical" href="{BASE}/khac-19999.htm">')
    url = f"{BASE}/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=19023"
    results = list(spider.parse_article(response(url, page), article_id="mae-19023", item=19023, via="backfill"))
    assert (results, spider.crawler.stats.get_value("mae/backfill/id_mismatch")) == ([], 1)


def test_a_backfill_refused_by_robots_txt_stops(spider):
    from scrapy.exceptions import IgnoreRequest
    from twisted.python.failure import Failure

    from monre_crawler.backfill import Backfill

    spider.state.probes = Backfill(19030, max_ids=1000, max_gap=50)
    batch = spider.state.probes.next_batch(5)
    request = Request(f"{BASE}/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID={batch[0]}",
                      cb_kwargs={"article_id": f"mae-{batch[0]}", "item": batch[0], "via": "backfill"})
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = request
    spider.on_error(failure)
    assert spider.state.probes.stop_reason == "refused"

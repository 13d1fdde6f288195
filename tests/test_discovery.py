"""Links, main-content links and the next listing page, found without knowing a portal's markup."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from monre_crawler import discovery
from monre_crawler.sites.mae import PROFILE

URL = "https://mae.gov.vn/thuy-san.htm"


def page(body: str, url: str = URL) -> HtmlResponse:
    html = f"<html><head><title>t</title></head><body>{body}</body></html>"
    return HtmlResponse(url=url, request=Request(url), body=html.encode(), encoding="utf-8")


def listing_link(url: str) -> bool:
    return discovery.same_site(url, "mae.gov.vn") and not url.endswith("-1234.htm")


def test_links_are_absolute_http_without_fragments():
    response = page('<a href="/a-1234.htm#x">A</a><a href="javascript:go()">J</a><a href="mailto:x@y">M</a>'
                    '<a href="#top">T</a><a href="https://other.example/b">B</a><a>no href</a>')
    assert [(l.url, l.text) for l in discovery.links(response)] == [
        ("https://mae.gov.vn/a-1234.htm", "A"), ("https://other.example/b", "B")]


def test_main_content_links_leave_out_the_chrome():
    response = page('<header><a href="/h-1111.htm">H</a></header><nav><a href="/n-2222.htm">N</a></nav>'
                    '<main><h1>Thủy sản</h1><ul><li><a href="/m-3333.htm">M</a></li></ul></main>'
                    '<aside><a href="/s-4444.htm">S</a></aside><footer><a href="/f-5555.htm">F</a></footer>')
    assert [l.url for l in discovery.main_content_links(response, PROFILE)] == ["https://mae.gov.vn/m-3333.htm"]


@pytest.mark.parametrize("pager, page_number, expected, how", [
    ('<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>', 1, URL + "?page=2", "number"),
    ('<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>', 2, URL + "?page=3", "number"),
    ('<a href="/thuy-san/p/7">Trang sau</a>', 6, "https://mae.gov.vn/thuy-san/p/7", "text"),
    ('<a href="/x?p=2" aria-label="Next page">›</a>', 1, "https://mae.gov.vn/x?p=2", "text"),
    ('<a href="?page=9">»</a><a href="?page=2">2</a>', 1, URL + "?page=2", "number"),
    ('<link rel="next" href="/thuy-san.htm?trang=2"><a href="?page=2">2</a>', 1, URL + "?trang=2", "rel"),
])
def test_next_page(pager, page_number, expected, how):
    following = discovery.next_page(page(f"<div>{pager}</div>"), page_number, set(), listing_link, PROFILE)
    assert (following.url, following.how) == (expected, how)


def test_last_page_has_no_next():
    response = page('<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>')
    assert discovery.next_page(response, 3, set(), listing_link, PROFILE) is None


def test_a_page_read_before_is_not_offered_again():
    response = page('<a href="?page=1">« Trang trước</a><a href="?page=1">»</a>')
    assert discovery.next_page(response, 2, {URL + "?page=1"}, listing_link, PROFILE) is None


def test_article_links_are_never_the_next_page():
    response = page('<a href="/bai-viet-1234.htm">Xem tiếp</a>')
    assert discovery.next_page(response, 1, set(), listing_link, PROFILE) is None


def test_postback_pager():
    response = page("""<form><a href="javascript:__doPostBack('ctl00$pager','Page$2')">2</a></form>""")
    following = discovery.next_page(response, 1, set(), listing_link, PROFILE)
    assert (following.target, following.argument, following.url) == ("ctl00$pager", "Page$2", None)


def _article_of(href: str):
    import re

    match = re.search(r"-(\d{4})\.htm$", href)
    return int(match[1]) if match else None


def test_link_boxes_are_the_articles_of_the_nearest_container_linking_two():
    response = page('<div class="list"><a href="/a-1001.htm">A</a><a href="/b-1002.htm">B</a></div>'
                    '<div class="x"><p><a href="/c-1003.htm">C</a></p><p><a href="/d-1004.htm">D</a></p></div>')
    boxes = discovery.link_boxes(response.selector.root, _article_of)
    assert sorted(sorted(box) for box, _ in boxes.values()) == [[1001, 1002], [1001, 1002], [1003, 1004],
                                                                 [1003, 1004]]


def test_a_listings_only_entry_beside_a_frame_box_that_shows_it_is_not_in_the_box():
    """The last page of a section lists one article, which the "most read" box beside it also shows: the entry's
    nearest container links exactly the box's articles, yet it is not in the box."""
    response = page('<div class="col"><div class="list"><a href="/a-1001.htm">A</a></div>'
                    '<div class="most"><ul><li><a href="/a-1001.htm">A</a></li><li><a href="/b-1002.htm">B</a></li>'
                    '<li><a href="/c-1003.htm">C</a></li></ul></div></div>')
    boxes = discovery.link_boxes(response.selector.root, _article_of)
    frame = discovery.in_boxes(boxes, {frozenset({1001, 1002, 1003})})
    assert [node.getparent().tag for node in frame] == ["li", "li", "li"]

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

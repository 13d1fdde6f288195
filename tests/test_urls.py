"""Canonical URLs: one article, one id, however the portal links it."""

import pytest

from functools import partial

from monre_crawler import urls
from monre_crawler.sites.monre import PROFILE
from monre_crawler.urls import url_id, safe_url

# as the spider calls it, with the monre profile's rule for parameters that never select content
canonical_url = partial(urls.canonical_url, keeps_param=PROFILE.keeps_param)

BASE = "https://monre.gov.vn"
CANONICAL = "https://monre.gov.vn/Pages/tang-cuong.aspx"


@pytest.mark.parametrize("link", [
    "/Pages/tang-cuong.aspx",
    "https://monre.gov.vn/Pages/tang-cuong.aspx#top",
    "http://www.monre.gov.vn/Pages/tang-cuong.aspx",
    "/Pages/tang-cuong.aspx?Source=%2FPages%2FChuyenMuc.aspx%3Fcm%3DDat",
    "/Pages/tang-cuong.aspx?utm_source=fb&utm_medium=social",
    "/Pages/tang-cuong.aspx?source=x",
])
def test_variants_have_the_canonical_form(link):
    assert canonical_url(link, BASE) == CANONICAL


@pytest.mark.parametrize("link", ["/pages/TANG-CUONG.aspx", "/PAGES/tang-cuong.ASPX?Source=x"])
def test_letter_case_does_not_change_the_id(link):
    assert url_id(canonical_url(link, BASE)) == url_id(CANONICAL)


def test_other_parameters_are_kept():
    assert canonical_url("/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai&Source=x", BASE) == \
        "https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t+%C4%91ai"


def test_scheme_does_not_change_the_id():
    assert url_id(canonical_url("/Pages/a.aspx", "http://monre.gov.vn")) == url_id(canonical_url("/Pages/a.aspx", BASE))


def test_different_articles_differ():
    assert url_id(CANONICAL) != url_id(canonical_url("/Pages/tang-cuong-1.aspx", BASE))


def test_offsite_links_keep_their_host():
    assert canonical_url("http://chinhphu.vn/Pages/a.aspx", BASE) == "http://chinhphu.vn/Pages/a.aspx"


def test_repost_suffix_rule():
    assert PROFILE.is_repost_of("https://monre.gov.vn/Pages/tang-cuong-1.aspx", CANONICAL)
    assert PROFILE.is_repost_of("https://monre.gov.vn/pages/TANG-CUONG-12.aspx", CANONICAL)
    assert not PROFILE.is_repost_of(CANONICAL, "https://monre.gov.vn/Pages/tang-cuong-1.aspx")
    assert not PROFILE.is_repost_of("https://monre.gov.vn/Pages/tang-cuong-1.aspx",
                                    "https://monre.gov.vn/Pages/tang.aspx")


# What no stored or rendered URL may be (tests/test_published_body.py puts them in links and images too).
UNSAFE_URLS = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "mailto:a@b.vn", "http://[::1/x.pdf",
    "http://127.0.0.1:99999999/tep.pdf",  # a port out of range: Scrapy's Request would raise on it
    "/relative/without/base.pdf", "http:///no-host.pdf",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_safe_url_refuses_what_is_not_an_absolute_http_url(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http_urls_and_resolves_relative_ones():
    assert safe_url("https://monre.gov.vn:8443/a.pdf") == "https://monre.gov.vn:8443/a.pdf"
    assert safe_url("/Pages/x.aspx", "https://monre.gov.vn/") == "https://monre.gov.vn/Pages/x.aspx"
    assert safe_url("//monre.gov.vn/x", "https://monre.gov.vn/") == "https://monre.gov.vn/x"

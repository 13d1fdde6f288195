"""The generic fallbacks on pages written for these tests (City Bureau style, one assertion per field): an
article page whose banner's ``<h1>`` is the agency's name with today's date beside it and no metadata, and a
print view whose ``<title>`` is generic, with the title and the date in table rows of their own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse, Request

from monre_crawler import extract
from monre_crawler.dates import parse_date, to_iso
from monre_crawler.sites.mae import PROFILE
from monre_crawler.sites.monre import PROFILE as MONRE

from .utils import FILES, file_response

TITLE = "Cục Thủy sản và Kiểm ngư triển khai nuôi biển công nghệ cao tại Khánh Hòa"
LEAD = ("Sáng 24/7, tại Khánh Hòa, Cục Thủy sản và Kiểm ngư tổ chức hội nghị về nuôi biển công nghệ cao, với sự "
        "tham dự của nhiều địa phương.")
FIRST = "Theo Cục Thủy sản và Kiểm ngư, thời gian qua nuôi biển công nghệ cao"
SLUGGED = "https://mae.gov.vn/thuy-san-kiem-ngu/nuoi-bien-cong-nghe-cao-tai-khanh-hoa-19022.htm"
UNSLUGGED = "https://mae.gov.vn/tin-19022.htm"  # a slug too short to say anything
PRINT = "https://mae.gov.vn/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=19022"


def today_line() -> str:
    """Today's date as a page header prints it (Vietnam's day)."""
    day = (datetime.now(timezone.utc) + timedelta(hours=7)).date()
    return f"Thứ {day.isoweekday() + 1 if day.isoweekday() < 7 else 'Chủ Nhật'}, ngày {day:%d/%m/%Y}"


def banner_page(url: str, without: str = "") -> HtmlResponse:
    html = (FILES / "mae-banner-article.html").read_text(encoding="utf-8").replace("{today}", today_line())
    if without:
        html = html.replace(without, "")
    return HtmlResponse(url=url, request=Request(url), body=html.encode(), encoding="utf-8")


@pytest.fixture(scope="module", params=[SLUGGED, UNSLUGGED])
def banner(request):
    """The banner page read by the fallbacks without any listing hint, with and without a slug in its URL."""
    return extract.extract_article(banner_page(request.param), profile=PROFILE)


def test_banner_page_title_is_the_articles_not_the_agencys(banner):
    assert banner.title == TITLE


def test_banner_page_date_is_the_articles_not_todays(banner):
    assert to_iso(parse_date(banner.date_text)) == "2025-07-24T14:35:00+07:00"


def test_banner_page_lead(banner):
    assert banner.summary == LEAD


def test_banner_page_body(banner):
    assert banner.body_text.startswith(FIRST) and len(banner.body_text.split("\n\n")) == 3


def test_todays_date_in_the_banner_is_never_the_articles():
    article = extract.extract_article(banner_page(UNSLUGGED, without='<div class="dt">24/07/2025 14:35</div>'),
                                      profile=PROFILE)
    assert article.date_text == ""


def test_the_slug_beats_a_heading_nearer_the_text():
    """A box heading between the title and the text: the title is still the heading the slug was made from."""
    page = banner_page(SLUGGED, without="")
    html = page.text.replace('<div class="dt">', '<h3>Tin nổi bật hôm nay</h3><div class="dt">')
    article = extract.extract_article(page.replace(body=html.encode()), profile=PROFILE)
    assert article.title == TITLE


def test_a_site_text_is_never_the_title():
    """The spider's ``site_texts`` (texts it saw repeated on several pages) rule the agency's name out, even
    when it is the only heading left."""
    html = banner_page(UNSLUGGED).text.replace('<h2 class="ttl">', '<div class="x">').replace("</h2>", "</div>")
    page = HtmlResponse(url=UNSLUGGED, request=Request(UNSLUGGED), body=html.encode(), encoding="utf-8")
    article = extract.extract_article(page, profile=PROFILE, site_texts=frozenset({"bo nong nghiep va moi truong"}))
    assert article.title == TITLE  # the <title>'s first part


def test_an_image_alt_hint_picks_the_title():
    html = banner_page(UNSLUGGED).text.replace('<h2 class="ttl">', '<h4>Tin mới</h4><h2 class="ttl">')
    page = HtmlResponse(url=UNSLUGGED, request=Request(UNSLUGGED), body=html.encode(), encoding="utf-8")
    assert extract.extract_article(page, listing_title=TITLE.upper(), profile=PROFILE).title == TITLE


# --- the print view ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def printed():
    return extract.extract_article(file_response("mae-print-table.html", PRINT), profile=PROFILE)


def test_print_view_title_is_not_the_generic_document_title(printed):
    assert printed.title == TITLE


def test_print_view_date_in_the_next_row(printed):
    assert to_iso(parse_date(printed.date_text)) == "2025-07-24T14:35:00+07:00"


def test_print_view_lead(printed):
    assert printed.summary == LEAD


def test_print_view_body(printed):
    assert printed.body_text.startswith(FIRST) and len(printed.body_text.split("\n\n")) == 3


def test_print_view_fields_found(printed):
    assert printed.found == {"title": "fallback", "date": "fallback", "body": "fallback"}


def test_a_generic_title_learnt_by_the_spider_is_never_the_title():
    """Without the profile's guess, a ``<title>`` the spider saw on several pages (``site_texts``) is ruled out."""
    article = extract.extract_article(file_response("mae-print-table.html", PRINT), profile=MONRE,
                                      site_texts=frozenset({"in tin bai"}))
    assert article.title == TITLE


@pytest.mark.parametrize("url, words", [
    (SLUGGED, ["nuoi", "bien", "cong", "nghe", "cao", "tai", "khanh", "hoa"]),
    (UNSLUGGED, []),
    (PRINT, []),
    ("https://monre.gov.vn/Pages/tang-cuong-va-doi-moi-cong-tac-dan-van.aspx",
     ["tang", "cuong", "va", "doi", "moi", "cong", "tac", "dan", "van"]),
])
def test_slug_words(url, words):
    assert extract.slug_words(url) == words

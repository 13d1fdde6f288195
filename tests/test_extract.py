"""Extraction on the site model's saved pages: one assertion per field, for both article templates."""

from __future__ import annotations

import pytest

from monre_crawler import extract, listing
from monre_crawler.dates import parse_date, to_iso

from .utils import FILES, file_response

SEED_URL = "https://monre.gov.vn/Pages/tang-cuong-va-doi-moi-cong-tac-dan-van.aspx"
TRAPS = ("Banner trang chủ", "13/07/2024", "Tin mới nhất", "Ý kiến của bạn", "Tin liên quan", "In bài viết",
         "Các tin khác", "Cổng TTĐT Chính phủ")


@pytest.fixture(scope="module", params=["article.html", "article-2021.html"])
def seed(request):
    return extract.extract_article(file_response(request.param, SEED_URL))


def test_title(seed):
    assert seed.title == "Tăng cường và đổi mới công tác dân vận"


def test_date(seed):
    assert to_iso(parse_date(seed.date_text)) == "2015-09-15"


def test_source(seed):
    assert seed.source == "Monre"


def test_body_starts_with_the_first_paragraph(seed):
    assert seed.body_text.startswith("Ngày 31/3/2014, tại Hà Nội")


def test_body_ends_with_the_last_paragraph_not_the_source(seed):
    assert seed.body_text.endswith("thật sự là công bộc của dân…")


def test_body_paragraphs_are_separated_by_a_blank_line(seed):
    assert len(seed.body_text.split("\n\n")) == 9  # 7 paragraphs and 2 image captions


def test_body_keeps_image_captions(seed):
    assert "\n\nToàn cảnh Hội nghị\n\n" in seed.body_text


def test_body_has_no_nbsp_indent(seed):
    assert "\xa0" not in seed.body_text and "  " not in seed.body_text


def test_image_urls(seed):
    assert seed.image_urls == [
        "https://monre.gov.vn/PublishingImages/2014/03/31/dan-van-1.jpg",
        "https://monre.gov.vn/PublishingImages/2014/03/31/dan-van-2.jpg",
    ]


def test_no_attachments(seed):
    assert seed.attachments == []


def test_body_html_is_clean(seed):
    assert seed.body_html.startswith("<p>") and "style=" not in seed.body_html and "&nbsp;" not in seed.body_html


def test_body_html_has_absolute_image_urls(seed):
    assert 'src="https://monre.gov.vn/PublishingImages/2014/03/31/dan-van-1.jpg"' in seed.body_html


def test_template_selectors_found_every_key_field(seed):
    assert seed.found == {"title": "selector", "date": "selector", "body": "selector"}


@pytest.mark.parametrize("trap", TRAPS)
def test_no_page_chrome_in_any_field(seed, trap):
    fields = (seed.title, seed.summary, seed.body_text, seed.body_html, seed.date_text, seed.source or "")
    assert not any(trap in value for value in fields)


def test_seed_text_matches_what_a_browser_showed():
    """The body's words are the seed capture's words, between its date line and its source line."""
    shown = (FILES / "article-text.txt").read_text(encoding="utf-8")
    between = shown.split("15/09/2015", 1)[1].split("Theo Monre", 1)[0]
    article = extract.extract_article(file_response("article.html", SEED_URL))
    assert article.body_text.split() == between.split()


# --- listings and pagers ---------------------------------------------------------------------------------------
LISTING_URL = "https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=Tin%20t%E1%BB%A9c%20-%20S%E1%BB%B1%20ki%E1%BB%87n"


@pytest.fixture(scope="module")
def postback_listing():
    return file_response("listing-postback.html", LISTING_URL)


def test_listing_entries(postback_listing):
    entries = listing.listing_entries(postback_listing)
    assert [(e.url.rsplit("/", 1)[1], e.date_text) for e in entries] == [
        ("kiem-khi-dai-bien-hanh-tuc-rung-hoach-sinh-7.aspx", "10/07/2024"),
        ("chinh-hoat-nguyen-du-rung-moi-thanh-hoach-14.aspx", "08/07/2024"),
        ("du-tuong-chat-truong-hoc-sinh-khi-21.aspx", "06/07/2024"),
        ("gia-dong-cao-bo-du-nghiep-chuc-ran-phuong-tuong-28.aspx", "04/07/2024"),
    ]


def test_listing_entry_title(postback_listing):
    assert listing.listing_entries(postback_listing)[0].title == "Kiểm khí đai biến hành tục rừng hoạch sinh"


def test_postback_pager_next_page(postback_listing):
    assert listing.next_page(postback_listing, 1) == listing.NextPage(
        number=2, target="ctl00$PlaceHolderMain$g_3f1c$ctl00$pager", argument="2")


def test_link_pager_on_its_last_page_has_no_next():
    url = "https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai&Page=2"
    assert listing.next_page(file_response("listing-links.html", url), 2) is None


def test_link_pager_next_page_from_page_one():
    url = "https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai"
    html = (FILES / "listing-links.html").read_text(encoding="utf-8").replace(
        '<a href="/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai&amp;Page=1">1</a> <span class="current">2</span>',
        '<span class="current">1</span> <a href="/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai&amp;Page=2">2</a>')
    from scrapy.http import HtmlResponse

    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8")
    assert listing.next_page(response, 1).url.endswith("&Page=2")


def test_error_page_is_recognised():
    from scrapy.http import HtmlResponse

    page = "<html><head><title>Lỗi</title></head><body><h1>Không tìm thấy trang</h1></body></html>"
    assert extract.is_error_page(HtmlResponse(url=SEED_URL, body=page.encode(), encoding="utf-8"))


def test_article_is_not_an_error_page():
    assert not extract.is_error_page(file_response("article.html", SEED_URL))

"""Layouts (the portal's article page designs): both known ones equally right; a layout nobody described
still read right; a loud alarm."""

from __future__ import annotations

import re

import pytest
from scrapy.http import HtmlResponse

from monre_crawler import extract
from monre_crawler.dates import parse_date, to_iso
from standin import Portal, Site

from .conftest import articles_by_path, crawl, rows
from .utils import FILES

URL = "https://monre.gov.vn/Pages/tang-cuong-va-doi-moi-cong-tac-dan-van.aspx"
TITLE = "Tăng cường và đổi mới công tác dân vận"
PAGE = (FILES / "article.html").read_text(encoding="utf-8")
SEED_BODY = extract.extract_article(HtmlResponse(url=URL, body=PAGE.encode(), encoding="utf-8")).body_text
PARAGRAPHS = [p for p in SEED_BODY.split("\n\n") if len(p) > 60]


def redesign(main: str, title_tag: str = TITLE) -> HtmlResponse:
    """The seed page with its article block replaced by ``main``; the chrome (header date, sidebar,
    related news, comment form) stays around it, as in a redesign that keeps the portal's frame."""
    start = PAGE.index('<div class="news-detail">')
    end = PAGE.index('<div class="comment-box">')
    html = PAGE[:start] + main + PAGE[end:]
    html = re.sub(r"<title>.*?</title>", f"<title>{title_tag}</title>", html)
    return HtmlResponse(url=URL, body=html.encode(), encoding="utf-8")


def paragraphs(tag="p", cls=""):
    return "".join(f"<{tag}{cls}>&nbsp;&nbsp; {p}</{tag}>" for p in PARAGRAPHS)


RELATED = '<div class="box-tinlienquan"><h3>Tin liên quan</h3><ul><li><a href="/Pages/x.aspx">Tin khác</a> (01/01/2010)</li></ul></div>'
REDESIGNS = {
    "divs-and-meta": (
        f'<div class="detail"><div class="detail-title">{TITLE}</div>'
        '<div class="detail-meta">Ngày đăng: 15/09/2015 08:30 | Lượt xem: 1203</div>'
        f'<div class="detail-content">{paragraphs()}<p><b>Theo Monre</b></p></div>{RELATED}</div>',
        "2015-09-15T08:30:00+07:00"),
    "h1-and-span-date": (
        f'<section class="chitiet"><h1>{TITLE}</h1><span class="ngay">Thứ Ba, 15/09/2015</span>'
        f'<div class="noidung">{paragraphs("div")}<div>Theo Monre</div></div></section>{RELATED}',
        "2015-09-15"),
    "article-time": (
        f'<article class="post"><header><h2 class="post-heading">{TITLE}</h2>'
        '<time datetime="2015-09-15T08:30:00+07:00">15/09/2015</time></header>'
        f'<div class="post-body">{paragraphs()}<p class="post-source">Theo Monre</p></div>'
        f'<aside class="post-related"><h3>Tin liên quan</h3><ul><li>12/07/2024</li></ul></aside></article>',
        "2015-09-15T08:30:00+07:00"),
    "source-after-body-and-boxes-inside": (
        f'<div class="news"><h2>{TITLE}</h2><p class="info">Cập nhật lúc 08:30 ngày 15/09/2015</p>'
        f'<div class="content">{paragraphs()}<div class="lienquan"><div class="tit">Tin liên quan</div>'
        '<ul><li>Tin khác (12/07/2024)</li></ul></div></div><div class="nguon">Theo Monre</div></div>',
        "2015-09-15T08:30:00+07:00"),
    "date-after-the-body": (
        f'<div class="entry"><div class="entry-head"><h2>{TITLE}</h2></div>'
        f'<div class="entry-text">{paragraphs()}</div><div class="entry-foot">Ngày đăng: 15/09/2015 - 08:30</div>'
        '</div>',
        "2015-09-15T08:30:00+07:00"),
    "everything-in-one-container": (
        f'<div class="detail"><h1>{TITLE}</h1><p class="date">15/09/2015</p>'
        '<p class="sapo">Đảng ủy Bộ TN&amp;MT triển khai năm dân vận.</p>'
        f'{paragraphs()}<p>Theo Monre</p></div>',
        "2015-09-15"),
    "no-date-at-all": (
        f'<div class="bai-viet"><h3 class="tieu-de">{TITLE}</h3><div class="than-bai">{paragraphs()}</div></div>',
        None),
}


@pytest.fixture(scope="module", params=sorted(REDESIGNS))
def redesigned(request):
    """(extracted article, expected date, the made-up markup)"""
    main, date = REDESIGNS[request.param]
    return extract.extract_article(redesign(main)), date, main


def test_unknown_layout_title(redesigned):
    assert redesigned[0].title == TITLE


def test_unknown_layout_body_is_the_articles_paragraphs(redesigned):
    assert [p for p in redesigned[0].body_text.split("\n\n")] == PARAGRAPHS


def test_unknown_layout_date_is_found_near_the_title(redesigned):
    article, date, _ = redesigned
    assert to_iso(parse_date(article.date_text)) == date


def test_unknown_layout_never_takes_the_headers_date(redesigned):
    assert "13/07/2024" not in redesigned[0].date_text and "12/07/2024" not in redesigned[0].date_text


def test_unknown_layout_lead_is_not_in_the_body(redesigned):
    article = redesigned[0]
    assert article.summary == ("Đảng ủy Bộ TN&MT triển khai năm dân vận." if "sapo" in redesigned[2] else "")


def test_unknown_layout_source(redesigned):
    assert redesigned[0].source == ("Monre" if "Theo Monre" in redesigned[2] else None)


def test_unknown_layout_counts_as_fallback(redesigned):
    assert (redesigned[0].found["title"], redesigned[0].found["body"]) == ("fallback", "fallback")


def test_unknown_layout_names_the_selectors_that_missed(redesigned):
    assert "2024:title 'h1.news-title'" in redesigned[0].missed


def test_listing_title_is_preferred_when_the_page_title_is_generic():
    main, _ = REDESIGNS["divs-and-meta"]
    article = extract.extract_article(redesign(main, title_tag="Cổng thông tin"), listing_title=TITLE)
    assert article.title == TITLE


def test_listing_date_wins_when_the_page_disagrees_on_the_day():
    """The extractor reports the page's own date (a fallback's guess); the dates pipeline, the one place that
    decides, takes the listing's date when the guess disagrees with it on the day."""
    from scrapy.utils.test import get_crawler

    from monre_crawler.items import ArticleItem
    from monre_crawler.pipelines.dates import DatesPipeline

    main = REDESIGNS["divs-and-meta"][0].replace("15/09/2015 08:30", "31/03/2014 08:30")
    item = ArticleItem(id="x", url="https://monre.gov.vn/Pages/x.aspx", listing_date_text="15/09/2015")
    extract.extract_article(redesign(main), listing_date="15/09/2015", into=item)
    assert "31/03/2014 08:30" in item.date_text and item.found["date"] == "fallback"
    assert DatesPipeline.from_crawler(get_crawler()).process_item(item).published_at == "2015-09-15"


def test_the_page_date_wins_when_it_agrees_with_the_listing_on_the_day():
    """Agreeing on the day, the page's own date is kept: it carries the time of day."""
    from scrapy.utils.test import get_crawler

    from monre_crawler.items import ArticleItem
    from monre_crawler.pipelines.dates import DatesPipeline

    item = ArticleItem(id="x", url="https://monre.gov.vn/Pages/x.aspx", listing_date_text="15/09/2015")
    extract.extract_article(redesign(REDESIGNS["divs-and-meta"][0]), listing_date="15/09/2015", into=item)
    assert DatesPipeline.from_crawler(get_crawler()).process_item(item).published_at == "2015-09-15T08:30:00+07:00"


def test_adding_a_layout_is_a_few_declarative_lines():
    from dataclasses import replace

    from monre_crawler.sites import Layout
    from monre_crawler.sites.monre import PROFILE

    extra = Layout(name="2026", title=".detail-title", date=".detail-meta", body=".detail-content")
    profile = replace(PROFILE, layouts=PROFILE.layouts + (extra,))
    article = extract.extract_article(redesign(REDESIGNS["divs-and-meta"][0]), profile=profile)
    assert (article.template, article.found) == ("2026", {"title": "selector", "date": "selector", "body": "selector"})


# --- end to end: a third of the portal in a layout nobody described -------------------------------------------
@pytest.fixture(scope="module")
def redesigned_portal(tmp_path_factory):
    site = Site.generate(n_articles=45, seed=7, template_unknown=0.34, template_2021=0.3)
    db = tmp_path_factory.mktemp("redesign") / "monre.db"
    with Portal(site) as portal:
        result = crawl(portal.url, db)
    return site, db, result


def iso(value):
    return None if value is None else value.isoformat() + ("+07:00" if hasattr(value, "hour") else "")


def test_redesign_exits_non_zero_as_degraded(redesigned_portal):
    site, db, result = redesigned_portal
    assert result.returncode == 3
    assert "degraded" in result.stderr.strip().splitlines()[-1]
    assert "h1.news-title" in result.stderr.strip().splitlines()[-1]


def test_redesign_run_is_recorded_degraded_with_field_counts(redesigned_portal):
    import json

    (run,) = rows(redesigned_portal[1], "select status, fields from crawl_runs")
    fields = json.loads(run["fields"])
    unknown = sum(1 for a in redesigned_portal[0].articles if a.template == "unknown")
    assert (run["status"], fields["title"]["fallback"], fields["body"]["fallback"]) == ("degraded", unknown, unknown)


@pytest.mark.parametrize("template", ["2024", "2021", "unknown"])
@pytest.mark.parametrize("field", ["title", "body_text", "published_at", "source"])
def test_every_layout_comes_out_right(redesigned_portal, template, field):
    site, db, _ = redesigned_portal
    stored = articles_by_path(db)
    expected = {p.lower(): e for p, e in site.expected_articles().items() if e.template == template}
    assert expected
    attribute = {"published_at": "published"}.get(field, field)
    want = {p: (iso(getattr(e, attribute)) if field == "published_at" else getattr(e, attribute))
            for p, e in expected.items()}
    assert {p: stored[p][field] for p in expected} == want


def test_alarm_threshold_is_a_setting(tmp_path):
    site = Site.generate(n_articles=20, seed=8, template_unknown=0.3)
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "monre.db", settings={"MONRE_FALLBACK_ALARM": "0.9"})
    assert result.returncode == 0, result.stderr[-2000:]

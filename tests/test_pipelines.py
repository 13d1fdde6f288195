"""Each pipeline on its own, through ``process_item`` (alltheplaces style): one assertion per test."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from monre_crawler.items import ArticleItem, ListingSighting
from monre_crawler.pipelines.content_hash import ContentHashPipeline
from monre_crawler.pipelines.dates import DatesPipeline
from monre_crawler.pipelines.extraction_health import ExtractionHealthPipeline
from monre_crawler.pipelines.required_fields import RequiredFieldsPipeline

URL = "https://monre.gov.vn/Pages/a.aspx"


@pytest.fixture
def crawler():
    crawler = get_crawler()
    crawler.stats.open_spider()
    return crawler


def article(**fields) -> ArticleItem:
    return ArticleItem(id="a", url=URL, **{"title": "Tiêu đề", "body_text": "Nội dung", **fields})


def test_required_fields_drops_an_untitled_article(crawler):
    with pytest.raises(DropItem):
        RequiredFieldsPipeline.from_crawler(crawler).process_item(article(title=""))


def test_required_fields_passes_a_sighting(crawler):
    sighting = ListingSighting(category="x", article_ids=["a"])
    assert RequiredFieldsPipeline.from_crawler(crawler).process_item(sighting) is sighting


def test_dates_from_the_page(crawler):
    item = DatesPipeline.from_crawler(crawler).process_item(article(date_text="12/07/2024 08:30"))
    assert item.published_at == "2024-07-12T08:30:00+07:00"


def test_dates_from_the_listing_when_the_page_has_none(crawler):
    DatesPipeline.from_crawler(crawler).process_item(article(listing_date_text="12/07/2024"))
    assert crawler.stats.get_value("monre/dates/from_listing") == 1


def test_dates_none_when_neither_gives_one(crawler):
    assert DatesPipeline.from_crawler(crawler).process_item(article()).published_at is None


def test_content_hash_changes_with_the_body():
    pipeline = ContentHashPipeline()
    first = pipeline.process_item(article()).content_hash
    assert pipeline.process_item(article(body_text="Nội dung đã sửa")).content_hash != first


def test_extraction_health_counts_a_missing_title(crawler):
    ExtractionHealthPipeline.from_crawler(crawler).process_item(
        article(title="", found={"title": "missing", "date": "selector", "body": "selector"}))
    assert crawler.stats.get_value("monre/fields/title/missing") == 1


def test_extraction_health_counts_a_fallback_once_per_article(crawler):
    ExtractionHealthPipeline.from_crawler(crawler).process_item(
        article(found={"title": "fallback", "date": "fallback", "body": "selector"}))
    assert crawler.stats.get_value("monre/fields/any_fallback") == 1


def test_extraction_health_names_the_selectors_that_missed(crawler):
    ExtractionHealthPipeline.from_crawler(crawler).process_item(article(missed=["2024:title 'h1.news-title'"]))
    assert crawler.stats.get_value("monre/fields/missed/2024:title 'h1.news-title'") == 1

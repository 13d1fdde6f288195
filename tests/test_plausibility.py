"""Silent wrong data made loud: one title for many articles, the day of the crawl without a time of day, dates in
the future (the plausibility pipeline's counts, the run's verdict, and a real crawl that raises the alarm)."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from monre_crawler.extensions import CrawlRunRecorder
from monre_crawler.items import ArticleItem
from monre_crawler.pipelines.plausibility import PlausibilityPipeline, crawl_day
from monre_crawler.spiders.mae import MaeSpider

from .conftest import crawl, rows
from .utils import six_article_portal

TODAY = crawl_day()


def item(n: int, title: str = "", published: str | None = "2025-07-24T14:35:00+07:00") -> ArticleItem:
    return ArticleItem(id=f"a{n}", url=f"https://mae.gov.vn/a-{n}.htm", title=title or f"Bài số {n}",
                       published_at=published)


@pytest.fixture
def pipeline():
    return PlausibilityPipeline(MemoryStatsCollector(get_crawler(MaeSpider)))


def counted(pipeline, items) -> dict:
    for one in items:
        pipeline.process_item(one)
    return {k.removeprefix("monre/plausibility/"): v for k, v in pipeline.stats.get_stats().items()}


def test_the_most_shared_title_is_counted(pipeline):
    stats = counted(pipeline, [item(1, "Cổng"), item(2, "CỔNG"), item(3), item(4, "Cổng")])
    assert (stats["same_title"], stats["same_title_text"]) == (3, "Cổng")


def test_dates_of_the_crawl_day_without_a_time_are_counted(pipeline):
    stats = counted(pipeline, [item(1, published=TODAY.isoformat()), item(2, published=f"{TODAY}T09:00:00+07:00"),
                               item(3)])
    assert (stats["today_without_time"], stats["with_time"], stats["dated"]) == (1, 2, 3)


def test_dates_in_the_future_are_counted(pipeline):
    stats = counted(pipeline, [item(1, published=(TODAY + timedelta(days=2)).isoformat()), item(2)])
    assert (stats["future"], stats["future_example"]) == (1, f"https://mae.gov.vn/a-1.htm ({TODAY + timedelta(days=2)})")


def verdict(**seen) -> str:
    settings = Settings()
    settings.setmodule("monre_crawler.settings")
    recorder = CrawlRunRecorder.__new__(CrawlRunRecorder)
    recorder.crawler = SimpleNamespace(settings=settings)
    return recorder._implausible({"plausibility": seen})


@pytest.mark.parametrize("seen, alarm", [
    ({"same_title": 2, "same_title_text": "Tin", "dated": 40, "with_time": 40}, ""),  # a repost: two copies
    ({"same_title": 3, "same_title_text": "Cổng", "dated": 40, "with_time": 40}, "3 articles share the title 'Cổng'"),
    ({"dated": 12, "today_without_time": 12}, ""),  # a portal printing no times, on a busy day
    ({"dated": 40, "today_without_time": 31}, "31 articles are dated the day of the crawl"),
    ({"dated": 40, "with_time": 37, "today_without_time": 3}, "while the others carry one"),
    ({"dated": 40, "with_time": 38, "today_without_time": 2}, ""),
    ({"dated": 40, "with_time": 40, "future": 1, "future_example": "x (2099-01-01)"}, "dated after the day of the crawl"),
])
def test_the_verdict(seen, alarm):
    message = verdict(**seen)
    assert (alarm in message and bool(message)) if alarm else message == ""


def test_a_crawl_storing_one_title_for_every_article_is_degraded(tmp_path):
    """A portal in mae.gov.vn's URL forms whose article pages name no article: only the portal's heading."""
    def article(number, paragraphs):
        return (f"<html><head><title>Cổng thông tin</title></head><body><div><h1>Cổng thông tin</h1>"
                f"<p>24/07/2025 14:35</p></div><div>{paragraphs}</div></body></html>")

    with six_article_portal("<html><body>{links}</body></html>", article) as url:
        result = crawl(url, tmp_path / "monre.db", "backfill=off", spider="mae")
    assert result.returncode == 3, result.stderr[-2000:]
    assert "6 articles share the title 'Cổng thông tin'" in result.stderr.strip().splitlines()[-1]
    (run,) = rows(tmp_path / "monre.db", "select status, fields from crawl_runs")
    assert (run["status"], json.loads(run["fields"])["plausibility"]["same_title"]) == ("degraded", 6)

"""Count what silent wrong data looks like: articles of one run sharing a title, dated the day of the crawl
without a time of day (a page header's "today" taken for the article's date), or dated in the future.

Nothing is missing when a generic fallback takes the page's banner for the title and its "today" for the date,
so the missing-field alarm cannot see it; these counts can. They go to the crawl stats
(``monre/plausibility/…``); the run recorder (:mod:`monre_crawler.extensions`) raises the alarm on them
(``MONRE_SAME_TITLE_ALARM``, ``MONRE_SAME_DAY_ALARM``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from ..items import ArticleItem
from ..text import fold
from .base import StatsPipeline

PREFIX = "monre/plausibility"


def crawl_day():
    """Today in Vietnam (the portals' time zone, UTC+7)."""
    return (datetime.now(timezone.utc) + timedelta(hours=7)).date()


class PlausibilityPipeline(StatsPipeline):
    def __init__(self, stats):
        super().__init__(stats)
        self.titles: Counter = Counter()
        self.today = crawl_day()

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        if item.title:
            key = fold(item.title)
            self.titles[key] += 1
            if self.titles[key] > self.stats.get_value(f"{PREFIX}/same_title", 0):
                self.stats.set_value(f"{PREFIX}/same_title", self.titles[key])
                self.stats.set_value(f"{PREFIX}/same_title_text", item.title)
        if item.published_at:
            day = datetime.fromisoformat(item.published_at[:10]).date()
            timed = "T" in item.published_at
            self.stats.inc_value(f"{PREFIX}/dated")
            if timed:
                self.stats.inc_value(f"{PREFIX}/with_time")
            if day == self.today and not timed:
                self.stats.inc_value(f"{PREFIX}/today_without_time")
            if day > self.today:
                self.stats.inc_value(f"{PREFIX}/future")
                if not self.stats.get_value(f"{PREFIX}/future_example"):
                    self.stats.set_value(f"{PREFIX}/future_example", f"{item.url} ({item.published_at})")
        return item

"""Drop articles that have no title: a page that is not an article, or one the extractors could not read.

A listed article dropped here is lost, not skipped: it is recorded in the crawl's state like any other loss
(the run is ``incomplete``, the article is in ``lost_articles`` and the next run fetches it again).
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from ..items import ArticleItem
from .base import StatsPipeline

logger = logging.getLogger(__name__)


class RequiredFieldsPipeline(StatsPipeline):
    def __init__(self, stats, crawler=None):
        super().__init__(stats)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler)

    def process_item(self, item):
        if isinstance(item, ArticleItem) and not item.title:
            self.stats.inc_value("monre/dropped/no_title")
            state = getattr(getattr(self.crawler, "spider", None), "state", None)
            if state is not None:
                state.lose(item.url, "unreadable: no title found", item.categories or None, item.id)
            raise DropItem(f"no title found on {item.url}: not stored")
        return item

    def close_spider(self):
        dropped = self.stats.get_value("monre/dropped/no_title", 0)
        if dropped:
            logger.warning("Dropped %d page(s) without a title", dropped)

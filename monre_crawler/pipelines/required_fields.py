"""Drop articles that have no title: a page that is not an article, or one the extractors could not read."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from ..items import ArticleItem
from .base import StatsPipeline

logger = logging.getLogger(__name__)


class RequiredFieldsPipeline(StatsPipeline):
    def process_item(self, item):
        if isinstance(item, ArticleItem) and not item.title:
            self.stats.inc_value("monre/dropped/no_title")
            raise DropItem(f"no title found on {item.url}: not stored")
        return item

    def close_spider(self):
        dropped = self.stats.get_value("monre/dropped/no_title", 0)
        if dropped:
            logger.warning("Dropped %d page(s) without a title", dropped)

"""Normalise the printed publication date to ISO 8601 with ``monre_crawler.dates.parse_date``.

The article's own date comes first, its listing entry's date second; a date that neither gives leaves
``published_at`` NULL (the article is stored all the same) with a warning.
"""

from __future__ import annotations

import logging

from ..dates import parse_date, to_iso
from ..items import ArticleItem
from .base import StatsPipeline

logger = logging.getLogger(__name__)


class DatesPipeline(StatsPipeline):
    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        value = parse_date(item.date_text) if item.date_text else None
        if value is None and item.listing_date_text and item.listing_date_text != item.date_text:
            value = parse_date(item.listing_date_text)
            if value is not None:
                self.stats.inc_value("monre/dates/from_listing")
        if value is None:
            self.stats.inc_value("monre/dates/missing")
            if item.date_text:
                logger.warning("Unparseable date %r on %s: stored without a date", item.date_text, item.url)
            else:
                logger.info("No publication date on %s: stored without a date", item.url)
        else:
            self.stats.inc_value("monre/dates/parsed")
        item.published_at = to_iso(value)
        return item

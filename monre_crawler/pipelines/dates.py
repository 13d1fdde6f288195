"""Normalise the printed publication date to ISO 8601 with ``monre_crawler.dates.parse_date``.

The one place where the publication date is decided. The article's own date comes first: the layout's
selector, or a date the generic fallbacks found near the title. Its listing entry's date comes second: when the
page gives none or an unreadable one, and when a fallback's guess disagrees with the listing on the day (the
listing's selector is site knowledge; the guess is not). A date that neither gives leaves ``published_at`` NULL
(the article is stored all the same) with a warning. Each text is parsed once.
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
        listing = None
        if item.listing_date_text and item.listing_date_text != item.date_text:
            listing = parse_date(item.listing_date_text)
        guessed = item.found.get("date") == "fallback"
        if listing is not None and (value is None or (guessed and _day(value) != _day(listing))):
            value = listing
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


def _day(value):
    """The calendar day of a date or a datetime."""
    return value.date() if hasattr(value, "hour") else value

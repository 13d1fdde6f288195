"""Count, per key field, whether the layout's own selectors found it or a generic fallback had to.

The counts go to the crawl stats (``monre/fields/<field>/<selector|fallback|missing>``); the run recorder
stores them with the run and raises the alarm when fallbacks served too many articles (a redesign), or, for a
portal read by fallbacks by design (no layout known: mae.gov.vn), when a key field went missing on too many
(``monre/fields/any_missing``).
"""

from __future__ import annotations

import logging

from ..items import KEY_FIELDS, ArticleItem
from .base import StatsPipeline

logger = logging.getLogger(__name__)


class ExtractionHealthPipeline(StatsPipeline):
    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        self.stats.inc_value("monre/fields/articles")
        fallback = missing = False
        for name in KEY_FIELDS:
            how = item.found.get(name, "missing")
            self.stats.inc_value(f"monre/fields/{name}/{how}")
            fallback |= how == "fallback"
            missing |= how == "missing"
        if fallback:
            self.stats.inc_value("monre/fields/any_fallback")
        if missing:
            self.stats.inc_value("monre/fields/any_missing")
        for missed in item.missed:
            self.stats.inc_value(f"monre/fields/missed/{missed}")
        self.stats.inc_value(f"monre/layouts/{item.template or 'unknown'}")
        return item

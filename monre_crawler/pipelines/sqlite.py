"""Write articles, listing sightings and alias sightings to the SQLite archive (see :mod:`monre_crawler.store`)."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3

from scrapy.utils.defer import deferred_from_coro

from ..items import AliasSighting, ArticleItem, DocumentsItem, ListingSighting
from ..extensions import store_of
from ..store import Store, describe_error

logger = logging.getLogger(__name__)


class SQLitePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.store = store_of(self.crawler)

    def process_item(self, item):
        try:
            if isinstance(item, ArticleItem):
                # A shallow dict: dataclasses.asdict deep-copies every list and dict of the item (images,
                # attachments, categories, found), which the store only reads. Measurably slower per item.
                row = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
                self.store.add_article(row)
            elif isinstance(item, ListingSighting):
                self.store.add_sighting(item.category, item.article_ids)
            elif isinstance(item, AliasSighting):
                self.store.add_aliases(item.article_id, item.urls, primary=item.primary)
            elif isinstance(item, DocumentsItem):
                self.store.add_documents(item.article_id, item.documents)
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
        return item

    def close_spider(self):
        try:
            self.store.flush()
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
        counts = self.store.counts
        logger.info("Stored: %d new, %d updated (%d edited: a new version), %d unchanged, %d duplicates; "
                    "%d found removed, %d back on the portal",
                    counts["new"], counts["updated"], counts["edited"], counts["unchanged"], counts["duplicate"],
                    counts["removed"], counts["reappeared"])

    def _give_up(self, exc):
        """The archive cannot be written (disk full, file removed…): stop the crawl, keep what is stored."""
        self.crawler.spider.state.archive_error = describe_error(exc)
        logger.error("Cannot write the archive %s: %s; stopping the crawl", self.store.path, exc)
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))

"""How far a long crawl got, every ``MONRE_PROGRESS_INTERVAL`` seconds: one log line and the run's row.

A first full crawl of the real portal takes many hours at the polite pace (about one request a second).
Every interval (60 s; 0 turns this off) :class:`CrawlProgress` logs one line —

    Progress: 3 of 12 categories done, 412 listing pages read, 1,530 articles stored (1,480 new,
    12 updated), 2,071 requests

— and writes the same counts and message into the running crawl's ``crawl_runs`` row (``requests``,
``items_new``, ``items_updated``, ``items_duplicate``, ``message``; ``status`` stays ``running``), so that a
reader watching Datasette sees how far it got. The run recorder overwrites them with the final counts when
the crawl ends. What it reads: the spider's :class:`~monre_crawler.state.CrawlState` (categories done),
the crawl stats (``monre/categories``, ``monre/listing_pages``, requests) and the store's counts.
Not done: an estimate of what is left (the spider follows the pager's "next" link and does not read its
last page number).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from .extensions import CrawlRunRecorder

logger = logging.getLogger(__name__)


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("MONRE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.task = task.LoopingCall(self.report, spider)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.task and self.task.running:
            self.task.stop()

    def message(self, spider) -> tuple[str, dict]:
        """The progress line and the counts it states."""
        stats, state = self.crawler.stats, spider.state
        counts = self.crawler.get_extension(CrawlRunRecorder).store.counts
        total = stats.get_value("monre/categories") or len(state.categories_started)
        values = {
            "requests": stats.get_value("downloader/request_count", 0),
            "items_new": counts["new"],
            "items_updated": counts["updated"],
            "items_duplicate": counts["duplicate"],
        }
        stored = counts["new"] + counts["updated"] + counts["unchanged"]
        text = (f"{len(state.categories_done)} of {total} categories done, "
                f"{stats.get_value('monre/listing_pages', 0):,} listing pages read, "
                f"{stored:,} articles stored ({counts['new']:,} new, {counts['updated']:,} updated), "
                f"{values['requests']:,} requests")
        return text, values

    def report(self, spider) -> None:
        text, values = self.message(spider)
        logger.info("Progress: %s", text)
        recorder = self.crawler.get_extension(CrawlRunRecorder)
        if recorder.run_id is not None:
            try:
                recorder.store.record_progress(recorder.run_id, message=f"running: {text}", **values)
            except Exception as exc:  # the archive is the recorder's to judge; a progress note is not worth a crash
                logger.warning("Progress not recorded in crawl_runs: %s", exc)

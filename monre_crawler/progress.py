"""How far a long crawl got, every ``MONRE_PROGRESS_INTERVAL`` seconds: one log line and the run's row.

A first full crawl of the real portal takes many hours at the polite pace (about one request a second).
Every interval (60 s; 0 turns this off) :class:`CrawlProgress` logs one line —

    Progress: 3 of 12 categories done, 412 listing pages read, 1,530 articles stored (1,480 new,
    12 updated), 2,071 requests; at least 1,234 listing pages left in 5 categories (about 24,000 articles
    at 19.5 per page), at least 7.2 h at the pace of the last 10 min; 4 categories' size not yet known

— and writes the same counts and message into the running crawl's ``crawl_runs`` row (``requests``,
``items_new``, ``items_updated``, ``items_duplicate``, ``message``; ``status`` stays ``running``), so that a
reader watching Datasette sees how far it got. The run recorder overwrites them with the final counts when
the crawl ends. What it reads: the spider's :class:`~monre_crawler.state.CrawlState` (categories done, what
each category's pager showed of its size), the crawl stats (``monre/categories``, ``monre/listing_pages``,
requests) and the store's counts.

What is left (:mod:`monre_crawler.estimate`) is said only as far as the pagers tell: listing pages left where a
category's pager showed a page number ("at least" unless it showed its last page: a pager showing a window of
numbers gives a lower bound), the articles they list at the mean per page read so far, the time at the pace of
the last 10 minutes' requests, and how many categories' size is not known yet. No schema column holds it: the
``message`` is what a Datasette reader sees. The ``mae`` spider finds its sections' pagers by discovery, which
reads no page number: its line says that what is left is not estimated.
"""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from . import estimate
from .extensions import CrawlRunRecorder

logger = logging.getLogger(__name__)


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.task: task.LoopingCall | None = None
        self.pace = estimate.Pace()

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
        self.pace.add(time.monotonic(), 0, 0)
        self.task = task.LoopingCall(self.report, spider)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.task and self.task.running:
            self.task.stop()

    def message(self, spider, now: float | None = None) -> tuple[str, dict]:
        """The progress line and the counts it states (a sample of the pace, at ``now``)."""
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
        pages = stats.get_value("monre/listing_pages", 0)
        text = (f"{len(state.categories_done)} of {total} categories done, {pages:,} listing pages read, "
                f"{stored:,} articles stored ({counts['new']:,} new, {counts['updated']:,} updated), "
                f"{values['requests']:,} requests")
        self.pace.add(time.monotonic() if now is None else now, values["requests"], pages)
        if getattr(spider, "sizes_categories", False):
            known = estimate.left(state, total)
            left = estimate.describe(known, self.pace.seconds_for(known.pages), self.pace.span)
        else:
            left = "what is left is not estimated for this portal"
        return f"{text}; {left}" if left else text, values

    def report(self, spider) -> None:
        text, values = self.message(spider)
        logger.info("Progress: %s", text)
        recorder = self.crawler.get_extension(CrawlRunRecorder)
        if recorder.run_id is not None:
            try:
                recorder.store.record_progress(recorder.run_id, message=f"running: {text}", **values)
            except Exception as exc:  # the archive is the recorder's to judge; a progress note is not worth a crash
                logger.warning("Progress not recorded in crawl_runs: %s", exc)

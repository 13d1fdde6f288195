"""Own the archive for the crawl, record the crawl as a row of ``crawl_runs`` and decide whether it succeeded.

:class:`CrawlRunRecorder` opens the archive (:meth:`Store.from_settings`) when the crawler is built, before
any request, and closes it when the spider closes, after recording the run; the spider and the SQLite
pipeline ask it for the open store (:func:`store_of`).

A run is ``failed`` when the portal could not be reached, when it ended for any reason other than
``finished`` (a SIGTERM gives ``shutdown``), when the archive could not be written, or when more than
``MONRE_MAX_ERRORS`` errors were logged; ``degraded`` when generic fallbacks, not the layouts' own
selectors, had to find a key field of more than ``MONRE_FALLBACK_ALARM`` of the articles (the portal has
probably changed its layouts); ``ok`` otherwise. The verdict goes to the stats (``monre/run_status``),
where the project's ``crawl`` command reads it to exit non-zero, so that cron notices.
"""

from __future__ import annotations

import logging

from scrapy import signals

from .store import Store

logger = logging.getLogger(__name__)


def store_of(crawler) -> Store:
    """The crawl's open archive (held by its :class:`CrawlRunRecorder`)."""
    return crawler.get_extension(CrawlRunRecorder).store


class CrawlRunRecorder:
    def __init__(self, crawler, store: Store):
        self.crawler = crawler
        self.store = store
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        # Raises StoreError (another crawl is writing, the archive is unusable): the crawl does not start.
        store = Store.from_settings(crawler.settings, crawler.stats, is_repost_of=crawler.spider.profile.is_repost_of)
        ext = cls(crawler, store)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.store.fail_interrupted_runs()
        args = {"base_url": getattr(spider, "base_url", None), "categories": getattr(spider, "wanted", None),
                "full": getattr(spider, "full", False)}
        self.run_id = self.store.start_run(spider.name, args)
        self.crawler.stats.set_value("monre/run_id", self.run_id)

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats
        settings = self.crawler.settings
        if reason == "finished":
            done = set(getattr(spider, "categories_done", ())) - set(getattr(spider, "categories_failed", ()))
            if done:
                self.store.set_category_state(sorted(done), complete=True)
        errors = stats.get_value("log_count/ERROR", 0)
        articles = stats.get_value("monre/fields/articles", 0)
        fallback_share = stats.get_value("monre/fields/any_fallback", 0) / articles if articles else 0.0
        fields = {
            name: {how: stats.get_value(f"monre/fields/{name}/{how}", 0) for how in ("selector", "fallback", "missing")}
            for name in ("title", "date", "body")
        }
        fields["articles"] = articles
        fields["fallback_share"] = round(fallback_share, 4)
        fields["selectors_missed"] = {
            key.removeprefix("monre/fields/missed/"): value
            for key, value in stats.get_stats().items() if key.startswith("monre/fields/missed/")
        }
        status, message = "ok", ""
        unreachable = stats.get_value("monre/unreachable")
        if stats.get_value("monre/database_error"):
            status, message = "failed", f"cannot write the archive: {stats.get_value('monre/database_error')}"
        elif not getattr(spider, "portal_reached", True):
            status, message = "failed", f"cannot reach the portal at {unreachable or getattr(spider, 'base_url', '?')}"
        elif reason != "finished":
            status, message = "failed", f"the crawl ended early ({reason})"
        elif errors > settings.getint("MONRE_MAX_ERRORS"):
            status, message = "failed", f"{errors} errors, more than MONRE_MAX_ERRORS={settings.getint('MONRE_MAX_ERRORS')}"
        elif articles and fallback_share > settings.getfloat("MONRE_FALLBACK_ALARM"):
            status = "degraded"
            missed = ", ".join(f"{k} ({v})" for k, v in sorted(fields["selectors_missed"].items())) or "none recorded"
            message = (f"generic fallbacks had to find a key field for {fallback_share:.0%} of the articles "
                       f"(alarm above {settings.getfloat('MONRE_FALLBACK_ALARM'):.0%}): has the portal changed its page "
                       f"layouts? Selectors that missed: {missed}")
            logger.error("Extraction degraded: %s", message)
        counts = self.store.counts
        stats.set_value("monre/run_status", status)
        stats.set_value("monre/run_message", message)
        self.store.finish_run(
            self.run_id,
            status=status,
            finish_reason=reason,
            requests=stats.get_value("downloader/request_count", 0),
            items_new=counts["new"],
            items_updated=counts["updated"],
            items_duplicate=counts["duplicate"],
            items_dropped=stats.get_value("item_dropped_count", 0),
            errors=errors,
            fields=fields,
            message=message or None,
        )
        if status != "ok":
            logger.error("Run %s %s: %s", self.run_id, status, message)
        self.store.close()

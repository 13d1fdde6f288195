"""Own the archive for the crawl, record the crawl as a row of ``crawl_runs`` and decide whether it succeeded.

:class:`CrawlRunRecorder` opens the archive (:meth:`Store.from_settings`) when the crawler is built, before
any request, and closes it when the spider closes, after recording the run; the spider and the SQLite
pipeline ask it for the open store (:func:`store_of`).

A run is ``failed`` when the portal could not be reached, when it ended for any reason other than
``finished`` (a SIGTERM gives ``shutdown``), when the archive could not be written, or when more than
``MONRE_MAX_ERRORS`` errors were logged; ``degraded`` when generic fallbacks, not the layouts' own
selectors, had to find a key field of more than ``MONRE_FALLBACK_ALARM`` of the articles (the portal has
probably changed its layouts) or, for a portal read by the fallbacks by design (its profile knows no layout:
mae.gov.vn), when a key field (title, date, body) is missing on more than ``MONRE_MISSING_ALARM`` of them;
``ok`` otherwise. The verdict stays with the recorder
(``status``, ``message``, ``run_id``), where the project's ``crawl`` command reads it to exit non-zero, so
that cron notices. What the verdict needs of the crawl's progress, it reads from the spider's
:class:`~monre_crawler.state.CrawlState`.
"""

from __future__ import annotations

import logging

from scrapy import signals

from .items import KEY_FIELDS
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
        self.status: str | None = None  # the verdict, once the spider closed: ok, failed or degraded …
        self.message = ""  # … and why

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
        self.run_id = self.store.start_run(spider.name, spider.state.arguments)

    def spider_closed(self, spider, reason):
        state = spider.state
        if reason == "finished" and state.completed_categories():
            self.store.set_category_state(state.completed_categories(), complete=True)
        errors = self.crawler.stats.get_value("log_count/ERROR", 0)  # before this recorder logs its own
        fields = self._fields()
        discovery = getattr(state, "discovery", None)
        if discovery is not None:
            fields["discovery"] = discovery()
        self.status, self.message = self._verdict(state, reason, fields, errors, bool(spider.profile.layouts))
        if self.status == "degraded":
            logger.error("Extraction degraded: %s", self.message)
        stats, counts = self.crawler.stats, self.store.counts
        self.store.finish_run(
            self.run_id,
            status=self.status,
            finish_reason=reason,
            requests=stats.get_value("downloader/request_count", 0),
            items_new=counts["new"],
            items_updated=counts["updated"],
            items_duplicate=counts["duplicate"],
            items_dropped=stats.get_value("item_dropped_count", 0),
            errors=errors,
            fields=fields,
            message=self.message or None,
        )
        if self.status != "ok":
            logger.error("Run %s %s: %s", self.run_id, self.status, self.message)
        self.store.close()

    def _fields(self) -> dict:
        """Per key field, how often the layouts' selectors or a fallback found it (``crawl_runs.fields``)."""
        stats = self.crawler.stats.get_stats()
        articles = stats.get("monre/fields/articles", 0)
        fields = {name: {how: stats.get(f"monre/fields/{name}/{how}", 0) for how in ("selector", "fallback", "missing")}
                  for name in KEY_FIELDS}
        fields["articles"] = articles
        fields["fallback_share"] = round(stats.get("monre/fields/any_fallback", 0) / articles if articles else 0.0, 4)
        fields["missing_share"] = round(stats.get("monre/fields/any_missing", 0) / articles if articles else 0.0, 4)
        fields["selectors_missed"] = {key.removeprefix("monre/fields/missed/"): value
                                      for key, value in stats.items() if key.startswith("monre/fields/missed/")}
        return fields

    def _verdict(self, state, reason: str, fields: dict, errors: int, layouts: bool = True) -> tuple[str, str]:
        """The run's status (``ok``, ``failed``, ``degraded``) and the message that says why. ``layouts``: the
        portal's profile knows its page layouts (else the fallbacks read it by design: the alarm is on
        missing fields, not on fallbacks)."""
        settings, stats = self.crawler.settings, self.crawler.stats
        articles = stats.get_value("monre/fields/articles", 0)
        fallback_share = stats.get_value("monre/fields/any_fallback", 0) / articles if articles else 0.0
        if state.archive_error:
            return "failed", f"cannot write the archive: {state.archive_error}"
        if not state.portal_reached:
            return "failed", f"cannot reach the portal at {state.unreachable or state.base_url}"
        if reason != "finished":
            return "failed", f"the crawl ended early ({reason})"
        if errors > settings.getint("MONRE_MAX_ERRORS"):
            return "failed", f"{errors} errors, more than MONRE_MAX_ERRORS={settings.getint('MONRE_MAX_ERRORS')}"
        if not layouts:
            missing_share = fields["missing_share"]
            if articles and missing_share > settings.getfloat("MONRE_MISSING_ALARM"):
                missing = ", ".join(f"{name} ({fields[name]['missing']})" for name in KEY_FIELDS
                                    if fields[name]["missing"])
                return "degraded", (f"a key field is missing on {missing_share:.0%} of the articles (alarm above "
                                    f"{settings.getfloat('MONRE_MISSING_ALARM'):.0%}; missing: {missing}): has the "
                                    f"portal changed its pages?")
            return "ok", ""
        if articles and fallback_share > settings.getfloat("MONRE_FALLBACK_ALARM"):
            missed = ", ".join(f"{k} ({v})" for k, v in sorted(fields["selectors_missed"].items())) or "none recorded"
            return "degraded", (f"generic fallbacks had to find a key field for {fallback_share:.0%} of the articles "
                                f"(alarm above {settings.getfloat('MONRE_FALLBACK_ALARM'):.0%}): has the portal "
                                f"changed its page layouts? Selectors that missed: {missed}")
        return "ok", ""

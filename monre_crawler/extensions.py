"""Own the archive for the crawl, record the crawl as a row of ``crawl_runs`` and decide whether it succeeded.

:class:`CrawlRunRecorder` opens the archive (:meth:`Store.from_settings`) when the crawler is built, before
any request, and closes it when the spider closes, after recording the run; the spider and the SQLite
pipeline ask it for the open store (:func:`store_of`).

A run is, in this order of precedence (the first that applies):

- ``failed`` when the archive could not be written, the portal could not be reached (its home page failed,
  redirects to another site, or robots.txt forbids it), the run ended for any reason other than
  ``finished`` (a SIGTERM gives ``shutdown``), more than ``MONRE_MAX_ERRORS`` errors were logged, or no
  news was found at all (no category in the home page's menu, or no category listing lists an article;
  articles fetched again — lost by earlier runs, re-checked — are no news): the message says what the portal
  showed instead (the page's title, the site it redirects to);
- ``incomplete`` when it lost a listed article or a listing page (see :mod:`monre_crawler.state`): the
  message names how many and the first few; the lost articles are kept in ``lost_articles`` and the next run
  fetches them again;
- ``degraded`` when generic fallbacks, not the layouts' own selectors, had to find a key field of more than
  ``MONRE_FALLBACK_ALARM`` of the articles (the portal has probably changed its layouts) or, for a portal
  read by the fallbacks by design (its profile knows no layout: mae.gov.vn), when a key field (title, date,
  body) is missing on more than ``MONRE_MISSING_ALARM`` of them; and, for any portal, when the data is
  implausible (``MONRE_SAME_TITLE_ALARM`` articles sharing a title, more than ``MONRE_SAME_DAY_ALARM`` dated the
  day of the crawl without a time, any dated in the future: see :mod:`monre_crawler.pipelines.plausibility`);
- ``ok`` otherwise.

An incomplete run that is also degraded says both in its message. Whatever the status, the run's losses are
recorded (``crawl_runs.items_lost``, ``crawl_runs.lost``, ``lost_articles``). The verdict stays with the recorder
(``status``, ``message``, ``run_id``), where the project's ``crawl`` command reads it to exit non-zero, so
that cron notices. What the verdict needs of the crawl's progress, it reads from the spider's
:class:`~monre_crawler.state.CrawlState`.
"""

from __future__ import annotations

import logging
import sqlite3

from scrapy import signals

from .items import KEY_FIELDS
from .store import Store, describe_error
from .text import for_message

logger = logging.getLogger(__name__)

LOST_NAMED = 3  # the message names this many lost pages, then "and N more"


def store_of(crawler) -> Store:
    """The crawl's open archive (held by its :class:`CrawlRunRecorder`)."""
    return crawler.get_extension(CrawlRunRecorder).store


class CrawlRunRecorder:
    def __init__(self, crawler, store: Store):
        self.crawler = crawler
        self.store = store
        self.run_id: int | None = None
        self.status: str | None = None  # the verdict, once the spider closed: ok, failed, incomplete, degraded …
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
        if reason == "finished" and state.listed and state.completed_categories():  # not when nothing was listed
            self.store.set_category_state(state.completed_categories(), complete=True)
        errors = self.crawler.stats.get_value("log_count/ERROR", 0)  # before this recorder logs its own
        fields = self._fields()
        discovery = getattr(state, "discovery", None)
        if discovery is not None:
            fields["discovery"] = discovery()
        self.status, self.message = self._verdict(state, reason, fields, errors, bool(spider.profile.layouts))
        if self.status == "degraded":
            logger.error("Extraction degraded: %s", self.message)
        lost = state.lost_articles()
        stats = self.crawler.stats
        documents = {key: stats.get_value(f"monre/documents/{key}", 0)
                     for key in ("ok", "no_text", "unreadable", "failed", "lost", "waiting", "not_fetched_offsite")}
        # failed for the portal's own state (a dead link, not a document…): asked for again after a growing wait
        dead = documents["failed"] - documents["lost"]
        about_documents = "; ".join(part for part in (
            f"{dead} {'more ' if documents['lost'] else ''}attached document(s) not archived (tried again after a wait)"
            if dead else "",
            f"{documents['waiting']} failed document(s) wait for their next try (not asked for this run)"
            if documents["waiting"] else "") if part)
        if documents["lost"] and self.status in ("ok", "degraded"):
            # a document the portal would have served but the download failed (server error, timeout): a loss
            lost_documents = "; ".join(filter(None, (
                f"{documents['lost']} attached document(s) could not be downloaded (tried again next run)",
                about_documents)))
            self.status, self.message = "incomplete", lost_documents + (f"; also degraded: {self.message}"
                                                                         if self.status == "degraded" else "")
        elif self.status == "ok" and about_documents:
            self.message = about_documents
        try:  # a full disk may refuse this last write too: one clear line, no traceback
            if not state.archive_error:
                if lost:
                    self.store.record_lost(self.run_id, spider.profile.portal, lost)
                # lost by an earlier run and fetched again without a loss (stored ones are forgotten as they are written)
                recovered = state.retrying - {loss.article_id for loss in lost} if reason == "finished" else set()
                if recovered:
                    self.store.forget_lost(recovered)
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
                items_edited=counts["edited"],
                items_removed=counts["removed"],
                errors=errors,
                fields=fields,
                documents=documents,
                message=self.message or None,
                items_lost=len(lost),
                lost=[loss.record() for loss in state.losses()],
            )
        except sqlite3.DatabaseError as exc:  # a full disk: the row stays 'running', the next run records it as failed
            if self.status != "failed":
                self.status, self.message = "failed", f"cannot write the archive: {describe_error(exc)}"
            logger.error("Cannot record run %s in the archive: %s (the next run records it as failed)",
                         self.run_id, describe_error(exc))
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
        fields["plausibility"] = {key.removeprefix("monre/plausibility/"): value for key, value in stats.items()
                                  if key.startswith("monre/plausibility/")}
        return fields

    def _implausible(self, fields: dict) -> str:
        """Why the run's data looks silently wrong ("" when it does not): one title for many articles, many
        articles dated the day of the crawl without a time of day, articles dated in the future."""
        settings, seen = self.crawler.settings, fields["plausibility"]
        same_title, same_day = settings.getint("MONRE_SAME_TITLE_ALARM"), settings.getint("MONRE_SAME_DAY_ALARM")
        today, dated = seen.get("today_without_time", 0), seen.get("dated", 0)
        others_timed = seen.get("with_time", 0) > (dated - today) / 2 if dated > today else False
        reasons = []
        if same_title and seen.get("same_title", 0) >= same_title:
            reasons.append(f"{seen['same_title']} articles share the title {seen.get('same_title_text', '')!r} "
                           f"(alarm at MONRE_SAME_TITLE_ALARM={same_title})")
        if today and (today > same_day or (today >= 3 and others_timed)):
            reasons.append(f"{today} articles are dated the day of the crawl without a time of day"
                           + (" while the others carry one" if others_timed else
                              f" (alarm above MONRE_SAME_DAY_ALARM={same_day})"))
        if seen.get("future"):
            reasons.append(f"{seen['future']} article(s) dated after the day of the crawl "
                           f"(first: {seen.get('future_example', '')})")
        if not reasons:
            return ""
        return "implausible data: " + "; ".join(reasons) + ": is a page's header read as the article's title or date?"

    def _verdict(self, state, reason: str, fields: dict, errors: int, layouts: bool = True) -> tuple[str, str]:
        """The run's status (``failed``, ``incomplete``, ``degraded``, ``ok``: the first that applies) and the
        message that says why. ``layouts``: the portal's profile knows its page layouts (else the fallbacks
        read it by design: the alarm is on missing fields, not on fallbacks)."""
        settings, stats = self.crawler.settings, self.crawler.stats
        articles = stats.get_value("monre/fields/articles", 0)
        fallback_share = stats.get_value("monre/fields/any_fallback", 0) / articles if articles else 0.0
        if state.archive_error:
            return "failed", f"cannot write the archive: {state.archive_error}"
        if not state.portal_reached:
            return "failed", self._unreached(state)
        if reason != "finished":
            return "failed", f"the crawl ended early ({reason})"
        if errors > settings.getint("MONRE_MAX_ERRORS"):
            lost = f"; {_losses(state)}" if state.lost else ""
            return "failed", f"{errors} errors, more than MONRE_MAX_ERRORS={settings.getint('MONRE_MAX_ERRORS')}{lost}"
        if not state.news_found():  # the articles fetched again (lost, re-checked) are no news
            return "failed", self._no_news(state, stats.get_value("monre/categories", 0))
        degraded = ""
        if not layouts:
            missing_share = fields["missing_share"]
            if articles and missing_share > settings.getfloat("MONRE_MISSING_ALARM"):
                missing = ", ".join(f"{name} ({fields[name]['missing']})" for name in KEY_FIELDS
                                    if fields[name]["missing"])
                degraded = (f"a key field is missing on {missing_share:.0%} of the articles (alarm above "
                            f"{settings.getfloat('MONRE_MISSING_ALARM'):.0%}; missing: {missing}): has the "
                            f"portal changed its pages?")
        elif articles and fallback_share > settings.getfloat("MONRE_FALLBACK_ALARM"):
            missed = ", ".join(f"{k} ({v})" for k, v in sorted(fields["selectors_missed"].items())) or "none recorded"
            degraded = (f"generic fallbacks had to find a key field for {fallback_share:.0%} of the articles "
                        f"(alarm above {settings.getfloat('MONRE_FALLBACK_ALARM'):.0%}): has the portal "
                        f"changed its page layouts? Selectors that missed: {missed}")
        degraded = "; ".join(d for d in (self._implausible(fields), degraded) if d)
        if state.lost:
            message = _losses(state)
            return "incomplete", message + (f"; also degraded: {degraded}" if degraded else "")
        if degraded:
            return "degraded", degraded
        return "ok", ""

    @staticmethod
    def _unreached(state) -> str:
        """Why the home page gave nothing: another site, robots.txt, or no answer."""
        if state.home_redirect:
            return f"the portal redirects to {for_message(state.home_redirect, 120)} — its news may have moved"
        if state.robots_forbidden:
            return (f"the portal's robots.txt ({state.base_url}/robots.txt) forbids crawling its home page "
                    f"{for_message(state.robots_forbidden, 120)}: not crawled (the crawler obeys robots.txt)")
        return f"cannot reach the portal at {state.unreachable or state.base_url}"

    @staticmethod
    def _no_news(state, categories: int) -> str:
        """What the portal showed instead of news, when no listing listed any article."""
        if not state.found_news_places() and state.wanted is None:
            title = f"its title: {state.home_title!r}" if state.home_title else "it has no title"
            return (f"no {state.news_places} ({title}): is the portal down for maintenance, or has it moved?")
        if state.listing_redirect:
            return (f"the category listings redirect to {for_message(state.listing_redirect, 120)} — the news may "
                    f"have moved")
        if state.robots_forbidden:
            return (f"the portal's robots.txt forbids the category listings ({for_message(state.robots_forbidden, 120)}"
                    f"): not crawled (the crawler obeys robots.txt)")
        seen = f"; a first page's title: {state.empty_listing!r}" if state.empty_listing else ""
        lost = f"; {len(state.lost_listings())} listing page(s) could not be read" if state.lost_listings() else ""
        return f"no article listed in any of the {categories} categories crawled{seen}{lost}"


def _losses(state) -> str:
    """``lost 2 articles and 1 listing page: URL (HTTP 500), …, and 3 more; the next run fetches them again``."""
    articles, listings = state.lost_articles(), state.lost_listings()
    counts = []
    if articles:
        counts.append(f"{len(articles)} article{'s' if len(articles) != 1 else ''}")
    if listings:
        counts.append(f"{len(listings)} listing page{'s' if len(listings) != 1 else ''}")
    named = []
    for loss in state.losses()[:LOST_NAMED]:
        what = loss.url if loss.article_id else f"page {loss.page} of {loss.categories[0] if loss.categories else '?'}"
        named.append(f"{for_message(what, 160)} ({for_message(loss.reason, 60)})")
    more = len(state.lost) - len(named)
    return (f"lost {' and '.join(counts)}: {', '.join(named)}{f' and {more} more' if more else ''}; "
            f"the next run fetches them again")

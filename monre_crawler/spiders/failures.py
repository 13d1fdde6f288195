"""The failure handling of :class:`monre_crawler.spiders.base.PortalSpider`.

:class:`FailureMixin` is a mixin of :class:`~monre_crawler.spiders.base.PortalSpider` (it uses the spider's
``state``, ``crawler`` and, for re-checks, :class:`~monre_crawler.spiders.rechecks.RecheckMixin`): the
errback of every request (:meth:`FailureMixin.on_error`: a removed stored article, a dead link, a request not
followed, a fetch error, the home page unreachable), error pages retried and then counted as losses, an
article page that cannot be read, and an archive that cannot be written (which stops the crawl).
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro

from ..store import describe_error
from ..text import for_message
from .rechecks import STORED

__all__ = ["PERMANENT_STATUSES", "FailureMixin"]

PERMANENT_STATUSES = (404, 410)


class FailureMixin:
    """What the spider does when a request fails (a mixin of ``PortalSpider``)."""

    def _unreadable(self, article_id, url, category, reason):
        """A listed article whose page cannot be read: a loss (counted, logged at ERROR with its URL, recorded
        with :meth:`CrawlState.lose`, its categories left unfinished so that the next run fetches it again)."""
        self.crawler.stats.inc_value("monre/lost/unreadable")
        self.logger.error("Lost an article: cannot read %s (%s)", url, reason)
        self.state.lose(url, f"unreadable: {reason}", category, article_id)

    def _retry_error_page(self, response, category, article_id=None, page=None):
        retry = get_retry_request(response.request, spider=self, reason="error_page", max_retry_times=None)
        if retry is not None:
            retry.meta.pop("download_latency", None)  # a measurement of the last response, not of the retry
            yield retry
            return
        self.crawler.stats.inc_value("monre/errors/error_page")
        title = for_message(response.css("title::text").get())
        self.logger.error("%s answered with an error page (%r) after retries", response.url, title)
        if self._recheck_failed(response.request, category, article_id):
            return
        url = response.request.cb_kwargs.get("url") or response.request.url  # an article's canonical URL
        self.state.lose(url, f"error page {title!r}", category, article_id, page)

    def _archive_failed(self, exc) -> None:
        """The archive cannot be written (disk full, file removed…): stop the crawl, as the SQLite pipeline
        does, with one error line instead of a traceback."""
        self.state.archive_error = describe_error(exc)
        self.logger.error("Cannot write the archive: %s; stopping the crawl", exc)
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))

    def on_error(self, failure):
        request = failure.request
        kwargs = request.cb_kwargs
        category, article_id = kwargs.get("category"), kwargs.get("article_id")
        if failure.check(HttpError) and failure.value.response.status in PERMANENT_STATUSES and request.meta.get(STORED):
            self._removed(article_id, f"HTTP {failure.value.response.status}")
            return
        if failure.check(HttpError) and failure.value.response.status in PERMANENT_STATUSES:
            self.crawler.stats.inc_value("monre/dead_links")
            self.logger.warning("Dead link: %s answered %d", request.url, failure.value.response.status)
            self.state.forget(article_id)
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            why = failure.getErrorMessage() or "offsite"
            if "robots.txt" in why and article_id is None:  # the home page or a listing: say so in the verdict
                self.state.robots_forbidden = self.state.robots_forbidden or request.url
            self.crawler.stats.inc_value("monre/ignored")
            self.logger.warning("Not followed: %s (%s)", request.url, why)
            if article_id is not None and "robots.txt" not in why:
                if self._recheck_failed(request, category, article_id):  # stored: kept as it was
                    return
                # A listed article that redirects off the portal (another host, an unsafe scheme) is not in
                # the archive: a loss, named in the run's message, not a silent skip.
                self.state.lose(kwargs.get("url") or request.url, f"not followed: {why}", category, article_id)
                return
            self.state.forget(article_id)
            return
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.crawler.stats.inc_value("monre/errors/fetch")
        self.logger.error("Could not fetch %s: %s", request.url, reason)
        if category is None and article_id is None:  # the home page
            self.state.unreachable = f"{request.url} ({reason})"
            return
        if self._recheck_failed(request, category, article_id):
            return
        self.state.lose(kwargs.get("url") or request.url, reason, category, article_id, kwargs.get("page"))

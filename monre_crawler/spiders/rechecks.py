"""The re-fetching part of :class:`monre_crawler.spiders.base.PortalSpider`: lost articles and re-checks.

:class:`RecheckMixin` is a mixin of :class:`~monre_crawler.spiders.base.PortalSpider` (it uses the spider's
``store``, ``state``, ``profile`` and ``settings``): at the start of a run it fetches again the articles that
earlier runs lost (``lost_articles``) and re-checks stored ones — recent ones, or all with ``full=1`` —
marked :data:`STORED` in the request's meta, so that a page gone from the portal marks its article removed
(the archive keeps it) and a re-check that fails loses nothing. The module also holds the request
priorities and the meta key the spider modules share.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit, urlunsplit

import scrapy

from ..listing import ListingEntry

__all__ = ["ARTICLE_PRIORITY", "RECHECK_PRIORITY", "STORED", "RecheckMixin"]

ARTICLE_PRIORITY = 10  # articles of a listing page go before the next listing page: few pending at once
RECHECK_PRIORITY = -10  # re-checks of stored articles come after the listings and the new articles
STORED = "monre_stored"  # request meta: the article is in the archive (a 404 then means it was removed)


class RecheckMixin:
    """Lost articles fetched again, stored ones re-checked, removals (a mixin of ``PortalSpider``)."""

    def _lost_article_requests(self, selected: set[str]):
        """Articles that earlier runs lost (``lost_articles``), of the categories crawled now: fetched directly,
        wherever their categories list them now (incremental runs stop paging at the first stored page)."""
        base = urlsplit(self.base_url)
        for article_id, url, categories in self.store.lost_articles(self.profile.portal):
            if self.wanted is not None and not selected & set(categories):
                continue
            if article_id in self.state.pending:
                continue
            parts = urlsplit(url)  # on today's base_url (a mirror, the stand-in's port)
            url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
            self.state.retrying.add(article_id)
            self.state.pending[article_id] = list(categories)
            self.crawler.stats.inc_value("monre/lost/retried")
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, priority=ARTICLE_PRIORITY,
                                 cb_kwargs={"article_id": article_id, "url": url, "category": (categories or [None])[0],
                                            "listing": ListingEntry(url, "", "")})

    def _rechecks(self):
        """Fetch stored articles again: recent ones (incremental run) or all (``full=1``)."""
        days = self.settings.getint("MONRE_RECHECK_DAYS")
        if self.state.full:
            since = None
        elif days > 0:
            since = (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%d")
        else:
            return
        pending, refetched = self.state.pending, self.state.refetched
        for article_id, url, title, published_at in self.store.recheck_candidates(self.profile.portal, since):
            if article_id in pending or article_id in refetched:
                continue
            refetched.add(article_id)
            pending[article_id] = []
            self.crawler.stats.inc_value("monre/rechecks")
            # The stored title and date stand in for the listing entry's (a page without a date keeps its date).
            listing = ListingEntry(url=url, title=title or "", date_text=published_at or "")
            # dont_filter: a removed page may redirect to the home page, which this run has fetched already;
            # the duplicate filter would drop that redirect, and the removal, in silence.
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, priority=RECHECK_PRIORITY,
                                 meta={STORED: True}, dont_filter=True,
                                 cb_kwargs={"article_id": article_id, "url": url, "category": None,
                                            "listing": listing})

    def _removed(self, article_id: str, detail: str) -> None:
        """A stored article is gone from the portal: mark it removed (the archive keeps it)."""
        self.state.pending.pop(article_id, None)
        try:
            if self.store.mark_removed(article_id, detail):
                self.logger.warning("Removed from the portal: article %s (%s); kept in the archive", article_id,
                                    detail)
        except sqlite3.DatabaseError as exc:
            self._archive_failed(exc)

    def _recheck_failed(self, request, category, article_id) -> bool:
        """A re-check that failed (5xx, timeout, an error page after retries) loses nothing: the archive keeps
        the article as it was and the next night's re-check tries again. Not a removal either."""
        if not (request.meta.get(STORED) and category is None):
            return False
        for name in self.state.pending.pop(article_id, None) or []:  # listed meanwhile: page it again next run
            self.state.categories_failed.add(self.state.category_key(name))
        self.crawler.stats.inc_value("monre/rechecks/failed")
        return True

    def _is_home(self, url: str) -> bool:
        """Is ``url`` the portal's home page (where a portal may send the URL of a removed page)?"""
        parts = urlsplit(url)
        home = self.profile.home_path.lower().rstrip("/")
        return parts.netloc == urlsplit(self.base_url).netloc and parts.path.lower().rstrip("/") in (
            "", home, "/default.aspx", "/pages/default.aspx")

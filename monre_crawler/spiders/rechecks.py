"""The re-fetching part of :class:`monre_crawler.spiders.base.PortalSpider`: lost articles and re-checks.

:class:`RecheckMixin` is a mixin of :class:`~monre_crawler.spiders.base.PortalSpider` (it uses the spider's
``store``, ``state``, ``profile`` and ``settings``): at the start of a run (:meth:`RecheckMixin._refetches`,
once a page has shown the portal) it fetches again the articles that earlier runs lost
(``lost_articles``) and re-checks stored ones — recent ones, or all with ``full=1`` — marked :data:`STORED` in
the request's meta, so that a page gone from the portal marks its article removed (the archive keeps it) and a
re-check that fails loses nothing. Both spiders (``monre``, ``mae``) use it; a spider whose ``parse_article``
takes other arguments says how in :meth:`RecheckMixin._refetch_kwargs`. The module also holds the request
priorities and the meta key the spider modules share.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit, urlunsplit

import scrapy

from .. import extract
from ..listing import ListingEntry
from ..urls import canonical_url

__all__ = ["ARTICLE_PRIORITY", "RECHECK_PRIORITY", "STORED", "RecheckMixin"]

ARTICLE_PRIORITY = 10  # articles of a listing page go before the next listing page: few pending at once
RECHECK_PRIORITY = -10  # re-checks of stored articles come after the listings and the new articles
STORED = "monre_stored"  # request meta: the article is in the archive (a 404 then means it was removed)


class RecheckMixin:
    """Lost articles fetched again, stored ones re-checked, removals (a mixin of ``PortalSpider``)."""

    def _refetches(self, selected: set[str]):
        """The requests for what the archive knows: the articles earlier runs lost, then the re-checks. Only
        once a page has shown the portal (monre.gov.vn: the home page's menu; mae.gov.vn: the first page that
        links articles): a maintenance notice served for every URL would otherwise be taken for the text of every
        re-checked article. ``selected``: the categories crawled (a lost article of others waits for a run of
        its categories)."""
        yield from self._lost_article_requests(selected)
        yield from self._rechecks()

    def _refetch_kwargs(self, article_id: str, url: str, listing: ListingEntry, category: str | None,
                        stored: bool) -> dict:
        """The ``cb_kwargs`` of ``parse_article`` for an article fetched again (``stored``: a re-check of a
        stored article; else a lost one). A spider whose ``parse_article`` takes others overrides this."""
        return {"article_id": article_id, "url": url, "category": category, "listing": listing}

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
                                 cb_kwargs=self._refetch_kwargs(article_id, url, ListingEntry(url, "", ""),
                                                                (categories or [None])[0], stored=False))

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
                                 cb_kwargs=self._refetch_kwargs(article_id, url, listing, None, stored=True))

    def _settled_by_redirect(self, response, article_id: str, url: str) -> bool:
        """A re-checked article (``url``) that answered through a redirect: True when the redirect settles it —
        to the home page or an error page (removed), or to another article (moved: kept as it was, neither an
        edit nor a removal). False for anything else (not a re-check, no redirect, the same article)."""
        if not (response.meta.get(STORED) and response.meta.get("redirect_urls")):
            return False
        gone = "the home page" if self._is_home(response.url) else (
            "an error page" if extract.is_error_page(response, self.profile) else None)
        if gone:
            self._removed(article_id, f"redirected to {gone} ({response.url})")
            return True
        moved = canonical_url(response.url, self.base_url, self.profile.keeps_param)
        if self.profile.same_article(moved, url):
            return False
        self.crawler.stats.inc_value("monre/rechecks/moved")
        self.logger.warning("Re-checked article %s now redirects to %s: kept as it was", url, moved)
        self.state.pending.pop(article_id, None)
        return True

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

"""Say so when a redirect to another site is not followed.

Scrapy's OffsiteMiddleware drops a redirect to another host when it is scheduled, with a DEBUG line only and
without calling the request's errback. A portal page that redirects off the site is worth a WARNING: this
extension logs ``Not followed: <target> (redirected from <url>: another site)`` and counts it
(``monre/offsite_redirects``). It decides nothing: the request is dropped by Scrapy as before. When the page
redirected was the home page or a category listing, it notes where to in the spider's crawl state
(``home_redirect``, ``listing_redirect``): a portal that has moved fails the run with a message naming
the new site. When it was a listed article, the article is lost (the run is ``incomplete``, and the next run
tries it again).

:class:`OffsiteRedirectGuard` (a downloader middleware) stops what Scrapy lets through: a redirected request that
bypasses the duplicate filter (``dont_filter``: a re-check of a stored article, which must not lose a redirect to
the home page fetched already) passes Scrapy's OffsiteMiddleware whatever its host, and the RedirectMiddleware
copies ``dont_filter`` onto the redirected request, so a re-checked article redirected off the portal was fetched
from the other site. The guard fails such a request with ``IgnoreRequest`` before it is sent (and before the
other site's robots.txt is asked), counted in ``monre/offsite_redirects``; its errback decides (a re-check keeps
the article as it was).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def _offsite(request, spider) -> bool:
    """Is the request's host outside the spider's ``allowed_domains`` (their subdomains are inside)?"""
    host = (urlparse_cached(request).hostname or "").lower()
    allowed = [d.lower() for d in getattr(spider, "allowed_domains", None) or ()]
    return bool(allowed) and not any(host == d or host.endswith(f".{d}") for d in allowed)


class OffsiteRedirectGuard:
    """Never follow a redirect off the site, not even for a ``dont_filter`` request (see the module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not (request.dont_filter and request.meta.get("redirect_urls")) or request.meta.get("allow_offsite"):
            return None
        if not _offsite(request, self.crawler.spider):
            return None
        self.crawler.stats.inc_value("monre/offsite_redirects")
        raise IgnoreRequest(f"redirected from {request.meta['redirect_urls'][0]}: another site")


class OffsiteRedirectLogger:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def request_scheduled(self, request, spider):
        redirected_from = request.meta.get("redirect_urls")
        if not redirected_from or request.dont_filter or request.meta.get("allow_offsite"):
            return
        if not _offsite(request, spider):
            return
        self.crawler.stats.inc_value("monre/offsite_redirects")
        logger.warning("Not followed: %s (redirected from %s: another site)", request.url, redirected_from[0])
        state = getattr(spider, "state", None)
        if state is None:
            return
        if request.meta.get("portal_home"):
            state.home_redirect = state.home_redirect or request.url
        elif "category" in request.cb_kwargs and "article_id" not in request.cb_kwargs:
            state.listing_redirect = state.listing_redirect or request.url
        elif request.cb_kwargs.get("article_id"):  # a listed article that is not in the archive: a loss
            kwargs = request.cb_kwargs
            state.lose(kwargs.get("url") or redirected_from[0], f"not followed: redirects to {request.url}",
                       kwargs.get("category"), kwargs["article_id"])

"""Say so when a redirect to another site is not followed.

Scrapy's OffsiteMiddleware drops a redirect to another host when it is scheduled, with a DEBUG line only and
without calling the request's errback. A portal page that redirects off the site is worth a WARNING: this
extension logs ``Not followed: <target> (redirected from <url>: another site)`` and counts it
(``monre/offsite_redirects``). It decides nothing: the request is dropped by Scrapy as before. When the page
redirected was the home page or a category listing, it notes where to in the spider's crawl state
(``home_redirect``, ``listing_redirect``): a portal that has moved fails the run with a message naming
the new site. When it was a listed article, the article is lost (the run is ``incomplete``, and the next run
tries it again).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


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
        host = (urlparse_cached(request).hostname or "").lower()
        allowed = [d.lower() for d in getattr(spider, "allowed_domains", None) or ()]
        if not allowed or any(host == d or host.endswith(f".{d}") for d in allowed):
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

"""Downloader middlewares: back off before retrying; ignore a meta refresh to a URL that cannot be fetched.

Scrapy's RetryMiddleware re-schedules a failed request at once; a portal that answers 5xx or resets
connections is usually overloaded, so each retry waits ``RETRY_BACKOFF_BASE * 2 ** (attempt - 1)``
seconds (capped at ``RETRY_BACKOFF_MAX``) before it is sent.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware

logger = logging.getLogger(__name__)


class RetryBackoffMiddleware:
    def __init__(self, base: float, cap: float):
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("RETRY_BACKOFF_BASE"), crawler.settings.getfloat("RETRY_BACKOFF_MAX"))

    async def process_request(self, request):
        attempt = request.meta.get("retry_times", 0)
        if attempt and self.base > 0:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (attempt - 1)))
        return None


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, except that a refresh to a URL Scrapy cannot request
    (``<meta http-equiv="refresh" content="0;url=javascript:…">``) leaves the page as the answer instead
    of failing the request with ValueError (which lost the article). Counted in ``monre/unsafe_urls``."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.stats = crawler.stats
        return middleware

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except ValueError as exc:
            self.stats.inc_value("monre/unsafe_urls")
            logger.warning("%s: meta refresh to a URL that cannot be fetched, ignored (%s)", response.url, exc)
            return response

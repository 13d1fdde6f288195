"""Downloader middleware: back off before retrying.

Scrapy's RetryMiddleware re-schedules a failed request at once; a portal that answers 5xx or resets
connections is usually overloaded, so each retry waits ``RETRY_BACKOFF_BASE * 2 ** (attempt - 1)``
seconds (capped at ``RETRY_BACKOFF_MAX``) before it is sent.
"""

from __future__ import annotations

import asyncio


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

"""What the counting pipelines share: built from the crawler, with its stats to count into."""

from __future__ import annotations


class StatsPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

"""The crawl's progress, in one object: kept by the spider, read by the run recorder.

What the run recorder needs to judge and record a run (was the portal reached, could the archive be
written, which categories were paged to their end) and what the spider needs to page and de-duplicate
(articles being fetched, categories started) live here, not in attributes scattered over the spider or in
crawl stats.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CrawlState:
    base_url: str
    wanted: list[str] | None  # -a categories, None for every category of the menu
    full: bool  # -a full=1
    portal_reached: bool = False  # the home page answered
    unreachable: str | None = None  # what could not be fetched before the portal was reached, and why
    archive_error: str | None = None  # why the archive could not be written (the crawl stops)
    pending: dict[str, list[str]] = field(default_factory=dict)  # article id -> categories, fetch under way
    # With full=1, stored articles are fetched again: remember which were, once per run. (16-hex ids: about
    # 1 MB per 20,000 articles, less than Scrapy's own dupefilter keeps for the same requests.)
    refetched: set[str] = field(default_factory=set)
    categories_started: set[str] = field(default_factory=set)
    categories_done: set[str] = field(default_factory=set)  # paged to the end (or to a page of stored articles)
    categories_failed: set[str] = field(default_factory=set)  # an article fetch failed: not done, whatever its paging
    categories_complete_before: set[str] = field(default_factory=set)  # crawled to their end by an earlier, completed run
    unreadable: list[str] = field(default_factory=list)  # listed articles whose page could not be read: lost

    @property
    def arguments(self) -> dict:
        """The spider arguments, as ``crawl_runs.args`` records them."""
        return {"base_url": self.base_url, "categories": self.wanted, "full": self.full}

    def completed_categories(self) -> list[str]:
        """Categories paged to their end without a failed article fetch: complete, if the run finished."""
        return sorted(self.categories_done - self.categories_failed)

    def fail(self, category: str | None, article_id: str | None) -> None:
        """A fetch failed: the categories that listed the article (or the listing's category) are not done."""
        for name in self.pending.pop(article_id, [category]) if article_id else [category]:
            if name:
                self.categories_failed.add(name)

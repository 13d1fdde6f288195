"""The crawl's progress, in one object: kept by the spider, read by the run recorder.

What the run recorder needs to judge and record a run (was the portal reached, could the archive be
written, which categories were paged to their end, what was lost, what the portal showed instead of news)
and what the spider needs to page and de-duplicate (articles being fetched, categories started) live here,
not in attributes scattered over the spider or in crawl stats.

A **loss** is a listed article, or a listing page, that could not be fetched or read after retries (a fetch
that failed, an error page, a page that cannot be read): whoever meets one calls :meth:`CrawlState.lose`
with its URL; so do the required-fields pipeline (a page without a title) and the off-site redirect logger
(an article that redirects off the portal). A dead link (404, 410) and a link robots.txt forbids are not
losses.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Loss:
    """One lost page: a listed article (``article_id`` set) or a category's listing page (``page`` set)."""

    url: str
    reason: str  # short: "HTTP 500", "error page", "TimeoutError: …"
    article_id: str | None = None
    categories: list[str] = field(default_factory=list)
    page: int | None = None

    def record(self) -> dict:
        """As ``crawl_runs.lost`` records it."""
        if self.article_id:
            return {"url": self.url, "reason": self.reason, "categories": sorted(self.categories)}
        return {"url": self.url, "reason": self.reason, "category": (self.categories or (None,))[0],
                "page": self.page}


@dataclass
class Paging:
    """What a category's listing pages showed so far, for the progress line's estimate of what is left."""

    read: int = 0  # listing pages read (with entries)
    entries: int = 0  # article entries on them
    reached: int = 0  # the highest page number read
    pages: int = 0  # the highest page number its pager showed: the category has at least so many (0: none shown)
    last_known: bool = False  # the pager showed its last page: ``pages`` is the category's number of pages

    def read_page(self, page: int, entries: int, highest: int | None = None, last: bool = False) -> None:
        """Listing page ``page`` listed ``entries`` articles; its pager showed page ``highest`` (``last``: as the
        last page)."""
        self.read += 1
        self.entries += entries
        self.reached = max(self.reached, page)
        if highest is not None and highest > self.pages:
            self.pages, self.last_known = highest, last
        elif highest is not None and highest == self.pages:
            self.last_known = self.last_known or last

    @property
    def left(self) -> int:
        """Listing pages left to read: exactly if ``last_known``, else at least."""
        return max(0, self.pages - self.reached)


@dataclass
class CrawlState:
    base_url: str
    wanted: list[str] | None  # -a categories, None for every category of the menu
    full: bool  # -a full=1
    portal_reached: bool = False  # the home page answered
    unreachable: str | None = None  # what could not be fetched before the portal was reached, and why
    archive_error: str | None = None  # why the archive could not be written (the crawl stops)
    # What the portal showed instead of news, for the verdict's message:
    home_redirect: str | None = None  # the home page redirects to another site: where
    listing_redirect: str | None = None  # a category listing redirects to another site: where
    robots_forbidden: str | None = None  # the first URL robots.txt kept us from (the home page, a listing)
    home_title: str | None = None  # the home page's title, when its menu has no category
    menu_categories: int = 0  # news categories found in the home page's menu
    empty_listing: str | None = None  # the title of a category's first listing page that lists nothing
    listed: int = 0  # article entries read on listing pages (stored or not): 0 means no news found at all
    pending: dict[str, list[str]] = field(default_factory=dict)  # article id -> categories, fetch under way
    # With full=1, stored articles are fetched again: remember which were, once per run. (16-hex ids: about
    # 1 MB per 20,000 articles, less than Scrapy's own dupefilter keeps for the same requests.)
    refetched: set[str] = field(default_factory=set)
    categories_started: set[str] = field(default_factory=set)
    categories_done: set[str] = field(default_factory=set)  # paged to the end (or to a page of stored articles)
    categories_failed: set[str] = field(default_factory=set)  # something it listed was lost: not done, whatever its paging
    categories_complete_before: set[str] = field(default_factory=set)  # crawled to their end by an earlier, completed run
    lost: dict[str, Loss] = field(default_factory=dict)  # article id (a listing page: its URL) -> what was lost
    retrying: set[str] = field(default_factory=set)  # ids of articles lost by earlier runs, fetched again now
    paging: dict[str, Paging] = field(default_factory=dict)  # category -> what its listing pages showed of its size

    # What the home page of the portal shows of its news, in the message of a run that found none (a class
    # attribute, not a field): a portal found otherwise (mae.gov.vn) names its own.
    news_places = "news category in the home page's menu"

    def found_news_places(self) -> int:
        """How many of ``news_places`` the run found: here, the categories of the home page's menu."""
        return self.menu_categories

    def news_found(self) -> int:
        """Articles the portal showed as its news in this run: the entries of the listing pages read (stored or
        not). 0 means a night without news, whatever the articles fetched again (lost by earlier runs,
        re-checked), which are no news."""
        return self.listed

    @property
    def arguments(self) -> dict:
        """The spider arguments, as ``crawl_runs.args`` records them."""
        return {"base_url": self.base_url, "categories": self.wanted, "full": self.full}

    def completed_categories(self) -> list[str]:
        """Categories paged to their end without a loss: complete, if the run finished."""
        return sorted(self.categories_done - self.categories_failed)

    def read_listing_page(self, category: str, page: int, entries: int, extent=None) -> None:
        """Listing page ``page`` of ``category`` listed ``entries`` articles; its pager showed ``extent`` (a
        :class:`~monre_crawler.listing.PagerExtent`, or None: no page number)."""
        self.paging.setdefault(category, Paging()).read_page(
            page, entries, extent.highest if extent else None, bool(extent and extent.last))

    def lose(self, url: str, reason: str, category: str | list[str] | None = None, article_id: str | None = None,
             page: int | None = None) -> None:
        """A listed article (``article_id``) or a listing page (``category``, ``page``) is lost: recorded once
        per article (or listing URL), and the categories that listed it are not done (the next run pages
        through them again)."""
        categories = self.pending.pop(article_id, None) if article_id else None
        if categories is None:
            categories = list(category) if isinstance(category, (list, tuple)) else [category] if category else []
        for name in categories:
            if name:
                self.categories_failed.add(self.category_key(name))
        self.lost.setdefault(article_id or url, Loss(url, reason, article_id, [c for c in categories if c], page))

    def listed_again(self, article_id: str, category: str) -> bool:
        """An article lost earlier in this run is listed again (another category, another spelling of its URL):
        not fetched again, its category not done either. False when the article was not lost."""
        loss = self.lost.get(article_id)
        if loss is None or not loss.article_id:
            return False
        if category and category not in loss.categories:
            loss.categories.append(category)
        if category:
            self.categories_failed.add(self.category_key(category))
        return True

    def category_key(self, name: str) -> str:
        """A category's key in ``crawl_state`` (a portal whose keys differ from its names overrides this)."""
        return name

    def forget(self, article_id: str | None) -> None:
        """The article's fetch ended without a loss and without an item (a dead link, not followed)."""
        self.pending.pop(article_id, None)

    def lost_articles(self) -> list[Loss]:
        """The articles lost, by URL (not in the order met, which depends on timing)."""
        return sorted((loss for loss in self.lost.values() if loss.article_id), key=lambda loss: loss.url)

    def lost_listings(self) -> list[Loss]:
        """The listing pages lost, by category and page."""
        return sorted((loss for loss in self.lost.values() if not loss.article_id),
                      key=lambda loss: (loss.categories, loss.page or 0, loss.url))

    def losses(self) -> list[Loss]:
        """Everything lost: the articles, then the listing pages."""
        return self.lost_articles() + self.lost_listings()

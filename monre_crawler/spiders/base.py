"""The shared mechanics of a portal spider: home page → categories → listing pages → articles.

:class:`PortalSpider` knows no portal: it reads one from its ``profile`` (:mod:`monre_crawler.sites`). A
portal's spider is this class with a name and a profile (``spiders/monre.py``). Re-checks and lost articles
(:mod:`.rechecks`), failure handling (:mod:`.failures`) and attached documents (:mod:`.attachments`) are mixins
of it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import deque
from urllib.parse import urlsplit

import scrapy
from form2request import form2request
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, UsageError
from scrapy.http import HtmlResponse, TextResponse

from .. import extract
from ..extensions import store_of
from ..items import ArticleItem, ListingSighting
from ..listing import ListingEntry, ListingStream, current_page, listing_entries, next_page, pager_extent
from ..sites import Profile
from ..state import CrawlState
from ..text import clean, fold, for_message, nfc
from ..urls import canonical_url, url_id
from .attachments import AttachmentsMixin
from .failures import FailureMixin
from .rechecks import ARTICLE_PRIORITY, STORED, RecheckMixin


class PortalSpider(RecheckMixin, FailureMixin, AttachmentsMixin, scrapy.Spider):
    """Crawl the news of a portal described by ``profile``.

    Starts at the home page of ``base_url``, finds every news category in its navigation menu and pages
    through each category's listing (ASP.NET postback pagers and plain-link pagers alike), fetching every
    article that is not stored yet.

    Spider arguments (``-a NAME=VALUE``):

    ``base_url``
        The portal to crawl, an ``http`` or ``https`` URL without a path. Default: the profile's
        ``base_url``. Point it at a mirror or at the stand-in portal (``http://127.0.0.1:8765``).
    ``categories``
        Comma-separated category names to crawl, as the portal's menu spells them, compared without regard
        to case or diacritics (``-a "categories=Đất đai,moi truong"``). Default: every category in the menu.
    ``full``
        ``1`` to fetch every listed article again and update the ones whose content changed; ``0``
        (default) for an incremental run, which fetches only articles not stored yet and stops paging a
        category at the first listing page whose articles are all stored (once that category has been
        crawled to its end by an earlier, completed run).

    Every run also re-checks stored articles of its portal, whatever ``categories`` says, to notice edits
    and removals (README "Edits and removals"): an incremental run those published within the last
    ``MONRE_RECHECK_DAYS`` days (undated ones: first stored within them) and those marked removed that a
    listing shows again; ``full=1`` every stored article. A re-checked article that answers 404/410 or is redirected to the home page or an error page
    is marked removed; a 5xx or a timeout is an error of the run, not a removal.
    """

    profile: Profile  # set by each portal's spider
    sizes_categories = True  # its listing pages record what their pager shows of a category's size (progress.py)
    arguments = ("base_url", "categories", "full")

    def __init__(self, base_url: str | None = None, categories: str | None = None, full: str = "0",
                 *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url, self.wanted, self.full = self.validate_arguments(base_url, categories, full)
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        self.state = CrawlState(self.base_url, self.wanted, self.full)
        # Article requests (and next listing pages) waiting for room in the scheduler, when a listing page
        # lists more than MONRE_LISTING_CHUNK articles: iterators (of compact tuples, or of a listing page
        # read as a stream), handed over a chunk at a time (feed_backlog).
        self.backlog: deque = deque()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.feed_backlog, signal=signals.spider_idle)
        return spider

    @classmethod
    def validate_arguments(cls, base_url=None, categories=None, full="0"):
        """Check the ``-a`` arguments; raise UsageError with a message naming the bad one."""
        if base_url is None:
            base_url = cls.profile.base_url
        parts = urlsplit(str(base_url).strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
                or parts.query or parts.fragment:
            raise UsageError(f"-a base_url must be an http(s) URL of a site, like {cls.profile.base_url}; got {base_url!r}")
        wanted = None
        if categories is not None:
            wanted = [nfc(c).strip() for c in str(categories).split(",") if c.strip()]
            if not wanted:
                raise UsageError("-a categories must name at least one category, comma-separated")
        flag = str(full).strip().lower()
        if flag not in ("0", "1", "true", "false", "yes", "no", ""):
            raise UsageError(f"-a full must be 1 or 0; got {full!r}")
        return f"{parts.scheme}://{parts.netloc}", wanted, flag in ("1", "true", "yes")

    async def start(self):
        self.store = store_of(self.crawler)  # the archive, for what is stored already and category states
        # Not dont_filter: a redirect of the home page to another site (the portal has moved) is not followed;
        # monre_crawler.offsite notes where it pointed (meta "portal_home") for the run's message.
        yield scrapy.Request(self.base_url + self.profile.home_path, callback=self.parse_home, errback=self.on_error,
                             meta={"portal_home": True})
        for item in self.documents_to_retry():
            yield item

    # --- home page ------------------------------------------------------------------------------------------
    def parse_home(self, response):
        page, response = response, self._with_encoding(response)
        if response is None:
            self.logger.error("The home page %s is not an HTML page (Content-Type %s)", page.url,
                              page.headers.get("Content-Type", b"").decode("latin-1"))
            return
        self.state.portal_reached = True
        menu = {}
        for link in response.css(self.profile.menu_links):
            url = response.urljoin(link.attrib.get("href", ""))
            if self.profile.is_category_url(url):
                name = clean(self.profile.category_name(url))
                menu.setdefault(name, url)
        self.state.menu_categories = len(menu)
        if not menu:
            self.state.home_title = for_message(response.css("title::text").get()) or None
            self.logger.error("No news category found in the home page's menu (%r; the page's title: %r): "
                              "has the portal changed?", self.profile.menu_links, self.state.home_title or "")
        selected = menu
        if self.wanted is not None:
            by_fold = {fold(name): name for name in menu}
            selected = {}
            for name in self.wanted:
                known = by_fold.get(fold(name))
                if known:
                    selected[known] = menu[known]
                else:
                    self.logger.warning("Category %r is not in the portal's menu (%s); crawling it anyway",
                                        name, ", ".join(menu) or "empty")
                    selected[name] = self.profile.listing_url(self.base_url, name)
        self.crawler.stats.set_value("monre/categories", len(selected))
        for name, url in selected.items():
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                 cb_kwargs={"category": name, "page": 1, "seen_pages": frozenset()})
        if menu:  # the portal's own home page, not a notice: fetch again what was lost, re-check what is stored
            yield from self._refetches(set(selected))

    # --- listings -------------------------------------------------------------------------------------------------
    def parse_listing(self, response, category: str, page: int, seen_pages: frozenset):
        """One page of a category: the articles to fetch, then the next page (``seen_pages``: signatures of
        the category's earlier pages)."""
        url, response = response.url, self._with_encoding(response)
        if response is None:
            self.crawler.stats.inc_value("monre/errors/listing_not_html")
            self.logger.error("%s: listing page %d (%s) is not an HTML page", category, page, url)
            self.state.lose(url, "not an HTML page", category, page=page)
            return
        stream = None
        if len(response.body) > self.settings.getint("MONRE_STREAM_LISTING_BYTES", 1024 * 1024):
            # A huge page: never one tree of it (150 MB for 100,000 entries). Its entries are read as a
            # stream, twice (their ids now, the articles when the scheduler has room), and the rest of the
            # page (pager, form, headings) from what is left without them.
            self.crawler.stats.inc_value("monre/listings/streamed")
            stream = ListingStream(response, self.profile)
            ids = [article_id for article_id, _, _ in self._listed(stream)]
            full_page, response = response, stream.skeleton()
        if extract.is_error_page(response, self.profile):
            yield from self._retry_error_page(response, category, page=page)
            return
        self._start_category(category)
        if stream is None:
            entries = self._article_entries(response)
            ids = [article_id for article_id, _, _ in entries]
        signature = hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()
        self.state.listed += len(ids)
        if not ids and page == 1 and self.state.empty_listing is None:
            self.state.empty_listing = for_message(response.css("title::text").get()) or category
        if not ids or (self.profile.repeated_page_ends_category and signature in seen_pages):
            # An empty page, or the same page again (a portal that answers a page past the end with the last).
            self.logger.debug("%s: page %d repeats an earlier page or is empty: end of category", category, page)
            self.state.categories_done.add(category)
            return
        self.crawler.stats.inc_value("monre/listing_pages")
        extent = pager_extent(response, page, self.profile)  # for the progress line's estimate of what is left
        self.state.read_listing_page(category, current_page(response, self.profile) or page, len(ids), extent)
        max_entries = self.settings.getint("MONRE_MAX_LISTING_ENTRIES", 1000)
        if max_entries and len(ids) > max_entries:
            self.crawler.stats.inc_value("monre/listings/absurd")
            self.logger.warning("%s: page %d (%s) lists %d articles, more than MONRE_MAX_LISTING_ENTRIES (%d): "
                                "fetching them %d at a time", category, page, response.url, len(ids),
                                max_entries, self._chunk)
        stored = self.store.known_ids(ids)
        removed = set()
        if stored:
            yield ListingSighting(category=category, article_ids=sorted(stored))
            removed = self.store.removed_ids(stored)  # listed again: fetch them, they may be back
        all_stored = len(stored) == len(ids)
        del ids
        if stream is not None:
            wanted = self._wanted(self._listed(ListingStream(full_page, self.profile)), stored, category, removed)
        else:
            wanted = list(self._wanted(entries, stored, category, removed))
        if not self.state.full and all_stored and category in self.state.categories_complete_before:
            self.logger.debug("%s: every article on page %d is stored: done (incremental run)", category, page)
            self.state.categories_done.add(category)
            following = []
        else:
            following = list(self._next_listing_page(response, category, page, seen_pages | {signature}))
        if stream is None and len(wanted) <= self._chunk and not self.backlog:
            yield from (self._article_request(*args) for args in wanted)
            yield from following
            return
        # A huge listing (or one met while another is being handed over): its articles, then its next page,
        # wait in the backlog and go to the scheduler a chunk at a time.
        self.backlog.append(iter(wanted))
        self.backlog.append(iter(following))
        yield from self._from_backlog()

    def _start_category(self, category: str) -> None:
        """On a category's first page: note whether an earlier run completed it, then mark it unfinished
        for this run (a killed run leaves it so)."""
        if category in self.state.categories_started:
            return
        self.state.categories_started.add(category)
        if self.store.category_complete(category):
            self.state.categories_complete_before.add(category)
        try:
            self.store.set_category_state([category], complete=False)
        except sqlite3.DatabaseError as exc:
            self._archive_failed(exc)

    def _article_entries(self, response) -> list[tuple[str, str, ListingEntry]]:
        """The page's entries that link an article of this portal: (article id, canonical URL, entry)."""
        return list(self._listed(listing_entries(response, self.profile)))

    def _listed(self, entries):
        """(article id, canonical URL, entry) of the entries that link an article of this portal."""
        netloc = urlsplit(self.base_url).netloc
        for entry in entries:
            url = canonical_url(entry.url, self.base_url, self.profile.keeps_param)
            if self.profile.is_article_url(url) and urlsplit(url).netloc == netloc:
                yield url_id(url), url, entry

    def _wanted(self, entries, stored: set[str], category: str, removed: set[str] = frozenset()):
        """The arguments of a request for each listed article not stored yet (all of them once per run with
        full=1; and the stored ones marked ``removed``), each article fetched once whatever the number of
        categories and spellings it is listed under."""
        pending = self.state.pending
        for article_id, url, entry in entries:
            if article_id in pending:  # listed again (another category, another spelling of its URL)
                self.crawler.stats.inc_value("monre/duplicates/listed_again")
                if category not in pending[article_id]:
                    pending[article_id].append(category)
                continue
            if self.state.listed_again(article_id, category):  # lost earlier in this run: not fetched twice
                continue
            if article_id in stored:
                if (not self.state.full and article_id not in removed) or article_id in self.state.refetched:
                    continue
                self.state.refetched.add(article_id)
            pending[article_id] = [category]
            yield article_id, url, category, entry.title, entry.date_text, article_id in stored

    def _article_request(self, article_id, url, category, title, date_text, stored=False):
        listing = ListingEntry(url=url, title=title, date_text=date_text)
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, priority=ARTICLE_PRIORITY,
                              meta={STORED: stored}, dont_filter=stored, cb_kwargs={"article_id": article_id, "url": url, "category": category,
                                         "listing": listing})

    @property
    def _chunk(self) -> int:
        return max(1, self.settings.getint("MONRE_LISTING_CHUNK", 500))

    def _from_backlog(self):
        """Up to MONRE_LISTING_CHUNK requests from the backlog (a queue of iterators), in order."""
        self.crawler.stats.inc_value("monre/listings/chunks")
        handed = 0
        while self.backlog and handed < self._chunk:
            item = next(self.backlog[0], None)
            if item is None:
                self.backlog.popleft()
                continue
            handed += 1
            yield item if isinstance(item, scrapy.Request) else self._article_request(*item)

    def note_invalid_utf8(self, response) -> None:
        """Warn about, and count, byte sequences of the page that are not UTF-8 (left out of the text)."""
        if "\ufffd" in response.text:
            self.crawler.stats.inc_value("monre/pages_with_invalid_utf8")
            self.logger.warning("%s has %d byte sequence(s) that are not UTF-8: left out of the text",
                                response.url, response.text.count("\ufffd"))

    def feed_backlog(self):
        """spider_idle: hand the next chunk of the backlog to the scheduler, and keep the spider open."""
        handed = 0
        for request in self._from_backlog() if self.backlog else ():
            self.crawler.engine.crawl(request)
            handed += 1
        if handed:
            raise DontCloseSpider

    def _next_listing_page(self, response, category: str, page: int, seen_pages: frozenset):
        """The request for the category's next page (a plain link or an ASP.NET postback), if any."""
        following = next_page(response, page, self.profile)
        if following is None:
            self.state.categories_done.add(category)
            return
        max_pages = self.settings.getint("MONRE_MAX_PAGES")
        if max_pages and page >= max_pages:
            self.logger.warning("%s: stopping at page %d (MONRE_MAX_PAGES)", category, page)
            self.state.categories_done.add(category)
            return
        kwargs = {"category": category, "page": page + 1, "seen_pages": seen_pages}
        if following.target is None:
            yield scrapy.Request(following.url, callback=self.parse_listing, errback=self.on_error, cb_kwargs=kwargs)
            return
        form = response.css(self.profile.postback_form) or response.css("form")
        if not form:
            self.logger.error("%s: the pager posts back but page %d has no form", category, page)
            return
        data = dict(zip(self.profile.postback_fields, (following.target, following.argument)))
        yield form2request(form[0], data, click=False).to_scrapy(
            callback=self.parse_listing, errback=self.on_error, cb_kwargs=kwargs)

    # --- articles ----------------------------------------------------------------------------------------------------
    def parse_article(self, response, article_id: str, url: str, category: str | None, listing: ListingEntry):
        response = self._with_encoding(response)
        if response is None:
            self._unreadable(article_id, url, category, "not an HTML page")
            return
        try:
            if self._settled_by_redirect(response, article_id, url):  # a re-check: removed, or moved
                return
            if extract.is_error_page(response, self.profile):
                yield from self._retry_error_page(response, category, article_id)
                return
            self.note_invalid_utf8(response)
            item = ArticleItem(id=article_id, url=url, portal=self.profile.portal,
                               listing_date_text=listing.date_text)
            extract.extract_article(response, listing_title=listing.title, listing_date=listing.date_text,
                                    profile=self.profile, into=item)
        except Exception as exc:  # a page that breaks a parser costs that page, never the run
            self._unreadable(article_id, url, category, f"{type(exc).__name__}: {exc}")
            return
        self._report_unsafe_urls(item)
        item.categories = self.state.pending.pop(article_id, [category] if category else [])
        yield item
        yield from self.documents_of(item)

    def _report_unsafe_urls(self, item) -> None:
        """Log and count the links and images the extractor dropped because they are not http(s) URLs."""
        if item.unsafe_urls:
            self.crawler.stats.inc_value("monre/unsafe_urls", len(item.unsafe_urls))
            self.logger.warning("%s: dropped %d link(s) or image(s) that are not http(s) URLs: %s", item.url,
                                len(item.unsafe_urls), ", ".join(repr(u[:80]) for u in item.unsafe_urls[:5]))

    def _with_encoding(self, response):
        """The response, read in the portal's encoding when neither the header nor the page declares one.

        A page served with a content type that is not text (``image/png``) is read as HTML when its body is
        HTML; None when it is not (an image, a document: no article in it)."""
        if not isinstance(response, TextResponse):
            head = response.body[:1024].lstrip().lower()
            if not head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<!--")):
                return None
            response = HtmlResponse(url=response.url, status=response.status, headers=response.headers,
                                    body=response.body, request=response.request)
        if response._declared_encoding() is None:  # noqa: SLF001 - Scrapy has no public accessor
            return response.replace(encoding=self.profile.default_encoding)
        return response

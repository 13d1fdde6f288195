"""The ``mae`` spider: the news of the successor portal mae.gov.vn, into the same archive as ``monre``."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import scrapy
from form2request import form2request
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, UsageError
from scrapy.spidermiddlewares.httperror import HttpError

from .. import discovery, extract
from ..backfill import Backfill
from ..extensions import store_of
from ..items import AliasSighting, ArticleItem, ListingSighting
from ..sites import mae as site
from ..state import CrawlState
from ..text import clean, fold, for_message
from ..urls import canonical_url
from .base import ARTICLE_PRIORITY, PERMANENT_STATUSES, PortalSpider

BACKFILL_PRIORITY = -10  # after everything the links found
DEFERRED_PRIORITY = -5  # a section page read again once article pages have shown what is on every page
FRAME_SAMPLE = 50  # article pages whose boxes of links (and distinct <title>s) are noted: enough to know the frame
BACKFILL_MODES = ("auto", "new", "all", "off")
DISCOVERIES = ("home", "section", "article_links", "backfill")


def state_key(name: str) -> str:
    """A section's key in ``crawl_state``, which is shared with monre.gov.vn's categories."""
    prefix = f"{site.PORTAL}: "
    return name if name.startswith(prefix) else prefix + name


@dataclass
class MaeCrawlState(CrawlState):
    """The shared crawl state, plus what discovery by URL form and the backfill by id keep."""

    backfill: str | None = None  # -a backfill (None: the MAE_BACKFILL setting)
    backfill_mode: str = "off"  # what this run does: off, new, all, a number, or "auto: new" / "auto: all"
    stored_max_before: int = 0  # the highest id stored before this run
    max_seen: int = 0  # the highest id linked in this run
    fetched: set[int] = field(default_factory=set)  # ids requested in this run (any URL form, print view)
    forms: dict[int, set[str]] = field(default_factory=dict)  # id -> the URLs it was linked under in this run
    found_by: Counter = field(default_factory=Counter)  # articles fetched, by the discovery that found them first
    linked: dict[str, set[int]] = field(default_factory=dict)  # discovery -> the ids it linked
    sections: dict[str, str] = field(default_factory=dict)  # section slug -> category name
    hints: dict[int, str] = field(default_factory=dict)  # id -> the first text (or image alt) of a link to it
    # box (the ids of the articles linked in one container) -> where it was shown: "home", "article" (an
    # article page), "section: <name>"; a box shown in two places besides a section is the site's frame
    boxes: dict[frozenset, set[str]] = field(default_factory=dict)
    articles_read: int = 0  # article pages read (not print views)
    page_texts: Counter = field(default_factory=Counter)  # folded heading / <title> texts -> pages showing them
    doc_titles: Counter = field(default_factory=Counter)  # folded <title>s of article pages -> pages
    repeated: set[str] = field(default_factory=set)  # the texts of either counted twice or more

    def count_texts(self, counter: Counter, texts) -> None:
        for text in texts:
            counter[text] += 1
            if counter[text] == 2:
                self.repeated.add(text)

    def site_texts(self) -> frozenset[str]:
        """Texts that name no article: headings and ``<title>`` parts of several listing pages (the site's
        name, box headings), ``<title>``s of several article pages that none of their headings prints (a
        print view's generic one)."""
        return frozenset(self.repeated)
    probes: Backfill | None = None

    @property
    def arguments(self) -> dict:
        return {**super().arguments, "backfill": self.backfill or self.backfill_mode}  # the argument, or the setting

    def category_key(self, name: str) -> str:
        """A lost page's sections are not done: under their ``crawl_state`` key."""
        return state_key(name)

    def discovery(self) -> dict:
        """Which discovery found the articles fetched in this run, what each linked, what the backfill did
        (``crawl_runs.fields`` → ``discovery``)."""
        counts: dict = {via: self.found_by[via] for via in DISCOVERIES}
        counts["linked"] = {via: len(self.linked.get(via, ())) for via in DISCOVERIES[:3]}
        counts["sections"] = len(self.categories_started)
        counts["backfill_mode"] = self.backfill_mode
        if self.probes is not None:
            counts["backfill_probes"] = self.probes.summary()
        return counts


class MaeSpider(PortalSpider):
    """Crawl the news of the Ministry of Agriculture and Environment (mae.gov.vn) into the monre archive.

    Nobody has described the portal's markup (see :mod:`monre_crawler.sites.mae`), so the spider relies on
    what is observed: article URLs ``/<slug>-<id>.htm`` and ``/<category-slug>/<slug>-<id>.htm``, increasing
    ids, and a print view per id. It reads the home page, follows every article link it recognises by URL form,
    reads every page the home page links that lists articles in its main content (a *section*: its link text is
    the category's name) through whatever pager it has (``rel=next``, a link numbered ``page + 1``, a "next"
    link), with guards against loops (a page listing the same articles as an earlier one, a URL read before)
    and endless pagers (``MONRE_MAX_PAGES``), and follows the article links of the articles it reads. Then it
    backfills: from the highest id seen, downwards, it fetches through the print view each id that is neither
    stored nor fetched yet, tolerating the gaps (404). The id is the article's identity: its two URL forms and
    its print view are one row (key ``mae-<id>``), the other forms its aliases. Pages are read by the generic
    fallbacks; the run is ``degraded`` when a key field goes missing on more than ``MONRE_MISSING_ALARM`` of the
    articles (not because the fallbacks read them).

    Spider arguments (``-a NAME=VALUE``):

    ``base_url``
        The portal, an ``http`` or ``https`` URL without a path. Default: ``https://mae.gov.vn``.
    ``categories``
        Comma-separated section names to read, as the home page's links spell them, compared without regard
        to case or diacritics. Default: every section. (Articles linked from the home page or from other
        articles, and the backfill, are not limited by it.)
    ``full``
        ``1`` to fetch every linked article again and update the ones whose content changed; ``0`` (default)
        for an incremental run: only articles not stored yet, and a section's paging stops at the first page
        whose articles are all stored (once that section has been read to its end by a completed run). The
        backfill skips stored ids either way.
    ``backfill``
        Which ids to probe through the print view once the links are exhausted (ids stored or fetched in this
        run are always skipped): ``all`` — from the highest id seen down to the portal's first item, bounded by
        ``MAE_BACKFILL_MAX_IDS`` probes and by ``MAE_BACKFILL_MAX_GAP`` missing ids in a row; ``new`` — only
        the ids above the highest id stored before this run (a nightly run: new articles that no page links);
        a number ``N`` — the ``N`` ids below the highest seen; ``off``; ``auto`` — ``all`` until a run has
        completed a whole backfill (the first full crawl, resumed by the next nights if it is cut short), then
        ``new``. Default: the ``MAE_BACKFILL`` setting (``auto``).
    """

    name = "mae"
    profile = site.PROFILE
    arguments = ("base_url", "categories", "full", "backfill")

    def __init__(self, base_url: str | None = None, categories: str | None = None, full: str = "0",
                 backfill: str | None = None, *args, **kwargs):
        scrapy.Spider.__init__(self, *args, **kwargs)
        self.base_url, self.wanted, self.full, backfill = self.validate_arguments(base_url, categories, full, backfill)
        self.host = urlsplit(self.base_url).hostname
        self.allowed_domains = [self.host]
        self.state = MaeCrawlState(self.base_url, self.wanted, self.full, backfill=backfill)

    @classmethod
    def validate_arguments(cls, base_url=None, categories=None, full="0", backfill=None):
        """Check the ``-a`` arguments; raise UsageError naming the bad one."""
        base_url, wanted, full = super().validate_arguments(base_url, categories, full)
        return base_url, wanted, full, None if backfill is None else cls._backfill_mode(backfill, "-a backfill")

    @staticmethod
    def _backfill_mode(value, name: str) -> str:
        mode = str(value).strip().lower()
        if mode not in BACKFILL_MODES and not (mode.isdigit() and int(mode) > 0):
            raise UsageError(f"{name} must be auto, new, all, off or a positive number of ids; got {value!r}")
        return mode

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.state.backfill_mode = spider.state.backfill or cls._backfill_mode(
            crawler.settings.get("MAE_BACKFILL", "auto"), "MAE_BACKFILL")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        self.store = store_of(self.crawler)
        # The highest id stored before this run: the nightly backfill ("new") probes only the ids above it.
        self.state.stored_max_before = self.store.highest_item_id("mae-") or 0
        yield scrapy.Request(self.base_url + self.profile.home_path, callback=self.parse_home, errback=self.on_error,
                             dont_filter=True)
        for document in self.documents_to_retry():
            yield document

    # --- links -------------------------------------------------------------------------------------------------
    def _article_links(self, links):
        """(id, canonical URL, link text) of the links that are articles of this portal, in page order."""
        out = []
        for link in links:
            if discovery.same_site(link.url, self.host) and site.is_article_url(link.url):
                out.append((site.article_id(link.url), canonical_url(link.url, self.base_url, self.profile.keeps_param),
                            link.text))
        return out

    def _follow(self, found, via: str, category: str | None = None):
        """Requests for the linked articles neither stored nor under way; sightings of the stored ones."""
        if not found:
            return
        state = self.state
        known = self.store.known_ids(sorted({site.article_key(i) for i, _, _ in found}))
        state.linked.setdefault(via, set()).update(i for i, _, _ in found)
        state.listed += len(found)  # news found (a night that finds none fails)
        sighted, aliases, primaries = [], {}, {}
        for item, url, text in found:
            key = site.article_key(item)
            state.max_seen = max(state.max_seen, item)
            if text and text.casefold() not in site.GENERIC_LINK_TEXTS:
                state.hints.setdefault(item, text)
            names = list(dict.fromkeys(n for n in (category, state.sections.get(site.url_category_slug(url) or "")) if n))
            new_form = url not in state.forms.setdefault(item, set())
            state.forms[item].add(url)
            if key in state.pending:  # linked again (another page, another URL form)
                self.crawler.stats.inc_value("monre/duplicates/listed_again")
                state.pending[key] += [n for n in names if n not in state.pending[key]]
                continue
            if key in known or item in state.fetched:
                sighted += [(name, key) for name in names]
                if new_form and key in known:
                    aliases.setdefault(key, []).append(url)
                    if site.is_short_form(url):
                        primaries[key] = url
                if not self.full or item in state.fetched:
                    continue
            state.fetched.add(item)
            state.pending[key] = names
            state.found_by[via] += 1
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, priority=ARTICLE_PRIORITY,
                                 cb_kwargs={"article_id": key, "item": item, "via": via, "link_text": text})
        for name, key in sighted:
            yield ListingSighting(category=name, article_ids=[key])
        for key, urls in aliases.items():  # the short form, linked at last, becomes the article's url
            yield AliasSighting(article_id=key, urls=urls, primary=primaries.get(key))

    def _article_of(self, response):
        """``href -> article id or None`` on this page (links to articles of this portal only)."""
        def article_of(href: str):
            url = discovery._absolute(response, href)  # noqa: SLF001 - shared
            return site.article_id(url) if url and discovery.same_site(url, self.host) and site.is_article_url(url) \
                else None
        return article_of

    def _count_page_texts(self, response) -> None:
        """Count the texts of a listing page (home, a section's first page) that may name the site: its headings
        that link no article (nor do their surroundings), and its ``<title>``'s parts."""
        article_of = self._article_of(response)
        texts = set()
        for node in response.selector.root.iter("h1", "h2", "h3", "h4"):
            near = node.getparent() if node.getparent() is not None else node
            near = near.getparent() if near.getparent() is not None else near
            if any(article_of(a.get("href") or "") is not None for a in near.iter("a")):
                continue
            if text := clean(node.text_content()):
                texts.add(fold(text))
        title = clean(response.css("title::text").get())
        texts.update(fold(part) for part in [title, *extract.TITLE_SEPARATORS.split(title)] if clean(part))
        self.state.count_texts(self.state.page_texts, texts)

    # --- home page ---------------------------------------------------------------------------------------------
    def parse_home(self, response):
        page, response = response, self._with_encoding(response)
        if response is None:
            self.logger.error("The home page %s is not an HTML page", page.url)
            return
        self.state.portal_reached = True
        self.state.home_title = for_message(response.css("title::text").get()) or None
        # Boxes of article links on the home page ("most read", "latest news"): the frame of every page, never
        # a section's own entries when a section page shows the same box.
        self._note_boxes(response, "home")
        self._count_page_texts(response)
        links = discovery.links(response)
        yield from self._follow(self._article_links(links), "home")
        candidates: dict[str, str] = {}
        for link in links:
            if site.is_section_candidate(link.url, self.host):
                url = canonical_url(link.url, self.base_url, self.profile.keeps_param)
                text = "" if link.text.casefold() in site.GENERIC_LINK_TEXTS else link.text
                if not candidates.get(url):
                    candidates[url] = text
        if len(candidates) > site.MAX_SECTIONS:
            self.logger.warning("The home page links %d pages; reading the first %d as possible sections",
                                len(candidates), site.MAX_SECTIONS)
            candidates = dict(list(candidates.items())[:site.MAX_SECTIONS])
        if self.wanted is not None:
            wanted = {fold(name) for name in self.wanted}
            candidates = {url: text for url, text in candidates.items() if fold(text) in wanted}
            missing = wanted - {fold(text) for text in candidates.values()}
            if missing:
                self.logger.warning("Not linked from the home page: %s", ", ".join(sorted(missing)))
        self.state.menu_categories = len(candidates)
        for url, text in candidates.items():
            name = text or site.section_slug(url)
            self.state.sections.setdefault(site.section_slug(url), name)
            yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error,
                                 cb_kwargs={"category": name, "page": 1, "seen_pages": frozenset(),
                                            "visited": frozenset({url})})

    # --- sections (listings) -----------------------------------------------------------------------------------
    def parse_section(self, response, category: str, page: int, seen_pages: frozenset, visited: frozenset,
                      deferred: bool = False):
        """One page of a possible section: its own articles (those of its main content), then its next page."""
        url, response = response.url, self._with_encoding(response)
        key = state_key(category)
        if response is None:
            self.logger.error("%s: page %d (%s) is not an HTML page", category, page, url)
            self.state.lose(url, "not an HTML page", category, page=page)
            return
        if extract.is_error_page(response, self.profile):
            yield from self._retry_error_page(response, category)
            return
        root = extract._without_chrome(response.selector.root, self.profile)  # noqa: SLF001 - shared
        if not deferred and response.request.method == "GET" and self._undecided(response, category, root):
            self.crawler.stats.inc_value("mae/sections/deferred")
            yield response.request.replace(priority=DEFERRED_PRIORITY, dont_filter=True,
                                           cb_kwargs={**response.request.cb_kwargs, "deferred": True})
            return
        own = self._article_links(self._own_links(response, category, root, page))
        if page == 1:  # the page's chrome (latest news …) links articles too, under no category
            self._count_page_texts(response)
            yield from self._follow(self._article_links(discovery.links(response)), "section")
        if not own:
            if page == 1:
                self.logger.debug("%s lists no article in its main content: not a section", response.url)
            else:
                self.state.categories_done.add(key)
            return
        signature = hashlib.sha1(" ".join(sorted({str(i) for i, _, _ in own})).encode()).hexdigest()
        if signature in seen_pages:
            self.logger.debug("%s: page %d lists the same articles as an earlier page: end", category, page)
            self.state.categories_done.add(key)
            return
        self._start_category(key)
        self.crawler.stats.inc_value("monre/listing_pages")
        keys = {site.article_key(i) for i, _, _ in own}
        all_stored = len(self.store.known_ids(sorted(keys))) == len(keys)
        yield from self._follow(own, "section", category)
        if not self.full and all_stored and key in self.state.categories_complete_before:
            self.logger.debug("%s: every article on page %d is stored: done (incremental run)", category, page)
            self.state.categories_done.add(key)
            return
        following = discovery.next_page(response, page, set(visited), self._may_be_listing_page, self.profile)
        max_pages = self.settings.getint("MONRE_MAX_PAGES")
        if following is None or (max_pages and page >= max_pages):
            if following is not None:
                self.logger.warning("%s: stopping at page %d (MONRE_MAX_PAGES)", category, page)
            self.state.categories_done.add(key)
            return
        kwargs = {"category": category, "page": page + 1, "seen_pages": seen_pages | {signature},
                  "visited": visited | {response.url} | ({following.url} if following.url else set())}
        if following.target is None:
            yield scrapy.Request(following.url, callback=self.parse_section, errback=self.on_error, cb_kwargs=kwargs)
            return
        form = response.css(self.profile.postback_form)
        if not form:
            self.logger.error("%s: the pager posts back but page %d has no form", category, page)
            return
        data = dict(zip(self.profile.postback_fields, (following.target, following.argument)))
        yield form2request(form[0], data, click=False).to_scrapy(
            callback=self.parse_section, errback=self.on_error, cb_kwargs=kwargs)

    def _note_boxes(self, response, place: str) -> None:
        for box, _ in discovery.link_boxes(response.selector.root, self._article_of(response)).values():
            self.state.boxes.setdefault(box, set()).add(place)

    def _own_links(self, response, category: str, root=None, page: int = 1) -> list:
        """The links of a section page's main content (``root``: the page without header, menus, sidebars,
        footer) that are its own: not in a *box* (the articles linked in one container) shown in two other
        places (the home page, article pages, other sections): a "most read" box on every page is the site's
        frame, not a section's entries. (A box of the home page alone may be this section's preview.)"""
        state = self.state
        root = extract._without_chrome(response.selector.root, self.profile) if root is None else root  # noqa: SLF001
        boxes = discovery.link_boxes(root, self._article_of(response))
        here = f"section: {category}"
        for box in {box for box, _ in boxes.values()}:  # noted for a section's first page (later: known boxes)
            if page == 1 or box in state.boxes:
                state.boxes.setdefault(box, set()).add(here)
        frame = discovery.in_boxes(boxes, {box for box, _ in boxes.values()
                                           if len(state.boxes.get(box, set()) - {here}) >= 2})
        if frame:
            self.crawler.stats.inc_value("mae/sections/frame_links", len(frame))
        return discovery.links(response, root, skip=frame)

    def _undecided(self, response, category: str, root) -> bool:
        """Whether a box of this section page was seen in one other place only, before any article page was
        read (which would tell whether the box is on every page): then the page is read again later."""
        if self.state.articles_read:
            return False
        here = f"section: {category}"
        return any(len(self.state.boxes.get(box, set()) - {here}) == 1
                   for box, _ in discovery.link_boxes(root, self._article_of(response)).values())

    def _may_be_listing_page(self, url: str) -> bool:
        return discovery.same_site(url, self.host) and site.article_id(url) is None \
            and not urlsplit(url).path.lower().endswith(site.FILE_EXTENSIONS)

    # --- articles ----------------------------------------------------------------------------------------------
    def parse_article(self, response, article_id: str, item: int, via: str, link_text: str = ""):
        fetched, response = response.url, self._with_encoding(response)
        state = self.state
        if response is None:
            if via == "backfill":
                self._probed(item, None)
            self._unreadable(article_id, fetched, None, "not an HTML page")
            return
        if extract.is_error_page(response, self.profile):
            if via == "backfill":  # an id without an item, answered with a page that says so
                self._probed(item, False)
                state.pending.pop(article_id, None)
                return
            yield from self._retry_error_page(response, None, article_id)
            return
        if "\ufffd" in response.text:
            self.crawler.stats.inc_value("monre/pages_with_invalid_utf8")
            self.logger.warning("%s has %d byte sequence(s) that are not UTF-8: left out of the text",
                                response.url, response.text.count("\ufffd"))
        if via == "backfill":
            named = self._named_article(response)
            if named is not None and site.article_id(named) != item:
                self.crawler.stats.inc_value("mae/backfill/id_mismatch")
                self.logger.warning("The print view of ItemID %d names the article %s (another id): not stored; "
                                    "the print view's ItemID may not be the article's id", item, named)
                self._probed(item, None)
                state.pending.pop(article_id, None)
                return
            if named is not None:
                state.forms.setdefault(item, set()).add(canonical_url(named, self.base_url, self.profile.keeps_param))
        else:
            yield from self._follow(self._article_links(discovery.links(response)), "article_links")
        forms = state.forms.get(item, set())
        printed = site.print_url(self.base_url, item)
        ranked = sorted(forms, key=lambda u: (not site.is_short_form(u), u))  # short form, then category form
        url = ranked[0] if ranked else printed
        categories = list(state.pending.get(article_id, []))
        for form in forms:
            name = state.sections.get(site.url_category_slug(form) or "")
            if name and name not in categories:
                categories.append(name)
        article = ArticleItem(id=article_id, url=url, portal=self.profile.portal, categories=categories,
                              aliases=ranked[1:] + ([printed] if url != printed else []))
        try:  # a page that breaks a parser costs that page, never the run
            if via != "backfill":
                state.articles_read += 1
                if state.articles_read <= FRAME_SAMPLE:
                    self._note_boxes(response, "article")
            title = clean(response.css("title::text").get())
            if title and (len(state.doc_titles) < FRAME_SAMPLE or fold(title) in state.doc_titles) and title not in {
                    clean(h) for h in response.css("h1, h2, h3, h4, b, strong").xpath("string()").getall()}:
                # a <title> that none of the page's headings prints: generic when repeated
                state.count_texts(state.doc_titles, [fold(title)])
            extract.extract_article(response, listing_title=state.hints.get(item) or link_text, profile=self.profile,
                                    into=article, site_texts=state.site_texts())
        except Exception as exc:
            if via == "backfill":
                self._probed(item, None)
            self._unreadable(article_id, fetched, None, f"{type(exc).__name__}: {exc}")
            return
        self._report_unsafe_urls(article)
        if via == "backfill":
            self._probed(item, bool(article.title or article.body_text))
            if not article.title and not article.body_text:
                state.pending.pop(article_id, None)
                return
            state.found_by["backfill"] += 1
        state.pending.pop(article_id, None)
        yield article
        yield from self.documents_of(article)

    def _named_article(self, response) -> str | None:
        """The article URL a print view names as its own (``rel=canonical``, ``og:url``), if any."""
        for href in response.css('link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)').getall():
            url = response.urljoin(href.strip())
            if site.is_article_url(url):
                return url
        return None

    # --- backfill ----------------------------------------------------------------------------------------------
    def on_idle(self):
        """When the links are exhausted: the backfill's next batch of ids, through the print view."""
        state = self.state
        if state.backfill_mode == "off" or not state.portal_reached:
            return
        if state.probes is None:
            state.probes = self._start_backfill()
            if state.probes is None:
                return
        for lost in list(state.probes.outstanding):  # idle: every probe has answered, or never will
            self._probed(lost, None)
        batch = state.probes.next_batch(max(1, self.settings.getint("MAE_BACKFILL_BATCH")))
        for item in batch:
            key = site.article_key(item)
            state.fetched.add(item)
            state.pending[key] = []
            printed = site.print_url(self.base_url, item)
            self.crawler.engine.crawl(scrapy.Request(
                printed, callback=self.parse_article, errback=self.on_error, priority=BACKFILL_PRIORITY,
                cb_kwargs={"article_id": key, "item": item, "via": "backfill"}))
        if batch or not state.probes.done:
            raise DontCloseSpider
        self.logger.info("Backfill: %s", state.probes.summary())
        if state.probes.stop_reason in ("gap", "floor") and state.probes.floor == 0:
            state.categories_done.add(state_key("backfill"))  # a whole backfill, recorded if the run finishes

    def _start_backfill(self) -> Backfill | None:
        state, settings = self.state, self.settings
        stored_max = state.stored_max_before
        start = max(state.max_seen, stored_max)
        mode = state.backfill_mode
        if mode == "auto":
            mode = "new" if self.store.category_complete(state_key("backfill")) else "all"
            state.backfill_mode = f"auto: {mode}"
        if not start:
            self.logger.warning("Backfill: no article id seen, nothing to start from")
            return None
        floor = {"new": stored_max, "all": 0}.get(mode)
        if floor is None:
            floor = max(0, start - int(mode))
        if mode == "all":  # a whole backfill: marked complete only by a run that finishes it
            self.store.set_category_state([state_key("backfill")], complete=False)

        def skip(ids):
            ids = list(ids)
            fetched = {i for i in ids if i in state.fetched}
            stored = self.store.known_ids([site.article_key(i) for i in ids if i not in fetched])
            return fetched | {i for i in ids if site.article_key(i) in stored}

        self.logger.info("Backfill (%s): ids %d down to %d", state.backfill_mode, start, floor + 1)
        return Backfill(start, floor=floor, max_ids=settings.getint("MAE_BACKFILL_MAX_IDS"),
                        max_gap=settings.getint("MAE_BACKFILL_MAX_GAP"), skip=skip)

    def _probed(self, item: int, found: bool | None) -> None:
        if self.state.probes is not None:
            self.state.probes.record(item, found)
            self.crawler.stats.inc_value(
                f"mae/backfill/{'found' if found else 'missing' if found is False else 'failed'}")

    # --- failures ------------------------------------------------------------------------------------------------
    def on_error(self, failure):
        kwargs = failure.request.cb_kwargs
        via, item, article_id = kwargs.get("via"), kwargs.get("item"), kwargs.get("article_id")
        status = failure.value.response.status if failure.check(HttpError) else None
        if via == "backfill":
            if status in PERMANENT_STATUSES:  # a gap in the ids: expected, not an error
                self.logger.debug("Backfill: no item %d (%d)", item, status)
                self.state.pending.pop(article_id, None)
                self._probed(item, False)
                return
            self._probed(item, None)
            if failure.check(IgnoreRequest) and not failure.check(HttpError) and self.state.probes is not None \
                    and self.state.probes.stop_reason is None:  # robots.txt forbids the print view: stop probing
                self.state.probes.stop_reason = "refused"
                self.logger.warning("Backfill stopped: %s was not fetched (%s)", failure.request.url,
                                    failure.getErrorMessage() or "refused")
        super().on_error(failure)

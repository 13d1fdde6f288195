"""The ``mae`` spider: the news of the successor portal mae.gov.vn, into the same archive as ``monre``.

This module holds the spider itself: its arguments, the home page, the article links it follows and the
article pages (and print views) it reads, and its failures. Its section pages are read by the
:class:`~monre_crawler.spiders.mae_sections.SectionPages` mixin, the backfill by id by the
:class:`~monre_crawler.spiders.mae_backfill.PrintViewBackfill` mixin; the run's state is
:class:`~monre_crawler.spiders.mae_state.MaeCrawlState`.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.spidermiddlewares.httperror import HttpError

from .. import discovery, extract
from ..extensions import store_of
from ..items import AliasSighting, ArticleItem, ListingSighting
from ..sites import mae as site
from ..text import clean, fold, for_message
from ..urls import canonical_url
from .base import PortalSpider
from .failures import PERMANENT_STATUSES
from .mae_backfill import PrintViewBackfill
from .mae_sections import SectionPages
from .mae_state import MaeCrawlState, state_key  # noqa: F401 - state_key: callers read it from here
from .rechecks import ARTICLE_PRIORITY, STORED

FRAME_SAMPLE = 50  # article pages whose boxes of links (and distinct <title>s) are noted: enough to know the frame
BACKFILL_MODES = ("auto", "new", "all", "off")


class MaeSpider(SectionPages, PrintViewBackfill, PortalSpider):
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
        ``1`` to fetch every stored article of mae.gov.vn again (re-checked: linked or not) and every linked one,
        and update the ones whose content changed; ``0`` (default) for an incremental run: only articles not
        stored yet, and a section's paging stops at the first page whose articles are all stored (once that
        section has been read to its end by a completed run). The backfill skips stored ids either way.
    ``backfill``
        Which ids to probe through the print view once the links are exhausted (ids stored or fetched in this
        run are always skipped): ``all`` — from the highest id seen down to the portal's first item, bounded by
        ``MAE_BACKFILL_MAX_IDS`` probes and by ``MAE_BACKFILL_MAX_GAP`` missing ids in a row; ``new`` — only
        the ids above the highest id stored before this run (a nightly run: new articles that no page links);
        a number ``N`` — the ``N`` ids below the highest seen; ``off``; ``auto`` — ``all`` until a run has
        completed a whole backfill (the first full crawl, resumed by the next nights if it is cut short), then
        ``new``. Default: the ``MAE_BACKFILL`` setting (``auto``).

    As the ``monre`` spider does (:class:`~monre_crawler.spiders.rechecks.RecheckMixin`), once a page links
    articles, every run fetches again the articles earlier runs lost (``lost_articles``: in the URL form they were
    lost under, the print view included) and re-checks stored ones: an incremental run those published within the
    last ``MONRE_RECHECK_DAYS`` days (undated ones: first stored within them) and those marked removed that a page
    links again; ``full=1`` all of them. A re-checked article that answers 404/410 or is redirected to the home
    page or an error page is marked removed (a guess of how mae.gov.vn removes, see :mod:`~monre_crawler.sites.mae`);
    a 5xx or a timeout is an error of the run, not a removal.
    """

    name = "mae"
    profile = site.PROFILE
    # Its sections' pagers are found by discovery (monre_crawler.discovery), which reads no page numbers: the
    # progress line does not estimate what is left of them.
    sizes_categories = False
    arguments = ("base_url", "categories", "full", "backfill")

    def __init__(self, base_url: str | None = None, categories: str | None = None, full: str = "0",
                 backfill: str | None = None, *args, **kwargs):
        scrapy.Spider.__init__(self, *args, **kwargs)
        self.base_url, self.wanted, self.full, backfill = self.validate_arguments(base_url, categories, full, backfill)
        self.host = urlsplit(self.base_url).hostname
        self.allowed_domains = [self.host]
        self.state = MaeCrawlState(self.base_url, self.wanted, self.full, backfill=backfill)
        self.backlog: deque = deque()  # PortalSpider's, which feed_backlog reads on every spider_idle

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
        # The highest id stored before this run: the nightly backfill ("new") probes only the ids above it.
        self.state.stored_max_before = store_of(self.crawler).highest_item_id("mae-") or 0
        async for request in super().start():  # the home page (a redirect off the site noted, not followed)
            yield request

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
        if not state.refetching:  # the first page linking articles shows the portal (not a notice served for every
            state.refetching = True  # URL): fetch again what earlier runs lost, then re-check what is stored
            yield from self._refetches(set(state.sections.values()))
        known = self.store.known_ids(sorted({site.article_key(i) for i, _, _ in found}))
        state.linked.setdefault(via, set()).update(i for i, _, _ in found)
        state.listed += len(found)  # news found (a night that finds none fails)
        removed = self.store.removed_ids(known) if known else set()  # linked again: fetched, they may be back
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
            if key in state.lost and any([state.listed_again(key, n) for n in names or [None]]):
                continue  # lost earlier in this run: not fetched twice, and the sections linking it are not done
            if key in known or item in state.fetched:
                sighted += [(name, key) for name in names]
                if new_form and key in known:
                    aliases.setdefault(key, []).append(url)
                    if site.is_short_form(url):
                        primaries[key] = url
                if (not self.full and key not in removed) or item in state.fetched:
                    continue
            state.fetched.add(item)
            state.pending[key] = names
            state.found_by[via] += 1
            stored = key in known  # a 404 then means removed (and a redirect home is not filtered as a duplicate)
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, priority=ARTICLE_PRIORITY,
                                 meta={STORED: stored}, dont_filter=stored,
                                 cb_kwargs={"article_id": key, "item": item, "via": via, "link_text": text})
        for name, key in sighted:
            yield ListingSighting(category=name, article_ids=[key])
        for key, urls in aliases.items():  # the short form, linked at last, becomes the article's url
            yield AliasSighting(article_id=key, urls=urls, primary=primaries.get(key))

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
        found = self._article_links(links)
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
        names = {site.section_slug(url): text or site.section_slug(url) for url, text in candidates.items()}
        for slug, name in names.items():
            self.state.sections.setdefault(slug, name)
        if not found and not candidates:
            self.logger.error("No section or article link on the home page (its title: %r): has the portal changed?",
                              self.state.home_title or "")
        yield from self._follow(found, "home")
        for url, text in candidates.items():
            name = text or site.section_slug(url)
            yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error,
                                 cb_kwargs={"category": name, "page": 1, "seen_pages": frozenset(),
                                            "visited": frozenset({url})})

    # --- articles ----------------------------------------------------------------------------------------------
    def parse_article(self, response, article_id: str, item: int, via: str, link_text: str = "",
                      listing_date: str = ""):
        """An article page or print view; ``via``: the discovery that linked it, ``backfill`` (a print view probed
        by id), ``lost`` (lost by an earlier run) or ``recheck`` (stored: re-checked); ``listing_date``: a
        re-check's stored date."""
        fetched, response = response.url, self._with_encoding(response)
        state = self.state
        if response is None:
            if via == "backfill":
                self._probed(item, None)
            self._unreadable(article_id, fetched, None, "not an HTML page")
            return
        if self._settled_by_redirect(response, article_id, (response.meta.get("redirect_urls") or [fetched])[0]):
            return  # a re-check redirected to the home page or an error page (removed), or to another article
        if extract.is_error_page(response, self.profile):
            if via == "backfill":  # an id without an item, answered with a page that says so
                self._probed(item, False)
                state.pending.pop(article_id, None)
                return
            yield from self._retry_error_page(response, None, article_id)
            return
        self.note_invalid_utf8(response)
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
                              aliases=ranked[1:] + ([printed] if url != printed else []),
                              listing_date_text=listing_date)
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
            extract.extract_article(response, listing_title=state.hints.get(item) or link_text,
                                    listing_date=listing_date, profile=self.profile, into=article,
                                    site_texts=state.site_texts())
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

    def _refetch_kwargs(self, article_id, url, listing, category, stored) -> dict:
        """An article the archive knows, fetched again (lost by an earlier run, or ``stored``: re-checked) under its
        URL: one request for its id in this run, whatever form links it meanwhile."""
        item = site.key_item(article_id)
        self.state.fetched.add(item)
        if site.is_article_url(url):  # not the print view, which every article has anyway (its alias)
            self.state.forms.setdefault(item, set()).add(url)
        return {"article_id": article_id, "item": item, "via": "recheck" if stored else "lost",
                "link_text": listing.title, "listing_date": listing.date_text}

    def _named_article(self, response) -> str | None:
        """The article URL a print view names as its own (``rel=canonical``, ``og:url``), if any."""
        for href in response.css('link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)').getall():
            url = response.urljoin(href.strip())
            if site.is_article_url(url):
                return url
        return None

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

"""The mae spider's section pages: which links of a page are a section's own, and its next page.

A mixin of :class:`~monre_crawler.spiders.mae.MaeSpider` (it uses the spider's state, store, profile and its
``_follow`` / ``_article_links``). A section page's own articles are the article links of its main content
(the page without its chrome) that are not in a *box* of links shown in two other places (the home page,
article pages, other sections): such a box is the site's frame. A page whose boxes are still undecided is read
again later; the texts of listing pages that may name the site are counted; the next page is followed through
whatever pager the page has, with guards against loops and endless pagers.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import scrapy
from form2request import form2request

from .. import chrome, discovery, extract, fallbacks
from ..sites import mae as site
from ..text import clean, fold
from .mae_state import state_key

DEFERRED_PRIORITY = -5  # a section page read again once article pages have shown what is on every page


class SectionPages:
    """Reading section pages (mixed into :class:`~monre_crawler.spiders.mae.MaeSpider`)."""

    def _article_of(self, response):
        """``href -> article id or None`` on this page (links to articles of this portal only)."""
        def article_of(href: str):
            url = discovery.absolute(response, href)
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
        texts.update(fold(part) for part in [title, *fallbacks.TITLE_SEPARATORS.split(title)] if clean(part))
        self.state.count_texts(self.state.page_texts, texts)

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
        root = chrome.without_chrome(response.selector.root, self.profile)
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
        root = chrome.without_chrome(response.selector.root, self.profile) if root is None else root
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

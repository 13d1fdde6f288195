"""Read a category's listing page: its article entries, its pager's link to the next page and what the pager
shows of the category's size (:func:`pager_extent`, for the progress line's estimate of what is left).

The selectors come from the portal's profile (:mod:`monre_crawler.sites`); both pager styles are read, the
ASP.NET postback links (``javascript:__doPostBack(target, argument)``) and plain links. Only http(s) links
are kept (:func:`monre_crawler.urls.safe_url`). A page too big to hold as one tree is read as a stream
(:class:`ListingStream`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from .sites import Profile
from .sites.monre import PROFILE as MONRE
from .text import clean
from .urls import safe_url


# --- Listings ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListingEntry:
    url: str  # absolute, as linked
    title: str
    date_text: str


@dataclass(frozen=True)
class NextPage:
    number: int | None
    url: str | None = None  # a plain link
    target: str | None = None  # an ASP.NET postback: __EVENTTARGET …
    argument: str | None = None  # … and __EVENTARGUMENT


def listing_entries(response, profile: Profile = MONRE) -> list[ListingEntry]:
    entries = []
    for entry in response.css(profile.listing_entry):
        link = entry.css(profile.listing_link)
        url = safe_url(link.attrib.get("href", ""), response.url)
        if url is None:
            continue
        entries.append(
            ListingEntry(
                url=url,
                title=clean(" ".join(link.css("::text").getall())),
                date_text=clean(" ".join(entry.css(profile.listing_date + " ::text").getall())),
            )
        )
    return entries


class ListingStream:
    """The entries of a listing page read as a stream, for a page too big to hold as one tree.

    A page listing 100,000 articles is a tree of 150 MB in lxml; read this way, each entry is taken out of
    the tree as soon as the parser has closed it, so memory holds the page's bytes and one entry at a time.
    Iterate it for :class:`ListingEntry` objects (the same as :func:`listing_entries` gives); afterwards
    :meth:`skeleton` is the page without its entries (pager, form, headings: small), as a response.
    """

    CHUNK = 64 * 1024

    def __init__(self, response, profile: Profile = MONRE):
        self.response = response
        self.root = None
        translate = HTMLTranslator().css_to_xpath
        self._entry = etree.XPath(translate(profile.listing_entry))
        self._link = etree.XPath(translate(profile.listing_link))
        self._date = etree.XPath(translate(profile.listing_date))
        tag = re.match(r"[a-z][a-z0-9]*", profile.listing_entry)
        self._tag = tag[0] if tag else None

    def __iter__(self):
        parser = etree.HTMLPullParser(events=("end",), tag=self._tag, encoding=self.response.encoding)
        body, base = self.response.body, self.response.url
        for start in range(0, len(body) + 1, self.CHUNK):
            parser.feed(body[start:start + self.CHUNK])
            for _, element in parser.read_events():
                if not any(match is element for match in self._entry(element)):
                    continue
                links = self._link(element)
                url = safe_url(links[0].get("href", ""), base) if links else None
                if url is not None:
                    yield ListingEntry(url=url, title=clean(" ".join(links[0].itertext())),
                                       date_text=clean(" ".join(t for d in self._date(element) for t in d.itertext())))
                parent = element.getparent()
                element.clear()
                if parent is not None:
                    parent.remove(element)
        self.root = parser.close()

    def skeleton(self):
        """The page without its entries (after iterating), as an HtmlResponse."""
        from scrapy.http import HtmlResponse

        body = etree.tostring(self.root, method="html", encoding="utf-8") if self.root is not None else b""
        return HtmlResponse(url=self.response.url, body=body, encoding="utf-8", request=self.response.request,
                            status=self.response.status, headers=self.response.headers)


def current_page(response, profile: Profile = MONRE) -> int | None:
    text = clean(" ".join(response.css(profile.pager_current + " ::text").getall()))
    return int(text) if text.isdigit() else None


def next_page(response, page: int, profile: Profile = MONRE) -> NextPage | None:
    """The pager's link to page ``page + 1`` (numbered, else a "next" link), or None on the last page."""
    shown = current_page(response, profile) or page
    fallback = None
    for link in response.css(profile.pager_links):
        href = link.attrib.get("href", "").strip()
        text = clean(" ".join(link.css("::text").getall())).casefold()
        postback = profile.postback_href.search(href)
        if postback:
            target, argument = postback.groups()
            number = _page_number(argument) or _page_number(text)
            candidate = NextPage(number=number, target=target, argument=argument)
        elif (url := safe_url(href, response.url)) is not None:
            number = _page_number(text) or _page_param(url, profile)
            candidate = NextPage(number=number, url=url)
        else:
            continue
        if number == shown + 1 and text.isdigit():
            return candidate
        if text in profile.next_link_texts and fallback is None:
            fallback = candidate
    if fallback is not None and fallback.number is not None and fallback.number <= shown:
        return None
    return fallback


@dataclass(frozen=True)
class PagerExtent:
    """What a listing page's pager shows of its category's size."""

    highest: int  # the highest page number shown (the current page's included): the category has at least so many
    last: bool  # the pager shows the category's last page: ``highest`` is its number of pages


def pager_extent(response, page: int, profile: Profile = MONRE) -> PagerExtent | None:
    """The highest page number the pager of listing page ``page`` shows, and whether it is the last page.

    Every pager link's number counts (a numbered link's text; else its postback argument or ``Page=``
    parameter: the "next" link's page, a "…" link's). The highest is known to be the last page when a "last
    page" link (the profile's ``last_link_texts``, by text or title) gives its number, when the pager offers no
    next page (this page is the last), or when the numbers shown jump to the highest (``1 2 3 … 100``: a pager
    that shows its last page on purpose). A window of numbers (``1 2 3 4 5 »``) gives a lower bound only.
    None when the page shows no page number at all.
    """
    shown = current_page(response, profile)
    numbers = {shown} if shown else set()
    last = None
    for link in response.css(profile.pager_links):
        href = link.attrib.get("href", "").strip()
        text = clean(" ".join(link.css("::text").getall())).casefold()
        number = int(text) if text.isdigit() and len(text) < 7 else None
        if number is None:
            postback = profile.postback_href.search(href)
            if postback:
                number = _argument_number(postback[2])
            elif (url := safe_url(href, response.url)) is not None:
                number = _page_param(url, profile)
        if number is None or number < 1:
            continue
        numbers.add(number)
        title = clean(link.attrib.get("title", "")).casefold()
        if text in profile.last_link_texts or title in profile.last_link_texts:
            last = number if last is None else max(last, number)
    if not numbers:
        return None
    highest = max(numbers)
    if last is not None and last == highest:
        return PagerExtent(highest, True)
    below = sorted(numbers)[-2] if len(numbers) > 1 else None
    if next_page(response, shown or page, profile) is None or (below is not None and highest - below > 1):
        return PagerExtent(highest, True)
    return PagerExtent(highest, False)


def _argument_number(argument: str) -> int | None:
    """A postback argument's page number: ``5``, ``Page$5``; not an argument with other numbers in it."""
    match = re.fullmatch(r"\D*?(\d{1,6})", argument.strip())
    return int(match[1]) if match else None


def _page_number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits and len(digits) < 7 else None


def _page_param(url: str, profile: Profile) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() == profile.listing_page_param.lower() and value.isdigit():
            return int(value)
    return None

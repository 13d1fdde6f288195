"""Read a category's listing page: its article entries and its pager's link to the next page.

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


def _page_number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits and len(digits) < 7 else None


def _page_param(url: str, profile: Profile) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() == profile.listing_page_param.lower() and value.isdigit():
            return int(value)
    return None

"""Read a category's listing page: its article entries and its pager's link to the next page.

The selectors come from the portal's profile (:mod:`monre_crawler.sites`); both pager styles are read, the
ASP.NET postback links (``javascript:__doPostBack(target, argument)``) and plain links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from .sites import Profile
from .sites.monre import PROFILE as MONRE
from .text import clean


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
        href = link.attrib.get("href", "").strip()
        if not href or href.lower().startswith("javascript:"):
            continue
        entries.append(
            ListingEntry(
                url=response.urljoin(href),
                title=clean(" ".join(link.css("::text").getall())),
                date_text=clean(" ".join(entry.css(profile.listing_date + " ::text").getall())),
            )
        )
    return entries


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
        elif href and not href.lower().startswith("javascript:"):
            url = response.urljoin(href)
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

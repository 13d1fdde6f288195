"""Finding articles, sections and the next listing page without knowing a portal's markup.

For a portal whose markup nobody has described (mae.gov.vn), links are recognised by their URL form (the
portal profile's ``article_id``), a listing's own articles are the article links of its main content (the page
without its chrome, as the generic extraction fallbacks see it), and the next listing page is whatever the page
offers: a ``rel=next`` link, a link numbered ``page + 1``, or a "next" link (»,  ›, "Trang sau", …), as a plain
link or an ASP.NET postback. The spider guards against loops and endless pagers; this module only reads pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from . import extract
from .sites import Profile
from .text import clean

# Words of a link's title or aria-label that mean "next page" (its text is compared with the profile's
# ``next_link_texts``). Generic, not portal knowledge.
NEXT_WORDS = re.compile(r"\b(next|trang sau|trang tiếp|tiếp theo)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without fragment
    text: str


@dataclass(frozen=True)
class NextPage:
    url: str | None = None  # a plain link …
    target: str | None = None  # … or an ASP.NET postback: __EVENTTARGET …
    argument: str | None = None  # … and __EVENTARGUMENT
    how: str = ""  # "rel", "number" or "text"


def _absolute(response, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(response.urljoin(href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def links(response, root=None) -> list[Link]:
    """Every http(s) link of the page (or of ``root``, an lxml element of it), in page order."""
    out = []
    nodes = root.iter("a") if root is not None else (a.root for a in response.css("a[href]"))
    for node in nodes:
        url = _absolute(response, node.get("href"))
        if url:
            out.append(Link(url, clean(node.text_content())))
    return out


def same_site(url: str, host: str) -> bool:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.") == host.lower().removeprefix("www.")


def main_content_links(response, profile: Profile) -> list[Link]:
    """The links of the page's main content: the page without its header, menus, sidebars, footer."""
    return links(response, extract._without_chrome(response.selector.root, profile))  # noqa: SLF001 - shared


def next_page(response, page: int, visited: set[str], is_listing_link, profile: Profile) -> NextPage | None:
    """The link to listing page ``page + 1``: ``rel=next``, else one numbered ``page + 1``, else a "next" link.

    ``visited`` are the URLs of the pages already read (never offered again); ``is_listing_link(url)`` says
    whether a plain link may be a page of this listing (same site, not an article, not a file).
    """
    for href in response.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').getall():
        url = _absolute(response, href)
        if url and url not in visited and is_listing_link(url):
            return NextPage(url=url, how="rel")
    numbered = by_text = None
    for anchor in response.css("a[href]"):
        node = anchor.root
        href = (node.get("href") or "").strip()
        text = clean(node.text_content()).casefold()
        label = clean(f"{node.get('title') or ''} {node.get('aria-label') or ''}").casefold()
        postback = profile.postback_href.search(href)
        if postback:
            candidate = NextPage(target=postback[1], argument=postback[2])
        else:
            url = _absolute(response, href)
            if not url or url in visited or not is_listing_link(url):
                continue
            candidate = NextPage(url=url)
        if text == str(page + 1) and numbered is None:
            numbered = candidate
        elif by_text is None and (text in profile.next_link_texts or (not text.isdigit() and NEXT_WORDS.search(label or text))):
            by_text = candidate
    if numbered is not None:
        return NextPage(numbered.url, numbered.target, numbered.argument, how="number")
    if by_text is not None:
        return NextPage(by_text.url, by_text.target, by_text.argument, how="text")
    return None

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

from . import chrome
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


def absolute(response, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(response.urljoin(href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def links(response, root=None, skip=frozenset()) -> list[Link]:
    """Every http(s) link of the page (or of ``root``, an lxml element of it), in page order; not the ``<a>``
    elements in ``skip``."""
    out = []
    nodes = root.iter("a") if root is not None else (a.root for a in response.css("a[href]"))
    for node in nodes:
        if node in skip:
            continue
        url = absolute(response, node.get("href"))
        if url:
            text = clean(node.text_content())
            if not text:  # an image-only link (a teaser's picture): its image's alt text, if any
                text = next((clean(img.get("alt") or img.get("title")) for img in node.iter("img")
                             if clean(img.get("alt") or img.get("title"))), "")
            out.append(Link(url, text))
    return out


def link_boxes(root, is_article) -> dict:
    """Each article link of ``root`` -> its *box*: the ids of the articles linked in its nearest ancestor that
    links two articles or more (a listing, a sidebar box), as a frozenset, and that ancestor. ``is_article(href)``
    gives an href's article id or None. Two pages that share a box (the same articles in one container) share a
    block of the site's frame ("most read", "latest news"), not content of their own."""
    ids_under: dict = {}
    anchors = []
    for node in root.iter("a"):
        item = is_article(node.get("href") or "")
        if item is None:
            continue
        anchors.append(node)
        for ancestor in node.iterancestors():
            ids_under.setdefault(ancestor, set()).add(item)
    boxes = {}
    for node in anchors:
        for ancestor in node.iterancestors():
            if len(ids_under[ancestor]) >= 2:
                boxes[node] = (frozenset(ids_under[ancestor]), ancestor)
                break
    return boxes


def in_boxes(boxes: dict, chosen) -> set:
    """The links of ``boxes`` (:func:`link_boxes`) that lie in one of the ``chosen`` boxes: in the deepest
    element that links exactly a chosen box's articles (not a link beside it whose nearest container happens to
    link the same articles, such as a listing's only entry that the box also shows)."""
    deepest: dict = {}
    for node, (box, element) in boxes.items():
        if box in chosen:
            depth = sum(1 for _ in element.iterancestors())
            if box not in deepest or depth > deepest[box][0]:
                deepest[box] = (depth, element)
    containers = [element for _, element in deepest.values()]
    return {node for node in boxes if any(c is node or any(a is c for a in node.iterancestors()) for c in containers)}


def same_site(url: str, host: str) -> bool:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.") == host.lower().removeprefix("www.")


def main_content_links(response, profile: Profile) -> list[Link]:
    """The links of the page's main content: the page without its header, menus, sidebars, footer."""
    return links(response, chrome.without_chrome(response.selector.root, profile))


def next_page(response, page: int, visited: set[str], is_listing_link, profile: Profile) -> NextPage | None:
    """The link to listing page ``page + 1``: ``rel=next``, else one numbered ``page + 1``, else a "next" link.

    ``visited`` are the URLs of the pages already read (never offered again); ``is_listing_link(url)`` says
    whether a plain link may be a page of this listing (same site, not an article, not a file).
    """
    for href in response.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').getall():
        url = absolute(response, href)
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
            url = absolute(response, href)
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

"""Portal profiles: everything the crawler knows about one portal, read by the shared spider mechanics.

A :class:`Profile` holds a portal's markup (menu, listing entries, pager, article :class:`Layout`\\ s, page
chrome, error pages), its URL rules (category and article URLs, parameters that never select content, the
suffix of reposts) and its habits (encoding of pages that declare none, the form fields of its postback
pager, whether a listing page past the end repeats the last one). The spider, the extractors and the store
take it as an argument; none of them knows a portal.

Adding a portal is adding a module here with its profile (``sites/monre.py`` is the ministry's SharePoint
portal) and a spider that is :class:`monre_crawler.spiders.base.PortalSpider` with that profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit


# How news CMSs name their chrome in class and id attributes (Vietnamese ones included): generic knowledge,
# not any one portal's, so every profile starts from it (a profile may pass its own ``chrome_hints``).
GENERIC_CHROME_HINTS = re.compile(
    r"(^|[\s_-])(header|menu|nav|sidebar|side-bar|banner|footer|related|(tin-?)?lien-?quan|tin-?khac|tin-?moi|"
    r"xem-?them|other-?news|more-?news|comment|binh-?luan|y-?kien|share|social|print|tools|breadcrumb|latest|"
    r"most-read|tag)s?($|[\s_-])",
    re.IGNORECASE,
)


# What SharePoint's failure pages say (observed on monre.gov.vn, which answers some failures with status 200 and
# one of them); a profile of another SharePoint portal may start from them.
SHAREPOINT_ERROR_MARKERS = (
    "không tìm thấy trang",
    "runtime error",
    "server error in '/' application",
    "sorry, something went wrong",
    "xin lỗi, đã xảy ra lỗi",
    "page not found",
)

@dataclass(frozen=True)
class Layout:
    """Where one of the portal's article page designs keeps each field (CSS selectors).

    ``body`` selects the element whose children are the article's own content; ``title``, ``date`` and
    ``lead`` select elements whose text is the field. ``name`` is what ``articles.template`` records.
    """

    name: str
    title: str
    body: str
    date: str | None = None
    lead: str | None = None


@dataclass(frozen=True)
class Profile:
    """One portal (see the module docstring; ``sites/monre.py`` documents each field by example)."""

    name: str
    base_url: str  # default -a base_url
    # home page and its menu
    home_path: str
    menu_links: str
    category_path: str  # as the portal links it; compared without regard to case
    category_param: str
    # category listings
    listing_entry: str
    listing_link: str
    listing_date: str
    listing_page_param: str
    repeated_page_ends_category: bool  # a page past the end answers with the last page again
    # pager: postback (ASP.NET) or plain links
    pager_current: str
    pager_links: str
    postback_form: str
    postback_href: re.Pattern
    postback_fields: tuple[str, str]  # the form fields that carry a postback's target and argument
    next_link_texts: frozenset[str]
    # article pages
    layouts: tuple[Layout, ...]
    chrome: tuple[str, ...]
    chrome_hints: re.Pattern
    chrome_headings: frozenset[str]
    source_line: re.Pattern
    attachment_extensions: tuple[str, ...]
    error_page_markers: tuple[str, ...]
    # URLs and pages
    article_path: tuple[str, str]  # an article's path starts and ends so (compared lower-cased)
    dropped_params: frozenset[str]  # query parameters (lower-cased) that never select content
    dropped_param_prefixes: tuple[str, ...]
    repost_suffix: re.Pattern  # at the end of a repost's slug
    default_encoding: str  # of pages that declare none
    # document titles (``<title>``, folded) that name no article: a print view's "In tin bài" …
    generic_titles: frozenset[str] = frozenset()
    # pager link texts (or titles), folded, that mean "last page": its page number is the category's size
    last_link_texts: frozenset[str] = frozenset()

    @property
    def portal(self) -> str:
        """The portal's name in the archive (``articles.portal``): the host of its default base URL."""
        return (urlsplit(self.base_url).hostname or self.name).removeprefix("www.")

    def is_category_url(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.path.lower() == self.category_path.lower() and any(
            k.lower() == self.category_param for k, _ in parse_qsl(parts.query)
        )

    def category_name(self, url: str) -> str | None:
        """The category a listing URL shows (its category parameter, percent-decoded)."""
        for key, value in parse_qsl(urlsplit(url).query):
            if key.lower() == self.category_param:  # category_param is lower-case
                return value
        return None

    def listing_url(self, base_url: str, name: str) -> str:
        return f"{base_url}{self.category_path}?{self.category_param}={quote(name, safe='')}"

    def is_article_url(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        start, end = self.article_path
        return path.startswith(start) and path.endswith(end) and path != self.category_path.lower()

    def same_article(self, url: str, other: str) -> bool:
        """Are these two canonical URLs the same article (a redirect from one to the other moved nothing)?
        Here: the same path, whatever the query."""
        return urlsplit(url).path.lower() == urlsplit(other).path.lower()

    def keeps_param(self, name: str) -> bool:
        """Whether a query parameter can select content (else canonical URLs drop it)."""
        lowered = name.lower()
        return lowered not in self.dropped_params and not lowered.startswith(self.dropped_param_prefixes)

    def is_repost_of(self, url: str, original: str) -> bool:
        """Is ``url`` a repost of ``original`` (the portal published a repeated slug with a suffix)?"""
        stem = urlsplit(url).path.lower().removesuffix(".aspx")
        other = urlsplit(original).path.lower().removesuffix(".aspx")
        return bool(self.repost_suffix.search(stem)) and self.repost_suffix.sub("", stem) == other

"""The profile of the successor portal, mae.gov.vn (Bộ Nông nghiệp và Môi trường), since March 2025.

Nobody working on this crawler has seen the portal's HTML. What is observed (public pages and public code
citing it, 2025–2026) is used as fact; everything else is a *guess*, named so here, and the spider is built
not to depend on the guesses (discovery by URL form, extraction by the generic fallbacks of
:mod:`monre_crawler.extract`).

Observed:

- an article is ``/<ascii-slug>-<id>.htm`` and, under a category path, ``/<category-slug>/<ascii-slug>-<id>.htm``;
  the home page links recent articles in the first form (``href="(/[^"#?]+?-\\d{4,}\\.htm)"``);
- the id is an increasing integer (19022 in July 2025, 22238 in July 2026);
- every item has a print view ``/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=<id>``;
- documents live in SharePoint lists: ``/noidung/Lists/VBQPPL/Attachments/<n>/<file>.pdf``;
- older SharePoint paths survive (``/Pages/<name>.aspx?ItemID=<n>``), the portal sometimes turns automated
  clients away.

Likely, not proven: the print view's ItemID is the article URL's id (both series fall in the same range at the
same dates). The spider checks it on every print view that names its article (``rel=canonical``, ``og:url``):
one that names another id is not stored, and counted (``mae/backfill/id_mismatch``).

Not known (guesses, each named ``GUESS``): the navigation menu, the category pages' URLs, the listing markup
and its pager, the article page's markup, the page chrome, robots.txt, any feed. :data:`PROFILE` is the shared
:class:`~monre_crawler.sites.Profile` with these rules; its listing and menu selectors are unused (the mae
spider finds sections and pagers by URL form and page structure, :mod:`monre_crawler.discovery`) and its
:data:`LAYOUTS` are empty, ready to be filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import GENERIC_CHROME_HINTS, SHAREPOINT_ERROR_MARKERS, Layout, Profile

NAME = "mae"
DEFAULT_BASE_URL = "https://mae.gov.vn"  # the portal is mae.gov.vn (``articles.portal``)
HOME_PATH = "/"

# --- Article URLs (observed) -------------------------------------------------------------------------------
# ``/<slug>-<id>.htm`` or ``/<category-slug>/<slug>-<id>.htm``; ids have 4+ digits (the aggregator's pattern).
# Compared case-insensitively: a hand-typed link may capitalise, the id is what counts.
ARTICLE_PATH = re.compile(
    r"^/(?:(?P<category>[a-z0-9]+(?:-[a-z0-9]+)*)/)?(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<id>\d{4,})\.htm$",
    re.IGNORECASE,
)
# The print view of one item (observed), and its id parameter.
PRINT_PATH = "/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx"
PRINT_PARAM = "ItemID"
# Document attachments (observed); other file extensions as in the monre profile.
DOCUMENT_PREFIX = "/noidung/lists/vbqppl/attachments/"
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar")
FILE_EXTENSIONS = ATTACHMENT_EXTENSIONS + (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp4", ".mp3", ".css",
                                           ".js", ".xml", ".ico")

# --- Sections (category pages): GUESS, found from the home page's links -------------------------------------
# Any link of the home page to another page of the same host that is not an article, a print view, a file or
# one of these paths is a candidate section; it is a section if its own content lists articles.
# GUESS: pages that are never news listings (search, contact, introduction, login, old SharePoint paths).
NOT_SECTIONS = re.compile(
    r"^/(?:pages/|_layouts/|_vti_bin/|smpt_publishing_uc/|noidung/|uploads?/|lists/)"
    r"|(?:^|/)(?:tim-?kiem|search|lien-?he|contact|gioi-?thieu|about|dang-?nhap|login|sitemap|so-?do-?(?:site|cong))"
    r"(?:\.(?:htm|html|aspx))?$",
    re.IGNORECASE,
)
# Link texts that name no section ("see more" buttons): a section is named by another of its links' texts.
GENERIC_LINK_TEXTS = frozenset({"xem thêm", "xem tất cả", "tất cả", "chi tiết", "xem chi tiết", "more", "see more",
                                "»", "›", "...", "…", "+"})
MAX_SECTIONS = 80  # candidate section pages read from the home page at most (a guard, not knowledge)
# Link texts that mean "next page" (generic: Vietnamese and English portals' usual words and arrows).
NEXT_LINK_TEXTS = frozenset({"»", "›", ">", ">>", "→", "tiếp", "sau", "trang sau", "trang tiếp", "tiếp theo",
                             "xem tiếp", "next", "next page", "sau »", "tiếp »", "trang sau »", "»»"})
# GUESS: the print view (SMPT_Publishing_UC, ``.aspx``) is an ASP.NET application: a postback pager is read too.
POSTBACK_HREF = re.compile(r"""__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
POSTBACK_FIELDS = ("__EVENTTARGET", "__EVENTARGUMENT")

# --- Article layouts: none known ---------------------------------------------------------------------------
# Nobody has seen an article page of mae.gov.vn: the generic fallbacks read every page. When someone does,
# add a ``Layout`` here (title, date, lead, body selectors): from then on the run's alarm is the fallback
# alarm (fallbacks standing in for the layouts), as for monre.gov.vn.
LAYOUTS: tuple[Layout, ...] = ()

# Page chrome: only what is chrome on any page. The generic fallbacks also drop header/nav/aside/footer
# elements, and elements whose class or id hints at chrome (CHROME_HINTS) or whose heading names a chrome box.
CHROME = ("script", "style", "noscript", "iframe")
CHROME_HINTS = GENERIC_CHROME_HINTS  # no portal-specific class names known beyond the generic ones
CHROME_HEADINGS = frozenset(
    {"tin liên quan", "tin mới nhất", "ý kiến của bạn", "các tin khác", "tin khác", "liên kết", "bình luận",
     "tin cùng chuyên mục", "tin đọc nhiều", "xem thêm"}
)
# GUESS: Vietnamese news pages end with "Theo …" / "Nguồn: …" (or an author's name: see extract._is_byline).
SOURCE_LINE = re.compile(r"^(?:theo|nguồn)\s*[:：]?\s+(?P<source>[^,;:]{1,120}?)\s*\.?$", re.IGNORECASE)
# GUESS: SharePoint (``/Pages/``, ``/noidung/Lists/`` are observed) answers some failures with these pages.
ERROR_PAGE_MARKERS = SHAREPOINT_ERROR_MARKERS
DROPPED_PARAMS = frozenset({"source"})  # GUESS: SharePoint's back-link parameter, as on monre.gov.vn
DROPPED_PARAM_PREFIXES = ("utm_",)
NEVER = re.compile(r"(?!)")  # the id is the identity: no URL is a "repost" of another
DEFAULT_ENCODING = "utf-8"  # GUESS
# GUESS: how the portal answers for an article it took down. Nobody has seen one; as on monre.gov.vn (SharePoint),
# the spider's re-checks take for a removal a 404 or 410 in any URL form, and a redirect to the home page
# (``HOME_PATH``, ``/default.aspx``, ``/Pages/default.aspx``) or to an error page (``ERROR_PAGE_MARKERS``); a
# redirect to another URL form of the same id (``MaeProfile.same_article``) is the same article, to another id a
# moved page (kept as it was); a 5xx or a timeout is a failed re-check, never a removal.
# GUESS: document titles of print views and other pages that name no article (folded: no marks, lower case).
# The title fallback never takes them; the spider also learns the ``<title>``s repeated on several pages.
GENERIC_TITLES = frozenset({"in tin bai", "in bai viet", "in trang", "ban in", "print", "print view"})


@dataclass(frozen=True)
class MaeProfile(Profile):
    """The shared :class:`Profile`, with mae.gov.vn's URL rule: an article is recognised by its URL form."""

    def is_article_url(self, url: str) -> bool:
        return is_article_url(url)

    def same_article(self, url: str, other: str) -> bool:
        """The same id, whatever the URL form (a category form or a wrong slug redirected to the short form)."""
        return article_id(url) is not None and article_id(url) == article_id(other)


# The listing and menu fields of the shared profile are not used: the mae spider finds sections and pages by
# URL form and page structure (:mod:`monre_crawler.discovery`), not by selectors.
PROFILE = MaeProfile(
    name=NAME, base_url=DEFAULT_BASE_URL, home_path=HOME_PATH, menu_links="a[href]",
    category_path="", category_param="", listing_entry="", listing_link="", listing_date="",
    listing_page_param="", repeated_page_ends_category=True, pager_current="", pager_links="a[href]",
    postback_form="form", postback_href=POSTBACK_HREF, postback_fields=POSTBACK_FIELDS,
    next_link_texts=NEXT_LINK_TEXTS, layouts=LAYOUTS, chrome=CHROME, chrome_hints=CHROME_HINTS,
    chrome_headings=CHROME_HEADINGS, source_line=SOURCE_LINE, attachment_extensions=ATTACHMENT_EXTENSIONS,
    error_page_markers=ERROR_PAGE_MARKERS, article_path=("/", ".htm"), dropped_params=DROPPED_PARAMS,
    dropped_param_prefixes=DROPPED_PARAM_PREFIXES, repost_suffix=NEVER, default_encoding=DEFAULT_ENCODING,
    generic_titles=GENERIC_TITLES,
)
PORTAL = PROFILE.portal  # "mae.gov.vn"


def article_id(url: str) -> int | None:
    """The numeric id of an article URL in either observed form, or of a print-view URL; None otherwise."""
    parts = urlsplit(url)
    if parts.path.lower() == PRINT_PATH.lower():
        for key, value in parse_qsl(parts.query):
            if key.lower() == PRINT_PARAM.lower() and value.strip().isdigit():
                return int(value.strip())
        return None
    match = ARTICLE_PATH.match(parts.path)
    return int(match["id"]) if match else None


def is_article_url(url: str) -> bool:
    """An article page in one of the two observed forms (not the print view)."""
    return ARTICLE_PATH.match(urlsplit(url).path) is not None


def is_print_url(url: str) -> bool:
    return urlsplit(url).path.lower() == PRINT_PATH.lower() and article_id(url) is not None


def url_category_slug(url: str) -> str | None:
    """``thuy-san-kiem-ngu`` of ``/thuy-san-kiem-ngu/<slug>-<id>.htm``; None for the short form."""
    match = ARTICLE_PATH.match(urlsplit(url).path)
    return match["category"].lower() if match and match["category"] else None


def is_short_form(url: str) -> bool:
    match = ARTICLE_PATH.match(urlsplit(url).path)
    return bool(match) and not match["category"]


def print_url(base_url: str, item_id: int) -> str:
    return f"{base_url}{PRINT_PATH}?{urlencode({PRINT_PARAM: item_id})}"


def article_key(item_id: int) -> str:
    """The archive's key of an article of this portal: its numeric id (``mae-19022``), whatever URL linked it."""
    return f"mae-{item_id}"


def key_item(key: str) -> int:
    """The numeric id of an archive key: ``mae-19022`` -> 19022."""
    return int(key.removeprefix("mae-"))


def section_slug(url: str) -> str:
    """The last path segment of a section page without its extension: ``/thuy-san.htm`` -> ``thuy-san``.

    GUESS: a section's page and its articles' category path share this slug; used only to name the category
    of an article linked in the category form from somewhere other than its section's listing.
    """
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.(?:htm|html|aspx)$", "", segment, flags=re.IGNORECASE).lower()


def is_section_candidate(url: str, host: str) -> bool:
    """A link of the home page that may be a news section: same host, a page, not an article or a file."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower().removeprefix("www.") != \
            host.lower().removeprefix("www."):
        return False
    path = parts.path or "/"
    if path == "/" or is_article_url(url) or path.lower().startswith(DOCUMENT_PREFIX):
        return False
    if path.lower().endswith(FILE_EXTENSIONS) or NOT_SECTIONS.search(path):
        return False
    return True

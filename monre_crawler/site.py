"""Everything this crawler knows about the portal's markup, in one place.

When the real portal differs from the site model (``tests/files/*.html``), this is the file to change:
the category menu, the listing entries, the pager, the article templates, the page chrome that must never
be mistaken for content, and what SharePoint's error pages say. Observed vs assumed, from the site model:

- observed: category URLs ``/Pages/ChuyenMuc.aspx?cm=<name>``, article URLs ``/Pages/<slug>.aspx``,
  listing entries ``div.row.item`` with ``.item-title a`` and the date in ``.item-infor``'s second span,
  the article body ``.news-content > .ms-rtestate-field``, the trailing ``Theo …`` source line, the 2021
  template's selectors (medium confidence);
- assumed: the menu ``ul.main-menu``, the pager ``div.pager`` (postback or plain links), the 2024
  template's ``h1.news-title``, ``.news-date`` and ``.news-sapo``.

Adding an article template is adding one :class:`ArticleTemplate` to :data:`ARTICLE_TEMPLATES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

DEFAULT_BASE_URL = "https://monre.gov.vn"

# --- Home page: the navigation menu links every news category ---------------------------------------
HOME_PATH = "/"
MENU_LINKS = "ul.main-menu a"
CATEGORY_PATH = "/pages/chuyenmuc.aspx"  # compared lower-cased: SharePoint paths ignore case
CATEGORY_PARAM = "cm"

# --- Category listing ------------------------------------------------------------------------------------
LISTING_ENTRY = "div.row.item"
LISTING_LINK = ".item-title a"
LISTING_DATE = ".item-infor span:nth-of-type(2)"
LISTING_PAGE_PARAM = "Page"  # plain-link pager: ChuyenMuc.aspx?cm=…&Page=N

# --- Pager: ASP.NET postback links or plain links ------------------------------------------------------
PAGER = "div.pager"
PAGER_CURRENT = "div.pager .current"
PAGER_LINKS = "div.pager a"
POSTBACK_FORM = "form#aspnetForm"
POSTBACK_HREF = re.compile(r"""__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
# Link texts that mean "next page" when the pager has no numbered link to the next page.
NEXT_LINK_TEXTS = frozenset({"»", "›", ">", ">>", "tiếp", "sau", "trang sau", "next", "tiếp theo"})


# --- Article pages -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArticleTemplate:
    """Where one of the portal's article templates keeps each field (CSS selectors).

    ``body`` selects the element whose children are the article's own content; ``title``, ``date``
    and ``lead`` select elements whose text is the field.
    """

    name: str
    title: str
    body: str
    date: str | None = None
    lead: str | None = None


ARTICLE_TEMPLATES: tuple[ArticleTemplate, ...] = (
    ArticleTemplate(
        name="2024",
        title="h1.news-title",
        date=".news-date",
        lead=".news-sapo",
        body=".news-content > .ms-rtestate-field",
    ),
    ArticleTemplate(
        name="2021",
        title="#layoutBanTin h4",
        date="#publish-date em",
        lead="#idTomTat",
        body="#ctl00_PlaceHolderMain_ctl04__ControlWrapper_RichHtmlField",
    ),
)

# Page chrome present on every page: never content, never a publication date. Removed before the
# generic fallbacks look at a page (``header``/``nav``/``aside``/``footer`` are removed too).
CHROME = (
    "script",
    "style",
    "noscript",
    "iframe",
    "#header",
    ".header-date",
    ".top-banner",
    "#menu",
    ".main-menu",
    ".search-box",
    ".sidebar",
    ".box-latest",
    ".box-links",
    ".related-news",
    ".tin-khac",
    ".news-tools",
    ".comment-box",
    "#footer",
    ".aspNetHidden",
    ".breadcrumb",
)
# Class or id fragments that mark chrome in a template nobody described yet.
CHROME_HINTS = re.compile(
    r"(^|[\s_-])(header|menu|nav|sidebar|side-bar|banner|footer|related|(tin-?)?lien-?quan|tin-?khac|tin-?moi|"
    r"xem-?them|other-?news|more-?news|comment|binh-?luan|y-?kien|share|social|print|tools|breadcrumb|latest|"
    r"most-read|tag)s?($|[\s_-])",
    re.IGNORECASE,
)
# Headings of chrome boxes, in case a redesign renames their classes.
CHROME_HEADINGS = frozenset(
    {"tin liên quan", "tin mới nhất", "ý kiến của bạn", "các tin khác", "tin khác", "liên kết", "bình luận"}
)

# The last paragraph names the source: "Theo Monre", "Theo Báo Tài nguyên và Môi trường", "Nguồn: …".
# A source is short and has no clause punctuation: "Theo kế hoạch, …" is a sentence, not a source.
SOURCE_LINE = re.compile(r"^(?:theo|nguồn)\s*[:：]?\s+(?P<source>[^,;:]{1,120}?)\s*\.?$", re.IGNORECASE)

# Links to attached documents.
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar")

# SharePoint answers some failures with status 200 and one of these pages.
ERROR_PAGE_MARKERS = (
    "không tìm thấy trang",
    "runtime error",
    "server error in '/' application",
    "sorry, something went wrong",
    "xin lỗi, đã xảy ra lỗi",
    "page not found",
)


def is_category_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.lower() == CATEGORY_PATH and any(
        k.lower() == CATEGORY_PARAM for k, _ in parse_qsl(parts.query)
    )


def category_name(url: str) -> str | None:
    """The category a listing URL shows (its ``cm`` parameter, percent-decoded)."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() == CATEGORY_PARAM:
            return value
    return None


def listing_url(base_url: str, name: str) -> str:
    return f"{base_url}/Pages/ChuyenMuc.aspx?{CATEGORY_PARAM}={quote(name, safe='')}"


def is_article_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.startswith("/pages/") and path.endswith(".aspx") and path != CATEGORY_PATH

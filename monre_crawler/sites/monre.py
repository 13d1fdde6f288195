"""The profile of the ministry's portal, monre.gov.vn (SharePoint): everything the crawler knows about it.

When the real portal differs from the model of it (``tests/files/*.html``), this is the file to change:
the category menu, the listing entries, the pager, the article layouts, the page chrome that must never
be mistaken for content, what SharePoint's error pages say, and its URL rules. Observed vs assumed:

- observed: category URLs ``/Pages/ChuyenMuc.aspx?cm=<name>``, article URLs ``/Pages/<slug>.aspx``,
  listing entries ``div.row.item`` with ``.item-title a`` and the date in ``.item-infor``'s second span,
  the article body ``.news-content > .ms-rtestate-field``, the trailing ``Theo …`` source line, the 2021
  layout's selectors (medium confidence);
- assumed: the menu ``ul.main-menu``, the pager ``div.pager`` (postback or plain links), the 2024
  layout's ``h1.news-title``, ``.news-date`` and ``.news-sapo``;
- guessed: a pager's "last page" link (:data:`LAST_LINK_TEXTS`), read only for the progress estimate.

Adding an article layout is adding one :class:`~monre_crawler.sites.Layout` to :data:`LAYOUTS`.
"""

from __future__ import annotations

import re

from . import GENERIC_CHROME_HINTS, SHAREPOINT_ERROR_MARKERS, Layout, Profile

DEFAULT_BASE_URL = "https://monre.gov.vn"

# --- Home page: the navigation menu links every news category ---------------------------------------
HOME_PATH = "/"
MENU_LINKS = "ul.main-menu a"
CATEGORY_PATH = "/Pages/ChuyenMuc.aspx"  # compared without regard to case, as SharePoint does
CATEGORY_PARAM = "cm"

# --- Category listing ------------------------------------------------------------------------------------
LISTING_ENTRY = "div.row.item"
LISTING_LINK = ".item-title a"
LISTING_DATE = ".item-infor span:nth-of-type(2)"
LISTING_PAGE_PARAM = "Page"  # plain-link pager: ChuyenMuc.aspx?cm=…&Page=N
# SharePoint answers a page past the end with the last page again: a page that repeats an earlier one (or is
# empty) ends the category.
REPEATED_PAGE_ENDS_CATEGORY = True

# --- Pager: ASP.NET postback links or plain links ------------------------------------------------------
PAGER_CURRENT = "div.pager .current"
PAGER_LINKS = "div.pager a"
POSTBACK_FORM = "form#aspnetForm"
POSTBACK_HREF = re.compile(r"""__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
POSTBACK_FIELDS = ("__EVENTTARGET", "__EVENTARGUMENT")  # the form fields of a postback's target and argument
# Link texts that mean "next page" when the pager has no numbered link to the next page.
NEXT_LINK_TEXTS = frozenset({"»", "›", ">", ">>", "tiếp", "sau", "trang sau", "next", "tiếp theo"})
# GUESS (the model of the portal shows no such link): texts (or titles) of a "last page" link, whose postback
# argument or Page= parameter is the category's number of pages. Used only for the progress line's estimate
# of what is left; without such a link the highest page number the pager shows is a lower bound.
LAST_LINK_TEXTS = frozenset({"cuối", "trang cuối", "»»", "last", "last page", ">|", "»|"})


# --- Article pages -----------------------------------------------------------------------------------------
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="2024",
        title="h1.news-title",
        date=".news-date",
        lead=".news-sapo",
        body=".news-content > .ms-rtestate-field",
    ),
    Layout(
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
# Class or id fragments that mark chrome in a layout nobody described yet.
CHROME_HINTS = GENERIC_CHROME_HINTS  # no portal-specific class names known beyond the generic ones
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
ERROR_PAGE_MARKERS = SHAREPOINT_ERROR_MARKERS


# --- URLs -----------------------------------------------------------------------------------------------------
ARTICLE_PATH = ("/pages/", ".aspx")  # /Pages/<slug>.aspx, any case
# Query parameters that never select content: SharePoint's back-link (``Source``) and campaign tracking.
DROPPED_PARAMS = frozenset({"source"})
DROPPED_PARAM_PREFIXES = ("utm_",)
# SharePoint publishes a repeated slug as ``<slug>-1`` (``-2``…): such a URL with the content of ``<slug>``
# is a repost of it.
REPOST_SUFFIX = re.compile(r"-\d+$")
DEFAULT_ENCODING = "utf-8"  # the portal's pages are UTF-8, even those that do not say so

PROFILE = Profile(
    name="monre", base_url=DEFAULT_BASE_URL, home_path=HOME_PATH, menu_links=MENU_LINKS,
    category_path=CATEGORY_PATH, category_param=CATEGORY_PARAM, listing_entry=LISTING_ENTRY,
    listing_link=LISTING_LINK, listing_date=LISTING_DATE, listing_page_param=LISTING_PAGE_PARAM,
    repeated_page_ends_category=REPEATED_PAGE_ENDS_CATEGORY, pager_current=PAGER_CURRENT, pager_links=PAGER_LINKS,
    postback_form=POSTBACK_FORM, postback_href=POSTBACK_HREF, postback_fields=POSTBACK_FIELDS,
    next_link_texts=NEXT_LINK_TEXTS, last_link_texts=LAST_LINK_TEXTS, layouts=LAYOUTS, chrome=CHROME, chrome_hints=CHROME_HINTS,
    chrome_headings=CHROME_HEADINGS, source_line=SOURCE_LINE, attachment_extensions=ATTACHMENT_EXTENSIONS,
    error_page_markers=ERROR_PAGE_MARKERS, article_path=ARTICLE_PATH, dropped_params=DROPPED_PARAMS,
    dropped_param_prefixes=DROPPED_PARAM_PREFIXES, repost_suffix=REPOST_SUFFIX, default_encoding=DEFAULT_ENCODING,
)

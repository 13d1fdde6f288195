"""What the spider yields.

``ArticleItem`` is one article (an :class:`ArticlePage`, what its page says, plus what the listing and the
pipelines add). ``DocumentsItem`` asks for the attached documents of an article to be archived.
``ListingSighting`` says that articles already stored were listed
again in a category (so their categories merge and ``last_seen_at`` moves) without fetching them;
``AliasSighting`` that an article was linked under another of its URLs (mae.gov.vn's URL forms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The fields whose extraction is watched: per article, whether a layout's selector or a generic fallback
# found each (``ArticleItem.found``), counted into crawl_runs.fields.
KEY_FIELDS = ("title", "date", "body")


@dataclass
class ArticlePage:
    """What an article page says, as :func:`monre_crawler.extract.extract_article` reads it."""

    title: str = ""
    summary: str = ""
    body_text: str = ""
    body_html: str = ""
    date_text: str = ""  # the raw date as the page printed it
    source: str | None = None
    image_urls: list[str] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    template: str | None = None  # the layout's name (articles.template), None when fallbacks read the page
    found: dict = field(default_factory=dict)  # per KEY_FIELDS name: "selector" | "fallback" | "missing"
    missed: list[str] = field(default_factory=list)  # the layout selectors that found nothing
    unsafe_urls: list[str] = field(default_factory=list)  # links and images dropped: not absolute http(s)


@dataclass(kw_only=True)
class ArticleItem(ArticlePage):
    """One article on its way from the spider to the archive: the spider makes it with what the listing
    said, the extractor fills in what the page says, the pipelines add the date and the hash."""

    id: str  # url_id(url): a stable short hash of the canonical URL (mae.gov.vn: mae-<its numeric id>)
    url: str  # canonical URL
    portal: str | None = None  # the portal it was read from (the profile's ``portal``): articles.portal
    aliases: list[str] = field(default_factory=list)  # other URLs of the same article (mae: its other URL forms)
    listing_date_text: str = ""  # the raw date of the article's listing entry
    categories: list[str] = field(default_factory=list)
    published_at: str | None = None  # ISO 8601, set by DatesPipeline from date_text
    content_hash: str = ""  # set by ContentHashPipeline


@dataclass
class DocumentsItem:
    """The attached documents of an article, to archive: yielded right after the article (so that slow
    downloads never hold the article back), or at the start of a run for documents earlier runs could not
    archive."""

    article_id: str
    attachments: list[dict]  # [{"url", "title"}]
    documents: list[dict] = field(default_factory=list)  # set by DocumentsPipeline


@dataclass
class AliasSighting:
    """Other URLs under which a stored article (``article_id``) was linked: recorded as its aliases."""

    article_id: str
    urls: list[str]
    primary: str | None = None  # one of ``urls`` that becomes the article's ``url`` (mae: its short form)


@dataclass
class ListingSighting:
    category: str
    article_ids: list[str]

"""Turn an article page into fields (listing pages: :mod:`monre_crawler.listing`).

The selectors live in the portal's profile (:mod:`monre_crawler.sites`); this module matches a page to one of
its layouts and reads the title, date, lead and body the layout names, then fills in what it missed with the
generic fallbacks (:mod:`monre_crawler.fallbacks`: title from the listing or the page's metadata, body by text
density with the page chrome removed (:mod:`monre_crawler.chrome`), date searched next to the title and inside
the main content only — never the header's "today" or the sidebar), and hands the body to
:mod:`monre_crawler.markup` for its paragraphs, cleaned HTML, source line, images and attachments.

Every extractor takes a Scrapy response and parses it once (``response.selector`` is cached).
"""

from __future__ import annotations

from parsel import Selector

from . import chrome, fallbacks, markup
from .fallbacks import TITLE_SEPARATORS, slug_words  # noqa: F401 - callers read them from here
from .items import ArticlePage
from .sites import Profile
from .sites.monre import PROFILE as MONRE
from .text import clean


# --- Any page ------------------------------------------------------------------------------------------------
def is_error_page(response, profile: Profile = MONRE) -> bool:
    """SharePoint's "Không tìm thấy trang" / ASP.NET "Runtime Error" pages, served with status 200."""
    heads = " ".join(response.css("title::text, h1 ::text, h2 ::text, h3 ::text").getall())
    heads = clean(heads).casefold()
    return any(marker in heads for marker in profile.error_page_markers)


# --- Articles ---------------------------------------------------------------------------------------------------
def extract_article(response, listing_title: str = "", listing_date: str = "", profile: Profile = MONRE,
                    into: ArticlePage | None = None, site_texts: frozenset[str] = frozenset()) -> ArticlePage:
    """What the article page says, filled into ``into`` (the spider's item) or a new :class:`ArticlePage`.

    ``listing_title``: the text (or image ``alt``) of a link to the article, a hint for the title fallback;
    ``site_texts``: folded texts (:func:`monre_crawler.text.fold`) known not to be an article's title — what
    the spider saw repeated on several pages of the portal (the site's name, box headings, a generic
    ``<title>``)."""
    sel = response.selector
    article = into if into is not None else ArticlePage()
    layout, body = _match_layout(sel, profile)
    base = response.url

    if layout is not None:
        article.template = layout.name
        article.title = _text(sel.css(layout.title))
        article.date_text = _text(sel.css(layout.date)) if layout.date else ""
        article.summary = _text(sel.css(layout.lead)) if layout.lead else ""
    hits = {"title": bool(article.title), "date": bool(article.date_text), "body": body is not None}
    article.found = {name: "selector" if hit else "missing" for name, hit in hits.items()}
    if layout is not None:
        article.missed = [f"{layout.name}:{name} {getattr(layout, name)!r}"
                          for name, hit in hits.items() if not hit and getattr(layout, name)]

    if layout is None:  # no known layout: name every selector that missed, for the alarm
        article.missed = [f"{t.name}:{name} {selector!r}" for t in profile.layouts
                          for name, selector in (("title", t.title), ("body", t.body)) if selector]

    cleaned_root = None  # the page without its chrome: a copy, made once, only when a fallback needs it
    if not article.title or body is None or not article.date_text:
        cleaned_root = chrome.without_chrome(sel.root, profile)
    if body is None:
        body = fallbacks.densest_block(cleaned_root)
        if body is not None:
            article.found["body"] = "fallback"
    body_in_copy = None
    if cleaned_root is not None:
        body_in_copy = body if layout is None or body is None else next(
            iter(cleaned_root.cssselect(layout.body)), None)  # the same element, in the copy
    if not article.title:
        article.title = fallbacks.fallback_title(sel, cleaned_root, listing_title, url=base, body=body_in_copy,
                                        site_texts=site_texts, generic_titles=profile.generic_titles)
        if article.title:
            article.found["title"] = "fallback"
    if not article.date_text:
        # The page's own date, as a fallback finds it; whether the listing's date is better is decided once,
        # by the dates pipeline, which parses both.
        article.date_text = fallbacks.date_near_title(cleaned_root, article.title, body_in_copy) or fallbacks.meta_date(sel)
        if article.date_text or listing_date:
            article.found["date"] = "fallback"
    lead_nodes = []
    if not article.summary and layout is None:
        # no layout: the copy exists (body was a fallback)
        article.summary, lead_nodes = fallbacks.fallback_lead(cleaned_root)
        if not article.summary:  # a lead between the title and the body: outside the body by definition
            article.summary = fallbacks.lead_between(cleaned_root, article.title, body, article.date_text)
    elif layout is not None and layout.lead and cleaned_root is not None:
        lead_nodes = cleaned_root.cssselect(layout.lead)

    if body is not None:
        blocks = markup.blocks(body)
        if article.found["body"] == "fallback":
            # The title, date and lead repeated at the head of a container a fallback chose are not body
            # text; a lead printed in its own element outside the body may repeat the first paragraph word
            # for word, and that paragraph is article text.
            repeated = {article.title, article.date_text, listing_date} - {""}
            if any(markup.inside(node, body) for node in lead_nodes):
                repeated.add(article.summary)
            blocks = [b for b in blocks if b not in repeated]
        if blocks and (match := profile.source_line.match(blocks[-1])):
            article.source = match["source"]
            blocks.pop()
        elif layout is None:  # a redesign may print the source just after the body
            following = [clean(n.text_content()) for n in body.itersiblings() if isinstance(n.tag, str)][:2]
            match = next((m for m in map(profile.source_line.match, following) if m), None)
            article.source = match["source"] if match else (following[0] if following and _is_byline(following[0])
                                                           else None)
        article.body_text = "\n\n".join(blocks)
        article.unsafe_urls = []
        article.body_html = markup.clean_html(body, base, article.unsafe_urls)
        article.image_urls = markup.image_urls(body, base, article.unsafe_urls)
        article.attachments = markup.attachments(body, base, profile, article.unsafe_urls)
    return article


def _is_byline(text: str) -> bool:
    """An author's name alone, as news pages print it after the text: 2–5 capitalised words ("Minh Phúc")."""
    words = text.split()
    return 2 <= len(words) <= 5 and len(text) <= 40 and all(w[0].isupper() and w.isalpha() for w in words)


def _match_layout(sel: Selector, profile: Profile):
    for layout in profile.layouts:
        body = sel.css(layout.body)
        if body or sel.css(layout.title):
            return layout, (body[0].root if body else None)
    return None, None


def _text(selection) -> str:
    return clean(" ".join(selection.css("::text").getall()))

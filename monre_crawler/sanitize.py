"""The one gate every ``body_html`` goes through before it is stored: nh3 (Rust's ammonia), allow-list only.

The archive's HTML comes from the portal, and Datasette or anything built on the archive may render it.
What is kept is an article's structure — paragraphs, emphasis, links, images, tables, lists, headings,
figures and captions, quotes, line breaks — with the attributes that carry content (``href``, ``src``,
``alt``, ``title``, table spans). Everything else goes: ``<script>``, ``<style>``, ``<base>``, ``<svg>``,
``<math>``, ``<iframe>``, forms, every ``on*`` handler, ``style`` and ``class``. Links and images keep
only absolute http(s) URLs (:func:`monre_crawler.urls.safe_url` decides; ammonia checks the scheme again),
and every link gets ``rel="noopener noreferrer nofollow"``.

The crawler cleans each body before storing it (URLs already made absolute); the article page of
Datasette (``plugins/monre_pages.py``) cleans the stored body again before rendering it, with the article's
URL as ``base``, since an archive may have been written by an older version or another program.
"""

from __future__ import annotations

import nh3

from .urls import SAFE_SCHEMES, is_safe_url, safe_url

TAGS = frozenset(
    "a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr "
    "i img ins kbd li mark ol p pre q s samp small span strong sub sup table tbody td tfoot th thead time tr "
    "u ul".split()
)
# Removed with everything inside them (other tags outside TAGS are unwrapped: their text is kept).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "math",
                                  "textarea", "select", "button", "title"})
ATTRIBUTES = {
    "*": {"title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
}
LINK_REL = "noopener noreferrer nofollow"
URL_ATTRIBUTES = frozenset({"href", "src"})


def _only_absolute_http(tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES:
        return value if is_safe_url(value) else None
    return value


def _resolved_against(base: str):
    def only_http_resolved(tag: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            return safe_url(value, base)
        return value
    return only_http_resolved


def sanitize_html(html: str, base: str | None = None) -> str:
    """``html`` with only the allowed tags and attributes, and only absolute http(s) URLs: relative ones are
    resolved against ``base`` when it is given (an http(s) URL), dropped otherwise."""
    resolve = base is not None and is_safe_url(base)
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_resolved_against(base) if resolve else _only_absolute_http,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(SAFE_SCHEMES),
    )

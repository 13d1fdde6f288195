"""A page without its chrome: the header, menus, sidebars, footer and boxes of links around the article.

The portal profile names the known boxes (``chrome``) and the class/id hints and box headings ("Tin liên
quan" …) that look like them; :func:`without_chrome` returns a copy of the page with all of them removed, keeping
a ``<header>`` that heads the article rather than the page. The generic extraction fallbacks
(:mod:`monre_crawler.fallbacks`), discovery (:mod:`monre_crawler.discovery`) and the mae spider read this copy.
"""

from __future__ import annotations

import copy

from .markup import DROP_TAGS
from .sites import Profile
from .text import clean


def is_chrome(node, profile: Profile) -> bool:
    tag = node.tag.lower() if isinstance(node.tag, str) else ""
    if tag in ("header", "nav", "aside", "footer") or tag in DROP_TAGS:
        return True
    marks = f"{node.get('class', '')} {node.get('id', '')}"
    if profile.chrome_hints.search(marks):
        return True
    first = next((c for c in node if isinstance(c.tag, str)), None)  # a box headed "Tin liên quan" …
    return first is not None and first is not node[-1] and \
        clean(first.text_content()).casefold().rstrip(":") in profile.chrome_headings


def without_chrome(root, profile: Profile):
    """A copy of the page without its chrome: the known boxes and anything that looks like them."""
    root = copy.deepcopy(root)
    for query in profile.chrome:
        for node in root.cssselect(query) if hasattr(root, "cssselect") else []:
            if node.getparent() is not None:
                node.drop_tree()
    for node in list(root.iter()):
        if node is not root and node.getparent() is not None and isinstance(node.tag, str):
            if node.tag.lower() in ("html", "body", "form"):
                continue
            # <header> inside an article often holds its title and date: keep headers that do (not the
            # page's banner: one outside <article>/<main> with a form, a menu or several links).
            if node.tag.lower() == "header" and node.getparent().tag.lower() in ("article", "section", "div") \
                    and any(True for _ in node.iter("h1", "h2", "h3")) and article_header(node):
                continue
            if is_chrome(node, profile):
                node.drop_tree()
    return root


def article_header(header) -> bool:
    """A ``<header>`` that heads an article, not the page's banner."""
    if any(a.tag in ("article", "main") for a in header.iterancestors() if isinstance(a.tag, str)):
        return True
    return next(header.iter("form", "nav", "input"), None) is None and sum(1 for _ in header.iter("a")) <= 2

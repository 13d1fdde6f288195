"""The mechanics of an article's body, whatever found it (a layout's selector or a generic fallback).

Walking an element into paragraphs (one per block element or ``<br>`` run, with an explicit stack so that deep
nesting costs no recursion), cleaning its HTML for storage (sanitised by :mod:`monre_crawler.sanitize`, URLs
absolute http(s), the others reported as unsafe), and collecting its images and attachments. The tag sets here
(block, dropped, void, kept attributes) are shared by :mod:`monre_crawler.chrome` and
:mod:`monre_crawler.fallbacks`.
"""

from __future__ import annotations

import copy
from urllib.parse import urlsplit

from lxml import etree

from .sanitize import sanitize_html
from .sites import Profile
from .text import clean
from .urls import safe_url

BLOCK_TAGS = frozenset(
    "address article aside blockquote caption center dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
DROP_TAGS = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "form", "input", "textarea",
                       "button", "select", "svg", "math", "template"})
KEEP_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "colspan", "rowspan"})
# Void elements that lxml's HTML 4 parser does not know are void: an unclosed ``<embed>`` swallows the rest
# of its container as children. Their "children" are the article's text: walk through them, never drop them.
VOID_TAGS = frozenset({"embed", "source", "track", "wbr", "param", "input", "keygen", "area", "col"})


def blocks(element) -> list[str]:
    """The element's text as paragraphs: one per block element (p, td, li, h*, …) or ``<br>`` run."""
    out: list[str] = []
    buf: list[str] = []

    def flush():
        if buf:
            text = clean("".join(buf))
            if text:
                out.append(text)
            buf.clear()

    # A loop over an explicit stack, not recursion: a page nests 2,000 <div>s as easily as 2.
    # Each entry: ("open", element) to walk it, ("flush",) after a block, ("tail", text) after a child.
    stack: list[tuple] = [("open", element)]
    while stack:
        entry = stack.pop()
        if entry[0] == "flush":
            flush()
            continue
        if entry[0] == "tail":
            buf.append(entry[1])
            continue
        node = entry[1]
        if node.text:
            buf.append(node.text)
        todo = []
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in VOID_TAGS:
                todo.append(("open", child))  # an unclosed <embed>: what follows it is text
            elif tag in DROP_TAGS or not tag:
                pass
            elif tag == "br":
                todo.append(("flush",))
            elif tag in BLOCK_TAGS:
                todo += [("flush",), ("open", child), ("flush",)]
            else:
                todo.append(("open", child))
            if child.tail:
                todo.append(("tail", child.tail))
        stack.extend(reversed(todo))
    flush()
    return out


def clean_html(element, base: str, unsafe: list | None = None) -> str:
    """The body's inner HTML, sanitised (:mod:`monre_crawler.sanitize`): no scripts, forms, comments,
    styling attributes; URLs absolute http(s) (others dropped and appended to ``unsafe``)."""
    body = copy.deepcopy(element)
    body.tail = None
    for node in list(body.iter()):
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.getparent() is not None:
                node.drop_tree() if hasattr(node, "drop_tree") else node.getparent().remove(node)
            continue
        tag = node.tag.lower()
        if tag in VOID_TAGS and node is not body:
            node.drop_tag()  # an unclosed <embed> swallows the rest of the body: keep the rest, not it
            continue
        if tag in DROP_TAGS and node is not body:
            node.drop_tree()
            continue
        for name in list(node.attrib):
            if name.lower() not in KEEP_ATTRIBUTES:
                del node.attrib[name]
            elif name.lower() in ("href", "src"):
                url = safe_url(node.attrib[name], base)
                if url is None:
                    if unsafe is not None and node.attrib[name] not in unsafe:
                        unsafe.append(node.attrib[name])
                    del node.attrib[name]
                else:
                    node.attrib[name] = url
    inner = (body.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in body
    )
    # clean() collapses whitespace: no pass of its own needed
    return clean(sanitize_html(clean(inner.replace("&nbsp;", " "))))


def image_urls(element, base: str, unsafe: list | None = None) -> list[str]:
    urls = []
    for img in element.iter("img"):
        src = (img.get("src") or "").strip()
        if not src:
            continue
        url = safe_url(src, base)
        if url is None:
            if unsafe is not None and src not in unsafe:
                unsafe.append(src)
        elif url not in urls:
            urls.append(url)
    return urls


def attachments(element, base: str, profile: Profile, unsafe: list | None = None) -> list[dict]:
    found: dict[str, dict] = {}
    for link in element.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith("mailto:"):
            continue
        url = safe_url(href, base)
        if url is None:
            if unsafe is not None and href not in unsafe:
                unsafe.append(href)
            continue
        if urlsplit(url).path.lower().endswith(profile.attachment_extensions) and url not in found:
            title = clean(link.text_content()) or urlsplit(url).path.rsplit("/", 1)[-1]
            found[url] = {"url": url, "title": title}
    return list(found.values())


def inside(node, container) -> bool:
    return container is not None and (node is container or any(a is container for a in node.iterancestors()))

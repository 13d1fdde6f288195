"""Turn an article page into fields (listing pages: :mod:`monre_crawler.listing`).

The selectors live in the portal's profile (:mod:`monre_crawler.sites`); this module holds the mechanics
that do not depend on them: walking an article body into paragraphs, cleaning its HTML, finding the source line, images and
attachments, and the generic fallbacks used when no known layout matches a page (title from the listing
or the page's metadata, body by text density with the page chrome removed, date searched next to the title
and inside the main content only — never the header's "today" or the sidebar).

Every extractor takes a Scrapy response and parses it once (``response.selector`` is cached).
"""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from .items import ArticlePage
from .sites import Profile
from .sites.monre import PROFILE as MONRE
from .dates import parse_date
from .sanitize import sanitize_html
from .text import clean, fold
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
        cleaned_root = _without_chrome(sel.root, profile)
    if body is None:
        body = _densest_block(cleaned_root)
        if body is not None:
            article.found["body"] = "fallback"
    body_in_copy = None
    if cleaned_root is not None:
        body_in_copy = body if layout is None or body is None else next(
            iter(cleaned_root.cssselect(layout.body)), None)  # the same element, in the copy
    if not article.title:
        article.title = _fallback_title(sel, cleaned_root, listing_title, url=base, body=body_in_copy,
                                        site_texts=site_texts, generic_titles=profile.generic_titles)
        if article.title:
            article.found["title"] = "fallback"
    if not article.date_text:
        date_near_title = _date_near_title(cleaned_root, article.title, body_in_copy) or _meta_date(sel)
        article.date_text = _agreeing_date(date_near_title, listing_date)
        if article.date_text:
            article.found["date"] = "fallback"
    lead_nodes = []
    if not article.summary and layout is None:
        # no layout: the copy exists (body was a fallback)
        article.summary, lead_nodes = _fallback_lead(cleaned_root)
        if not article.summary:  # a lead between the title and the body: outside the body by definition
            article.summary = _lead_between(cleaned_root, article.title, body, article.date_text)
    elif layout is not None and layout.lead and cleaned_root is not None:
        lead_nodes = cleaned_root.cssselect(layout.lead)

    if body is not None:
        blocks = _blocks(body)
        if article.found["body"] == "fallback":
            # The title, date and lead repeated at the head of a container a fallback chose are not body
            # text; a lead printed in its own element outside the body may repeat the first paragraph word
            # for word, and that paragraph is article text.
            repeated = {article.title, article.date_text}
            if any(_inside(node, body) for node in lead_nodes):
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
        article.body_html = _clean_html(body, base, article.unsafe_urls)
        article.image_urls = _image_urls(body, base, article.unsafe_urls)
        article.attachments = _attachments(body, base, profile, article.unsafe_urls)
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


def _blocks(element) -> list[str]:
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


def _clean_html(element, base: str, unsafe: list | None = None) -> str:
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


def _image_urls(element, base: str, unsafe: list | None = None) -> list[str]:
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


def _attachments(element, base: str, profile: Profile, unsafe: list | None = None) -> list[dict]:
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


# --- Generic fallbacks, for a layout nobody described -------------------------------------------------
TITLE_HINTS = re.compile(r"(title|tieu-?de|heading|headline)", re.IGNORECASE)
TITLE_SEPARATORS = re.compile(r"\s[-|–—]\s")
WORDS = re.compile(r"[0-9a-z]+")
HEADINGS = ("h1", "h2", "h3", "h4")
EMPHASIS = ("b", "strong", "th", "font")
# where a title may be printed (the date and the lead are searched after the element that holds it)
TITLE_TAGS = ("h1", "h2", "h3", "h4", "h5", "div", "span", "p", "td", "th", "b", "strong", "font")
SLUG_MATCH = 0.6  # share of a URL slug's words a text must hold to be the title the slug was made from


def _words(text: str) -> list[str]:
    return WORDS.findall(fold(text))


def slug_words(url: str) -> list[str]:
    """The words of the slug in a URL's last path segment, ids and extension left out:
    ``/moi-truong/xu-ly-o-nhiem-khong-khi-19022.htm`` -> ``[xu, ly, o, nhiem, khong, khi]``; ``[]`` when
    the segment is no slug of three words or more (``pInTinTuc.aspx``, ``Default.aspx``)."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    segment = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", segment)
    words = [w for w in re.split(r"[-_]+", segment.lower()) if w and not w.isdigit()]
    if len(words) < 3 or not all(w.isascii() and w.isalnum() for w in words):
        return []
    return words


def _slug_agreement(slug: list[str], text: str) -> tuple[float, float]:
    """(share of the slug's words the text holds, share of the text's words that are the slug's)."""
    words = _words(text)
    if not slug or not words:
        return 0.0, 0.0
    have, wanted = set(words), set(slug)
    return len(wanted & have) / len(wanted), len(wanted & have) / len(have)


def _order(root) -> dict:
    return {node: i for i, node in enumerate(root.iter())}


def _body_start(body, order: dict) -> int:
    """Where the article's text begins in document order: its body's first paragraph (or the body)."""
    if body is None or body not in order:
        return len(order)
    first = next((n for n in body.iter("p") if len(clean(n.text_content())) >= 40), body)
    return order.get(first, order[body])


def _fallback_title(sel: Selector, root, listing_title: str, url: str = "", body=None,
                    site_texts: frozenset[str] = frozenset(), generic_titles: frozenset[str] = frozenset()) -> str:
    """The page's own title in a layout nobody described; "" when the page has none (it is dropped).

    Candidates come from the page only: its metadata, the headings and title-classed elements of its main
    content (``root``: the page without its chrome), its ``<title>`` and, when nothing else names the article
    (a print view), a bold line of its own before the text. Texts that name the site, not an article (its
    ``og:site_name``, ``site_texts`` the spider saw on several pages, a generic document title such as a
    print view's) are never candidates. Then, in order:

    1. the candidate that agrees with the URL's slug (an ASCII transliteration of the title: the page's
       own URL, else its ``rel=canonical`` / ``og:url``), when one holds most of the slug's words;
    2. the listing's title (a link's text or its image's ``alt``), when it is one of them;
    3. the page's metadata (``og:title``);
    4. the heading nearest before the article's text (``body``), so that a heading of the page's banner
       (the agency's name, far above the menu) loses to the article's own;
    5. the ``<title>``: the part of it the page prints, else the whole;
    6. a heading after the text;
    7. a bold line of its own (``<b>``, ``<strong>``) before the text: the one just before the date line.
    """
    not_titles = set(site_texts) | set(generic_titles)
    for name in sel.css('meta[property="og:site_name"]::attr(content), '
                        'meta[name="application-name"]::attr(content)').getall():
        if clean(name):
            not_titles.add(fold(clean(name)))

    def usable(text: str) -> bool:
        return bool(text) and fold(text) not in not_titles

    order = _order(root)
    start = _body_start(body, order)
    meta = [t for t in (clean(sel.css(q).get()) for q in ('meta[property="og:title"]::attr(content)',
                                                          'meta[name="title"]::attr(content)')) if usable(t)]
    headings = []  # (position, text)
    for node in root.iter(*HEADINGS, "div", "span", "p", "strong"):
        if node.tag in HEADINGS or TITLE_HINTS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            text = clean(node.text_content())
            if 0 < len(text) <= 300 and usable(text):
                headings.append((order.get(node, 0), text))
    page_title = clean(sel.css("title::text").get())
    titles = [t for t in [page_title] + [clean(part) for part in TITLE_SEPARATORS.split(page_title)] if usable(t)]
    bold = _bold_lines(root, body, order, start, not_titles)
    candidates = list(dict.fromkeys(meta + [t for _, t in headings] + titles + bold))
    if not candidates:
        return ""

    for address in [url] + sel.css('link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)').getall():
        slug = slug_words(address.strip())
        if slug:
            scored = [(_slug_agreement(slug, c), -i, c) for i, c in enumerate(candidates)]
            (recall, _), _, best = max(scored)
            if recall >= SLUG_MATCH:
                return best
            break
    if listing_title:
        hint = fold(clean(listing_title))
        match = next((c for c in candidates if fold(c) == hint), None)
        if match:
            return match
    if meta:
        return meta[0]
    before = [(position, text) for position, text in headings if position < start]
    if before:
        return max(before)[1]
    if titles:  # the part of the <title> the page prints, else the whole
        printed = {fold(clean(n.text_content())) for n in root.iter(*TITLE_TAGS) if n.text and len(n.text) <= 300}
        return next((t for t in titles[1:] if fold(t) in printed), titles[0])
    if headings:
        return headings[0][1]
    return bold[0]


def _bold_lines(root, body, order: dict, start: int, not_titles) -> list[str]:
    """Bold lines of their own before the article's text (a print view's title), best first: the one just
    before the first date line, then the others in page order."""
    lines, dates = [], []
    for node in root.iter(*EMPHASIS, "td", "p", "div", "span", "i", "em"):
        position = order.get(node, 0)
        if position >= start or (body is not None and _inside(node, body) and node is not body):
            continue
        text = clean(node.text_content())
        if not text:
            continue
        if node.tag in EMPHASIS:
            parent = node.getparent()
            if 10 <= len(text) <= 300 and parent is not None and clean(parent.text_content()) == text \
                    and fold(text) not in not_titles and parse_date(text) is None:
                lines.append((position, text))
        elif len(text) <= 80 and not any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in node) \
                and parse_date(text) is not None:
            dates.append(position)
    ranked = [text for _, text in lines]
    if dates and lines:
        first_date = next((d for d in sorted(dates) if d > lines[0][0]), None)
        before = [text for position, text in lines if first_date is not None and position < first_date]
        if before:
            ranked.remove(before[-1])
            ranked.insert(0, before[-1])
    return list(dict.fromkeys(ranked))


def _is_chrome(node, profile: Profile) -> bool:
    tag = node.tag.lower() if isinstance(node.tag, str) else ""
    if tag in ("header", "nav", "aside", "footer") or tag in DROP_TAGS:
        return True
    marks = f"{node.get('class', '')} {node.get('id', '')}"
    if profile.chrome_hints.search(marks):
        return True
    first = next((c for c in node if isinstance(c.tag, str)), None)  # a box headed "Tin liên quan" …
    return first is not None and first is not node[-1] and \
        clean(first.text_content()).casefold().rstrip(":") in profile.chrome_headings


def _without_chrome(root, profile: Profile):
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
                    and any(True for _ in node.iter("h1", "h2", "h3")) and _article_header(node):
                continue
            if _is_chrome(node, profile):
                node.drop_tree()
    return root


def _article_header(header) -> bool:
    """A ``<header>`` that heads an article, not the page's banner."""
    if any(a.tag in ("article", "main") for a in header.iterancestors() if isinstance(a.tag, str)):
        return True
    return next(header.iter("form", "nav", "input"), None) is None and sum(1 for _ in header.iter("a")) <= 2


def _densest_block(root):
    """The element holding the most paragraph text among its direct children (readability's idea).

    Paragraphs are ``<p>`` elements, or leaf ``<div>``s with a sentence's worth of text (some editors
    write paragraphs as divs).
    """
    scores: dict = {}
    for node in root.iter("p", "div"):
        parent = node.getparent()
        if parent is None:
            continue
        if node.tag == "div" and next((c for c in node.iterdescendants() if isinstance(c.tag, str)
                                       and c.tag.lower() in BLOCK_TAGS), None) is not None:
            continue
        length = len(clean(node.text_content()))
        if node.tag == "p" or length >= 40:
            scores[parent] = scores.get(parent, 0) + length
    if scores:
        return max(scores, key=scores.get)
    leaves = [d for d in root.iter("div", "td", "article", "section") if next(d.iter("div", "td"), d) is d]
    return max(leaves, key=lambda d: len(clean(d.text_content())), default=None)


def _date_near_title(root, title: str, body) -> str:
    """A date printed next to the title: right after it (the next lines, the next table row), then in its
    container and the container's container; else next to the body (a "Ngày đăng" line just before or
    after it); never in the body's text, never in the page chrome (``root`` has none left), and never the
    day of the crawl printed before the title or the text (a page header's "today")."""
    heading = None
    if title:
        for node in root.iter(*TITLE_TAGS):
            if clean(node.text_content()) == title:
                heading = node
                break
    scopes = []
    if heading is not None and heading.getparent() is not None:
        scopes.append(heading.getparent())
        if heading.getparent().getparent() is not None:
            scopes.append(heading.getparent().getparent())
    if body is not None and body.getparent() is not None:
        scopes.append(body.getparent())
    # The body's head (what comes before its first real paragraph) may hold the date line when a generic
    # fallback chose a body container that also holds the title.
    head = []
    for child in body if body is not None else ():
        if isinstance(child.tag, str) and len(clean(child.text_content())) > 80:
            break
        head.append(child)

    def outside_text(node):
        return not _inside(node, body) or any(_inside(node, h) for h in head)

    for scope in scopes:  # a machine-readable <time datetime> first: it carries the time of day
        for node in scope.iter("time"):
            if node.get("datetime") and outside_text(node) and parse_date(node.get("datetime")) is not None:
                return clean(node.get("datetime"))
    if heading is not None and (after := _date_after(heading, body)):
        return after
    order = _order(root)
    anchor = order.get(heading) if heading is not None else _body_start(body, order)
    today = _crawl_days()
    for scope in scopes:
        for node in scope.iter():
            if node is heading or not isinstance(node.tag, str) or node.tag.lower() in DROP_TAGS:
                continue
            if not outside_text(node):
                continue
            text = clean(node.text_content())
            if 6 <= len(text) <= 80 and (not title or title not in text) and (value := parse_date(text)) is not None:
                if _day(value) in today and order.get(node, 0) < (anchor if anchor is not None else 0):
                    continue  # today's date above the article: the page header's, not the article's
                return text
    return ""


def _date_after(heading, body, lines: int = 3) -> str:
    """A date on one of the first ``lines`` lines after the title (its next sibling, the next table row),
    before the article's text begins."""
    seen = 0
    for node in _following(heading):
        if not isinstance(node.tag, str) or node.tag.lower() in DROP_TAGS:
            continue
        if any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in node):
            continue  # a container: its lines come next
        text = clean(node.text_content())
        if not text:
            continue
        if len(text) > 120 or (body is not None and node is not body and _inside(node, body) and len(text) > 80):
            return ""  # the text has begun
        if 6 <= len(text) <= 80 and parse_date(text) is not None:
            return text
        seen += 1
        if seen >= lines:
            return ""
    return ""


def _following(node):
    """The elements after ``node`` in document order, its own descendants left out."""
    while node is not None:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()


def _crawl_days() -> set:
    """The day of the crawl, in Vietnam and in UTC (a page header prints "today" in the portal's time)."""
    now = datetime.now(timezone.utc)
    return {now.date(), (now + timedelta(hours=7)).date()}


def _inside(node, container) -> bool:
    return container is not None and (node is container or any(a is container for a in node.iterancestors()))


def _agreeing_date(date_near_title: str, listing: str) -> str:
    """The date printed near the title (it may carry a time of day), unless the listing disagrees on the day."""
    if not date_near_title or not listing:
        return date_near_title or listing
    from_page, from_listing = parse_date(date_near_title), parse_date(listing)
    if from_page is None:
        return listing
    if from_listing is not None and _day(from_page) != _day(from_listing):
        return listing  # the listing's own selector is site knowledge: trust it over a guess
    return date_near_title


def _day(value):
    return value.date() if hasattr(value, "hour") else value


LEAD_HINTS = re.compile(r"(^|[\s_-])(lead|sapo|summary|tom-?tat|description|intro|excerpt|abstract|teaser)($|[\s_-])",
                        re.IGNORECASE)


def _fallback_lead(root) -> tuple[str, list]:
    """A lead in a layout nobody described: an element classed like a lead (sapo, summary, tóm tắt…);
    its text and ``[element]`` (``("", [])`` when there is none)."""
    for node in root.iter("p", "div", "h2", "h3", "span", "strong"):
        if LEAD_HINTS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            text = clean(node.text_content())
            if text:
                return text, [node]
    return "", []


def _lead_between(root, title: str, body, date_text: str = "") -> str:
    """A lead printed between the title and the body, in a layout nobody described: the first element
    there without block children that holds a sentence or more (not the date line)."""
    if not title or body is None:
        return ""
    heading = next((n for n in root.iter(*TITLE_TAGS) if clean(n.text_content()) == title), None)
    if heading is None:
        return ""
    after = False
    for node in root.iter():
        if node is heading:
            after = True
            continue
        if not after or not isinstance(node.tag, str) or _inside(node, heading):
            continue
        if node is body or _inside(body, node):  # reached the body (or a container of it): no lead
            return ""
        if node.tag.lower() in ("p", "div", "h2", "h3", "h4", "strong", "b", "em", "blockquote", "section", "td") \
                and not any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in node.iterdescendants()):
            text = clean(node.text_content())
            if (len(text) >= 60 and text != date_text and parse_date(text) is None) or len(text) >= 120:
                return text
    return ""


def _meta_date(sel: Selector) -> str:
    for query in ('meta[property="article:published_time"]::attr(content)', 'meta[itemprop="datePublished"]::attr(content)',
                  'meta[name="pubdate"]::attr(content)'):
        if value := clean(sel.css(query).get()):
            return value
    return ""


"""The generic fallbacks of the extraction, for a layout nobody described (:mod:`monre_crawler.extract`).

They read the page without its chrome (:mod:`monre_crawler.chrome`): the title from the page's own candidates
(metadata, headings, the ``<title>``, a bold line of a print view) ranked by agreement with the URL's slug and
the listing's link text; the body as the densest block of paragraph text; the date searched next to the title
and inside the main content only — never the header's "today" or the sidebar — and checked against the
listing's; the lead as an element classed like one, or the text between the title and the body.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from parsel import Selector

from .markup import BLOCK_TAGS, DROP_TAGS, inside
from .dates import parse_date
from .text import clean, fold

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


def fallback_title(sel: Selector, root, listing_title: str, url: str = "", body=None,
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
        if position >= start or (body is not None and inside(node, body) and node is not body):
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


def densest_block(root):
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


def date_near_title(root, title: str, body) -> str:
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
        return not inside(node, body) or any(inside(node, h) for h in head)

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
        if len(text) > 120 or (body is not None and node is not body and inside(node, body) and len(text) > 80):
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


def _day(value):
    return value.date() if hasattr(value, "hour") else value


def _crawl_days() -> set:
    """The day of the crawl, in Vietnam and in UTC (a page header prints "today" in the portal's time)."""
    now = datetime.now(timezone.utc)
    return {now.date(), (now + timedelta(hours=7)).date()}


LEAD_HINTS = re.compile(r"(^|[\s_-])(lead|sapo|summary|tom-?tat|description|intro|excerpt|abstract|teaser)($|[\s_-])",
                        re.IGNORECASE)


def fallback_lead(root) -> tuple[str, list]:
    """A lead in a layout nobody described: an element classed like a lead (sapo, summary, tóm tắt…);
    its text and ``[element]`` (``("", [])`` when there is none)."""
    for node in root.iter("p", "div", "h2", "h3", "span", "strong"):
        if LEAD_HINTS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            text = clean(node.text_content())
            if text:
                return text, [node]
    return "", []


def lead_between(root, title: str, body, date_text: str = "") -> str:
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
        if not after or not isinstance(node.tag, str) or inside(node, heading):
            continue
        if node is body or inside(body, node):  # reached the body (or a container of it): no lead
            return ""
        if node.tag.lower() in ("p", "div", "h2", "h3", "h4", "strong", "b", "em", "blockquote", "section", "td") \
                and not any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in node.iterdescendants()):
            text = clean(node.text_content())
            if (len(text) >= 60 and text != date_text and parse_date(text) is None) or len(text) >= 120:
                return text
    return ""


def meta_date(sel: Selector) -> str:
    for query in ('meta[property="article:published_time"]::attr(content)', 'meta[itemprop="datePublished"]::attr(content)',
                  'meta[name="pubdate"]::attr(content)'):
        if value := clean(sel.css(query).get()):
            return value
    return ""

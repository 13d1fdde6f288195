"""Datasette plugin for the monre archive's history: edits, removals and feeds.

Loaded with ``--plugins-dir plugins`` (beside ``monre_pages.py``). It adds:

- :func:`diff_words`, a readable word-level diff of two texts (pure: no Datasette needed; the tests
  import it from this file);
- on an article's page (``templates/row-monre-articles.html``), the article's versions and a diff between
  any two of them (``?diff_from=1&diff_to=2``; default: the last two), and its removal/reappearance
  events: the template reads them from ``monre_history``, a template variable set here;
- the Atom feeds' links to the archive's pages are relative (``articles/<id>``, resolved against the feed's
  own URL, whatever host or ``base_url`` Datasette is served under); this plugin adds ``xml:base`` with the
  feed's absolute URL so that every reader, and feedparser, resolves them to absolute links. It also gives
  each entry its categories as Atom ``<category term="…">`` elements (from an ``atom_categories`` column,
  a JSON list; datasette-atom has no categories of its own), and answers an empty feed for no rows.

The feeds themselves are canned queries of ``metadata.yml`` rendered by ``datasette-atom``.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata

from datasette import hookimpl
from markupsafe import Markup

DATABASE = "monre"

# --- word-level diff --------------------------------------------------------------------------------------
# Words (letters, digits and what joins them: "2.000", "QĐ-BTNMT", "ha/năm") and runs of whitespace, so that
# a changed figure or name is one changed word, and punctuation stays with the word it is written against.
_TOKENS = re.compile(r"\s+|\S+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(unicodedata.normalize("NFC", text or ""))


def diff_chunks(old: str, new: str) -> list[tuple[str, str, str]]:
    """The word-level difference of two texts as ``(tag, old_part, new_part)`` chunks, in order.

    ``tag`` is ``equal``, ``delete``, ``insert`` or ``replace``. Both texts are compared in NFC (the same
    chunks for NFC and NFD input); the spaces between two changed words belong to the change, so that a
    rewritten phrase is one removed and one added run, not a mosaic.
    """
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    chunks: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        chunks.append([tag, "".join(a[i1:i2]), "".join(b[j1:j2])])
    # Absorb a whitespace-only "equal" chunk between two changes into the changes around it.
    merged: list[list] = []
    index = 0
    while index < len(chunks):
        tag, old_part, new_part = chunks[index]
        if (tag == "equal" and not old_part.strip() and merged and merged[-1][0] != "equal"
                and index + 1 < len(chunks) and chunks[index + 1][0] != "equal"):
            following = chunks[index + 1]
            previous = merged[-1]
            previous[1] += old_part + following[1]
            previous[2] += new_part + following[2]
            previous[0] = _tag(previous[1], previous[2])
            index += 2
            continue
        if tag != "equal" and merged and merged[-1][0] != "equal":
            previous = merged[-1]
            previous[1] += old_part
            previous[2] += new_part
            previous[0] = _tag(previous[1], previous[2])
        else:
            merged.append([tag, old_part, new_part])
        index += 1
    return [tuple(chunk) for chunk in merged]


def _tag(old_part: str, new_part: str) -> str:
    if old_part and new_part:
        return "replace"
    return "delete" if old_part else "insert"


def diff_words(old: str, new: str) -> str:
    """HTML of the word-level diff of ``old`` → ``new``: removed words in ``<del>``, added ones in ``<ins>``.

    Every piece of text is HTML-escaped (the texts are the portal's, untrusted); line breaks are kept as
    they are (render inside ``white-space: pre-wrap``). Vietnamese stays intact: words are compared and
    shown whole, in NFC, so NFC and NFD inputs give the same HTML.
    """
    out = []
    for tag, old_part, new_part in diff_chunks(old, new):
        if tag == "equal":
            out.append(html.escape(new_part, quote=False))
            continue
        if old_part:
            out.append(f"<del>{html.escape(old_part, quote=False)}</del>")
        if new_part:
            out.append(f"<ins>{html.escape(new_part, quote=False)}</ins>")
    return "".join(out)


_PARAGRAPHS = re.compile(r"\n\s*\n|\n")


def diff_paragraphs(old: str, new: str, context: int | None = 1) -> list[str]:
    """The word-level diff of two texts paragraph by paragraph, as a list of HTML paragraphs.

    Paragraphs (separated by line breaks) are aligned first, then each changed one is diffed word by word
    (:func:`diff_words`). With ``context``, unchanged paragraphs more than ``context`` away from a change are
    left out, each run of them replaced by one ``<p class="monre-unchanged">`` note: a long article with one
    changed figure shows that figure, not the whole article. ``context=None`` keeps every paragraph.
    """
    a = [p for p in _PARAGRAPHS.split(unicodedata.normalize("NFC", old or "")) if p.strip()]
    b = [p for p in _PARAGRAPHS.split(unicodedata.normalize("NFC", new or "")) if p.strip()]
    blocks: list[tuple[bool, str]] = []  # (changed, html)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks += [(False, html.escape(p, quote=False)) for p in b[j1:j2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:  # paragraphs edited in place: one diff each
            blocks += [(True, diff_words(x, y)) for x, y in zip(a[i1:i2], b[j1:j2])]
        else:  # paragraphs added, removed, split or merged: one diff of the whole run
            blocks.append((True, diff_words("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2]))))
    changed = [i for i, (is_change, _) in enumerate(blocks) if is_change]
    out: list[str] = []
    hidden = 0
    for index, (is_change, text) in enumerate(blocks):
        near = context is None or any(abs(index - c) <= context for c in changed)
        if not near:
            hidden += 1
            continue
        if hidden:
            out.append(f'<p class="monre-unchanged">… {hidden} unchanged paragraph{"s" if hidden > 1 else ""} …</p>')
            hidden = 0
        out.append(f"<p>{text}</p>")
    if hidden:
        out.append(f'<p class="monre-unchanged">… {hidden} unchanged paragraph{"s" if hidden > 1 else ""} …</p>')
    return out


# --- the article page: versions, diff, removal ---------------------------------------------------------------
def _version_number(value, default: int, last: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= last else default


async def _article_history(datasette, request) -> dict:
    article_id = (request.url_vars or {}).get("pks") if request else None
    if not article_id:
        return {}
    db = datasette.get_database(DATABASE)
    tables = set(await db.table_names())
    if not {"article_versions", "article_events"} <= tables:  # an archive not upgraded yet
        return {}
    versions = [dict(row) for row in (await db.execute(
        "select version, seen_at, title, summary, body_text, content_hash from article_versions "
        "where article_id = ? order by version", [article_id])).rows]
    events = [dict(row) for row in (await db.execute(
        "select at, event, version, detail from article_events where article_id = ? order by at, id",
        [article_id])).rows]
    history = {"versions": versions, "events": events, "diff": None}
    if len(versions) >= 2:
        last = len(versions)
        to = _version_number(request.args.get("diff_to"), last, last)
        start = _version_number(request.args.get("diff_from"), max(1, to - 1), last)
        old, new = versions[start - 1], versions[to - 1]
        whole = request.args.get("diff_whole") == "1"
        history["diff"] = {
            "old_version": start,
            "new_version": to,
            "whole": whole,
            **{field: Markup(diff_words(old[field] or "", new[field] or "")) for field in ("title", "summary")},
            "body_text": Markup("".join(diff_paragraphs(old["body_text"] or "", new["body_text"] or "",
                                                          context=None if whole else 1))),
        }
    return history


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if database != DATABASE or table != "articles":
        return {}
    if view_name == "row":
        async def inner():
            return {"monre_history": await _article_history(datasette, request)}
        return inner
    return {}


# --- feeds -------------------------------------------------------------------------------------------------------
@hookimpl(trylast=True)
def register_output_renderer(datasette):
    """datasette-atom's ``.atom`` renderer, with two fixes: an empty result is an empty feed (datasette-atom
    0.9 answers 500: it takes the max of no dates), and the feed carries ``xml:base`` (its own URL), against
    which the archive links of the canned feeds (``articles/<id>``) resolve to absolute URLs.

    ``trylast``: Datasette keeps the last renderer registered for an extension, so this one wins over
    datasette-atom's own, which it calls. Without datasette-atom installed, nothing is registered.
    """
    try:
        import datasette_atom
    except ImportError:
        return None

    def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if not rows and datasette_atom.REQUIRED_COLUMNS.issubset(columns):
            response = _empty_feed(datasette, request, database, query_name, sql)
        else:
            response = datasette_atom.render_atom(datasette, request, sql, columns, rows, database, table,
                                                  query_name, view_name, data)
        if getattr(response, "status", 200) == 200 and isinstance(response.body, (str, bytes)):
            response.body = _complete_feed(response.body, request.url, rows if "atom_categories" in columns else [])
        return response

    return {"extension": "atom", "render": render, "can_render": datasette_atom.can_render_atom}


_ATOM = "{http://www.w3.org/2005/Atom}"


def _complete_feed(body, url: str, rows) -> bytes:
    """The feed with ``xml:base`` (its own URL) and each entry's categories (``atom_categories`` of its row)."""
    import json

    from lxml import etree

    root = etree.fromstring(body.encode("utf-8") if isinstance(body, str) else body)
    root.set("{http://www.w3.org/XML/1998/namespace}base", url)
    categories = {}
    for row in rows:
        try:
            names = json.loads(row["atom_categories"] or "[]")
        except (TypeError, ValueError):
            names = []
        categories[str(row["atom_id"])] = [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
    for entry in root.iter(f"{_ATOM}entry"):
        for name in categories.get(entry.findtext(f"{_ATOM}id"), []):
            etree.SubElement(entry, f"{_ATOM}category").set("term", name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _empty_feed(datasette, request, database, query_name, sql):
    from datetime import datetime, timezone

    from datasette.utils.asgi import Response
    from feedgen.feed import FeedGenerator

    title = sql
    if query_name:
        try:
            title = datasette.metadata(database=database)["queries"][query_name]["title"]
        except (KeyError, TypeError):
            pass
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(title)
    feed.updated(datetime.now(timezone.utc))
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)

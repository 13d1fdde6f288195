"""Datasette plugin for the monre archive: readable cells and the filters the article page needs.

Loaded with ``--plugins-dir plugins``. Search, facets and canned queries do not need it; it only makes
the HTML pages readable:

- on the ``articles`` table page, long text cells are shortened (the full text is on the article's own
  page and in the JSON), ``body_html`` is summarised, and the ``categories`` JSON list becomes links
  that filter the table by category;
- in canned query results, an ``article`` column links to the article's page;
- the ``from_json`` and ``vn_date`` template filters used by ``templates/row-monre-articles.html``;
- on an article's page, ``monre_documents``: its archived documents by URL (type, size, pages, status, a
  link to the archived copy when Datasette serves ``data/files/`` with ``--static files:data/files``);
- on an article's page, ``monre_body_html``: the body as the portal published it (links, tables, images),
  sanitised again here with the crawler's own nh3 policy (:func:`monre_crawler.sanitize.sanitize_html`,
  relative URLs resolved against the article's URL) whatever the archive holds; only that output is
  marked safe. None when the article has no ``body_html``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode
from markupsafe import Markup, escape

# The project's sanitiser, also when Datasette is started from another directory than the project's.
_PROJECT = str(Path(__file__).resolve().parent.parent)
if _PROJECT not in sys.path:
    sys.path.append(_PROJECT)
from monre_crawler.sanitize import sanitize_html  # noqa: E402

DATABASE = "monre"
SHORTEN = {"summary": 160, "body_text": 160}
FILES_MOUNT = "files"  # datasette --static files:data/files
# What the crawler names an archived file (FilesPipeline: full/<sha1 of the URL>.<extension>): nothing else
# is linked, whatever the database says.
ARCHIVED_PATH = re.compile(r"^full/[0-9a-f]{40}(\.[a-z0-9]{1,5})?$")
KIND_LABELS = {"pdf": "PDF", "docx": "Word", "doc": "Word 97-2003", "xlsx": "Excel", "xls": "Excel 97-2003",
               "pptx": "PowerPoint", "ppt": "PowerPoint 97-2003", "zip": "ZIP", "rar": "RAR"}


def from_json(value, default=None):
    """A JSON column's value as Python (``default``, an empty list unless given, when it is not JSON)."""
    if value is None or value == "":
        return [] if default is None else default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return [] if default is None else default


def vn_date(value):
    """``2024-02-01T09:30:00+07:00`` → ``01/02/2024 09:30``; ``2024-02-01`` → ``01/02/2024``."""
    if not value or len(value) < 10:
        return value or ""
    text = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    if len(value) >= 16 and value[10] == "T":
        text += f" {value[11:16]}"
    return text


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["from_json"] = from_json
    env.filters["vn_date"] = vn_date


def _category_links(datasette, value):
    names = from_json(value)
    if not isinstance(names, list):
        return None
    base = datasette.urls.table(DATABASE, "articles")
    links = [
        f'<a href="{base}?_category={escape(_quote(name))}">{escape(name)}</a>'
        for name in names if isinstance(name, str)
    ]
    return Markup(" · ".join(links)) if links else Markup("")


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def body_html_markup(html, base=None):
    """The stored ``body_html`` sanitised for rendering (``base``: the article's URL, to resolve relative
    links and images against), as ``Markup``; None when there is nothing left to show."""
    if not isinstance(html, str) or not html.strip():
        return None
    clean = sanitize_html(html, base if isinstance(base, str) else None).strip()
    return Markup(clean) if clean else None


def human_size(size) -> str:
    if not isinstance(size, int):
        return ""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """An article's documents (``monre_documents``: {url: details}) and its sanitised published body
    (``monre_body_html``) for its page; nothing elsewhere."""
    if view_name != "row" or database != DATABASE or table != "articles" or request is None:
        return {}

    async def article_vars():
        db = datasette.get_database(DATABASE)
        article = tilde_decode(request.url_vars.get("pks", ""))
        row = (await db.execute("select body_html, url from articles where id = ?", [article])).first()
        body = body_html_markup(row["body_html"], row["url"]) if row is not None else None
        return {"monre_body_html": body, "monre_documents": await documents(db, article)}

    async def documents(db, article):
        if "articles_documents" not in await db.table_names():
            return {}
        result = await db.execute(
            "select d.url, d.path, d.size, d.kind, d.pages, d.status, d.note from articles_documents ad "
            "join documents d on d.id = ad.documents_id where ad.articles_id = ?", [article])
        served = any(mount == FILES_MOUNT for mount, _ in datasette.static_mounts)
        found = {}
        for row in result.rows:
            doc = dict(row)
            path = doc["path"] or ""
            doc["archived_url"] = (datasette.urls.path(f"/{FILES_MOUNT}/{path}")
                                   if served and ARCHIVED_PATH.match(path) and doc["status"] != "failed" else None)
            doc["kind_label"] = KIND_LABELS.get(doc["kind"] or "", (doc["kind"] or "").upper())
            doc["size_text"] = human_size(doc["size"])
            found[doc["url"]] = doc
        return found

    return article_vars


@hookimpl
def render_cell(value, column, table, database, datasette):
    if database != DATABASE:
        return None
    if column == "categories" and table in ("articles", None) and isinstance(value, str):
        return _category_links(datasette, value)
    if table == "documents" and column == "text" and isinstance(value, str) and len(value) > 160:
        cut = value[:160].rsplit(" ", 1)[0]
        return Markup(f'{escape(cut)}&nbsp;<span class="monre-muted">… ({len(value):,} characters)</span>')
    if table == "articles":
        if column == "body_html" and isinstance(value, str):
            return Markup(f'<span class="monre-muted">HTML, {len(value):,} characters</span>')
        if column in SHORTEN and isinstance(value, str) and len(value) > SHORTEN[column]:
            cut = value[: SHORTEN[column]].rsplit(" ", 1)[0]
            return Markup(f'{escape(cut)}&nbsp;<span class="monre-muted">… ({len(value):,} characters)</span>')
    if table is None and column == "article" and isinstance(value, str):
        return Markup(f'<a href="{datasette.urls.row(DATABASE, "articles", value)}">{escape(value)}</a>')
    return None

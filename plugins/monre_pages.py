"""Datasette plugin for the monre archive: readable cells and the filters the article page needs.

Loaded with ``--plugins-dir plugins``. Search, facets and canned queries do not need it; it only makes
the HTML pages readable:

- on the ``articles`` table page, long text cells are shortened (the full text is on the article's own
  page and in the JSON), ``body_html`` is summarised, and the ``categories`` JSON list becomes links
  that filter the table by category;
- in canned query results, an ``article`` column links to the article's page;
- the ``from_json`` and ``vn_date`` template filters used by ``templates/row-monre-articles.html``.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from markupsafe import Markup, escape

DATABASE = "monre"
SHORTEN = {"summary": 160, "body_text": 160}


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


@hookimpl
def render_cell(value, column, table, database, datasette):
    if database != DATABASE:
        return None
    if column == "categories" and table in ("articles", None) and isinstance(value, str):
        return _category_links(datasette, value)
    if table == "articles":
        if column == "body_html" and isinstance(value, str):
            return Markup(f'<span class="monre-muted">HTML, {len(value):,} characters</span>')
        if column in SHORTEN and isinstance(value, str) and len(value) > SHORTEN[column]:
            cut = value[: SHORTEN[column]].rsplit(" ", 1)[0]
            return Markup(f'{escape(cut)}&nbsp;<span class="monre-muted">… ({len(value):,} characters)</span>')
    if table is None and column == "article" and isinstance(value, str):
        return Markup(f'<a href="{datasette.urls.row(DATABASE, "articles", value)}">{escape(value)}</a>')
    return None

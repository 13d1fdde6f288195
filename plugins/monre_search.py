"""Datasette plugin: the articles table's search box, category filter and category facet, fast at 100,000 articles.

Loaded with ``--plugins-dir plugins`` (the README's command). Datasette 0.65's own ways are correct but
read every wide article row at the archive's real size (``bench/bench_archive.py``, ``bench/RESULTS.md``):
its search filter (``rowid in (…match…)``) makes SQLite look up every match and sort them all by date, and
its array facet de-duplicates whole rows, body text included. This plugin gives the same meaning through
small indexes:

- ``?_search=`` on ``/monre/articles`` (the search box; ``&_searchmode=raw`` for FTS5 syntax): the query
  is put in NFC and its đ/Đ folded to d/D, as the index's single ``folded`` column is, the tokenizer
  folding the other marks and case; every word must occur. The filter is ``+rowid in (…)``: the unary
  ``+`` keeps SQLite from looking up each match, so it walks the date index and stops after one page.
  What a reader types never gives an error page: quotes and punctuation are words' edges in the default
  mode, and a raw query that FTS5 refuses is searched as words instead (the page says so).
- ``?_category=NAME`` (repeatable: articles in all of them): the articles of a category, through the link
  table ``articles_categories``.
- the ``category`` facet (``facets: [{category: categories}]`` in metadata.yml): how many articles of
  the page's selection are in each category, every category of every article counted (an article in
  three categories counts in three); its links toggle ``_category``. Unfiltered it counts the link
  table; filtered, the ``categories`` list of the selected articles, read from its index.
- every connection maps the database into memory (``PRAGMA mmap_size``): the indexes above are read
  without a system call per page.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

DATABASE = "monre"
TABLE = "articles"
FTS = "articles_fts"
CATEGORY_ARG = "_category"
_WORD = re.compile(r"\w")


def fold_query(text: str) -> str:
    """What the index holds: NFC, đ/Đ as d/D; NUL and other control characters as spaces."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return text.replace("đ", "d").replace("Đ", "D")


def words_query(text: str) -> str:
    """Each word as a quoted FTS5 string (so nothing typed is FTS syntax); '' when no word is left."""
    bits = re.split(r'[\s"]+', fold_query(text))
    return " ".join('"' + bit + '"' for bit in bits if _WORD.search(bit))


async def _raw_query_works(db, query: str) -> bool:
    try:
        await db.execute(f"select rowid from {FTS} where {FTS} match :q limit 1", {"q": query})
        return True
    except sqlite3.DatabaseError:
        return False


@hookimpl(trylast=True)  # after Datasette's own search filter, so that our supports_search wins
def filters_from_request(request, database, table, datasette):
    if database != DATABASE or table != TABLE:
        return None

    async def inner():
        where, params, descriptions = [], {}, []
        extra = {"supports_search": True}
        typed = request.args.get("_search", "")
        if typed.strip():
            extra["search"] = typed
            db = datasette.get_database(database)
            query, note = words_query(typed), ""
            if request.args.get("_searchmode") == "raw":
                raw = fold_query(typed).strip()
                if await _raw_query_works(db, raw):
                    query = raw
                else:
                    note = " (not valid FTS5 syntax: searched as words)"
            if query:
                where.append(f"+rowid in (select rowid from {FTS} where {FTS} match :monre_search)")
                params["monre_search"] = query
                descriptions.append(f'search matches "{typed}"{note}')
        for i, name in enumerate(request.args.getlist(CATEGORY_ARG)):
            key = f"monre_category_{i}"
            where.append(
                "+rowid in (select a.rowid from categories c "
                "join articles_categories ac on ac.categories_id = c.id "
                f"join articles a on a.id = ac.articles_id where c.name = :{key})"
            )
            params[key] = name
            descriptions.append(f'category is "{name}"')
        return FilterArguments(where, params, descriptions, extra)

    return inner


class CategoryFacet(Facet):
    """Articles per category of the page's selection, through the link table or the ``categories`` index."""

    type = "category"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        facet_size = self.get_facet_size()
        selected = set(self.request.args.getlist(CATEGORY_ARG))
        for source_and_config in self.get_configs():
            column = source_and_config["config"].get("simple") or "categories"
            if re.search(r"\bwhere\b", self.sql, re.I):
                # A filtered page: its articles grouped by their list of categories (a walk of that
                # column's index), then each distinct list's names counted with its articles.
                sql = (f"select j.value as value, sum(g.n) as count from (select [{column}] as names, count(*) as n "
                       f"from ({self.sql}) group by [{column}]) g, json_each(g.names) j "
                       f"group by j.value order by count desc, value limit {facet_size + 1}")
            else:  # the whole table: count the link table
                sql = ("select c.name as value, count(*) as count from articles_categories ac "
                       "join categories c on c.id = ac.categories_id "
                       f"group by c.name order by count desc, value limit {facet_size + 1}")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:facet_size]:
                value = str(row["value"])
                on = value in selected
                path = (path_with_removed_args(self.request, {CATEGORY_ARG: value}) if on
                        else path_with_added_args(self.request, {CATEGORY_ARG: value, "_next": None}))
                values.append({"value": value, "label": value, "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, path), "selected": on})
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_category": column})),
                "truncated": len(rows) > facet_size,
            })
        return results, timed_out


MMAP_BYTES = 0x7FFF0000  # SQLite's default ceiling (SQLITE_MAX_MMAP_SIZE); only what is read is paged in


@hookimpl
def prepare_connection(conn, database, datasette):
    if database == DATABASE:
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


@hookimpl
def register_facet_classes():
    return [CategoryFacet]

"""Datasette plugin: the articles table's search box, category filter and category facet, fast at 100,000 articles.

Loaded with ``--plugins-dir plugins`` (the README's command). Datasette 0.65's own ways are correct but
read every wide article row at the archive's real size (``bench/bench_archive.py``, ``bench/RESULTS.md``):
its search filter (``rowid in (…match…)``) makes SQLite look up every match and sort them all by date, and
its array facet de-duplicates whole rows, body text included. This plugin gives the same meaning through
small indexes:

- ``?_search=`` on ``/monre/articles`` and ``/monre/documents`` (the search box; ``&_searchmode=raw`` for FTS5
  syntax): the query
  is put in NFC and its đ/Đ folded to d/D, as the index's single ``folded`` column is, the tokenizer
  folding the other marks and case, and cut into words where the index's tokenizer cuts the stored text
  (``monre_crawler/search_words.py``); every word must occur. The filter is ``+rowid in (…)``: the unary
  ``+`` keeps SQLite from looking up each match, so it walks the date index and stops after one page.
  What a reader types never gives an error page: quotes, punctuation and control characters are words'
  edges in the default mode, and a raw query that FTS5 refuses is searched as words instead (the page
  says so).
- ``monre_words(text)``, an SQL function on every connection: the same words as one FTS5 query, for the
  canned searches and ``feed_search`` of metadata.yml (``… match monre_words(:q)``).
- ``?_category=NAME`` (repeatable: articles in all of them): the articles of a category, through the link
  table ``articles_categories``.
- the ``category`` facet (``facets: [{category: categories}]`` in metadata.yml): how many articles of
  the page's selection are in each category, every category of every article counted (an article in
  three categories counts in three); its links toggle ``_category``. Unfiltered it counts the link
  table; filtered, the ``categories`` list of the selected articles, read from an index.
- the ``reader`` facet (``{reader: portal}``, ``{reader: source}``, ``{reader: published_month}``):
  Datasette's column facet, except on a filtered page, where it and the category facet share one walk of
  the date index instead of one each (``_selection_counts``); a selection that is most of the archive is
  counted from the articles it leaves out, subtracted from the whole archive's counts. On page 2 and on,
  every facet counts the whole selection, as the row count does (Datasette 0.65 alone counts the rows after
  the cursor), and its links start the new selection at its first page.
- Datasette's array filter and facet on ``categories`` (``categories__arraycontains=``,
  ``_facet_array=categories``), which read every article row, are redirected to ``_category`` and the
  category facet (``asgi_wrapper``).
- every connection maps the database into memory (``PRAGMA mmap_size``): the indexes above are read
  without a system call per page.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet, Facet
from datasette.filters import FilterArguments
from datasette.utils import (compound_keys_after_sql, escape_sqlite, path_with_added_args, path_with_removed_args,
                             urlsafe_components)

DATABASE = "monre"
TABLE = "articles"
FTS = "articles_fts"
CATEGORY_ARG = "_category"

# The typed text's words, made as the index's (NFC, đ folded, cut by the index's own tokenizer, each
# quoted, all required): the same Python for the search boxes and, as the SQL function monre_words(:q),
# for the canned searches and feeds. The project is not installed (.venv/bin/datasette runs from
# anywhere): its root, this directory's parent, is where monre_crawler is found.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.append(_ROOT)
from monre_crawler import search_words  # noqa: E402

fold_query = search_words.fold  # what the index holds: NFC, đ/Đ as d/D, control characters as spaces
words_query = search_words.words_query  # each word quoted (nothing typed is FTS syntax); '' when none left


async def _raw_query_works(db, query: str, fts: str = FTS) -> bool:
    try:
        await db.execute(f"select rowid from {fts} where {fts} match :q limit 1", {"q": query})
        return True
    except sqlite3.DatabaseError:
        return False


# The tables whose search box this plugin serves, and their full-text index (each folds đ in ``folded``).
SEARCHED = {TABLE: FTS, "documents": "documents_fts"}


@hookimpl(trylast=True)  # after Datasette's own search filter, so that our supports_search wins
def filters_from_request(request, database, table, datasette):
    if database != DATABASE or table not in SEARCHED:
        return None
    fts = SEARCHED[table]

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
                if await _raw_query_works(db, raw, fts):
                    query = raw
                else:
                    note = " (not valid FTS5 syntax: searched as words)"
            if query:
                where.append(f"+rowid in (select rowid from {fts} where {fts} match :monre_search)")
                params["monre_search"] = query
                descriptions.append(f'search matches "{typed}"{note}')
            else:  # only punctuation or operators: nothing to search, the page says so
                descriptions.append(f'search "{typed}" has no word to look for{note}: every row is shown')
        if table != TABLE:
            return FilterArguments(where, params, descriptions, extra)
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


SEARCH_CLAUSE = f"+rowid in (select rowid from {FTS} where {FTS} match :monre_search)"
_GROUPED = ("select 'portal' as facet, portal as value, count(*) as n from selected "
            "where portal is not null group by portal "
            "union all select 'source', source, count(*) from selected "
            "where source is not null group by source "
            "union all select 'published_month', substr(published_at, 1, 7), count(*) from selected "
            "where published_at is not null group by 2 "
            "union all select 'lists', categories, count(*) from selected group by categories")
# The same counts of the whole archive, each read from its own small index.
_WHOLE = (f"select 'portal' as facet, portal as value, count(*) as n from {TABLE} "
          "where portal is not null group by portal "
          f"union all select 'source', source, count(*) from {TABLE} where source is not null group by source "
          f"union all select 'published_month', published_month, count(*) from {TABLE} "
          "where published_month is not null group by published_month "
          f"union all select 'lists', categories, count(*) from {TABLE} group by categories")


# The selection is read from the date index, which holds the four facet columns: for a filter on another
# indexed column (``source = …``) SQLite would otherwise read that column's index, then every selected row.
BY_DATE = "indexed by articles_by_date"


def _keyset(facet: Facet, pks: list[str]) -> tuple[str, list[str]] | None:
    """The clause (and its parameters) Datasette added to the page's SQL for ``?_next=``: "the rows after
    the cursor". Rebuilt as Datasette 0.65 builds it (``TableView``), so that it is only ever removed when
    found exactly at the end of the facet's SQL."""
    request = facet.request
    token = request.args.get("_next")
    if not token or not pks:
        return None
    meta = facet.ds.table_metadata(facet.database, facet.table) or {}
    sort, sort_desc = request.args.get("_sort"), request.args.get("_sort_desc")
    if not sort and not sort_desc:
        sort, sort_desc = meta.get("sort"), meta.get("sort_desc")
    components = urlsafe_components(token)
    sort_value = None
    if (sort or sort_desc) and len(components) > 1:
        sort_value = components[0]
        if token.split(",")[0] == "$null":
            sort_value = None
        components = components[1:]
    if len(components) != len(pks):
        return None
    names = list(facet.params)
    first = len(names) - len(pks) - (1 if (sort or sort_desc) and sort_value is not None else 0)
    if first < 0:
        return None
    by_pk = compound_keys_after_sql(pks, first)
    used = [f"p{first + i}" for i in range(len(pks))]
    if not (sort or sort_desc):
        clause = by_pk
    elif sort_value is None:
        column = escape_sqlite(sort_desc or sort)
        clause = (f"({column} is null and {by_pk})" if sort_desc
                  else f"({column} is not null or ({column} is null and {by_pk}))")
    else:
        column, p = escape_sqlite(sort or sort_desc), len(names) - 1
        extra = "" if sort else f" or {column} is null"
        clause = f"({column} {'>' if sort else '<'} :p{p}{extra} or ({column} = :p{p} and {by_pk}))"
        used.append(f"p{p}")
    if names[-len(used):] != used and sorted(names[-len(used):]) != sorted(used):
        return None
    return clause, used


async def _whole_selection(facet: Facet) -> tuple[str, dict]:
    """The facet's SQL and parameters without the next-page cursor: the facets of every page of a selection
    count the whole selection, as its row count does (Datasette 0.65 counts only the rows after the cursor)."""
    sql, params = facet.sql, dict(facet.params) if isinstance(facet.params, dict) else {}
    if facet.table != TABLE or not facet.request.args.get("_next"):
        return sql, params
    db = facet.ds.get_database(facet.database)
    found = _keyset(facet, await db.primary_keys(facet.table))
    if found is None:
        return sql, params
    clause, used = found
    body = sql.rstrip()
    for joint in (" and ", "where "):
        if body.endswith(joint + clause):
            sql = body[:-len(joint + clause)] + " "
            for name in used:
                params.pop(name, None)
            return sql, params
    return facet.sql, params


def _without_cursor(url: str) -> str:
    """A facet's link without ``_next``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "_next"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _where(sql: str) -> str | None:
    """The condition of a facet's SQL (``select … from articles where C``), or None when it has none."""
    marker = f" from {TABLE} where "
    at = sql.find(marker)
    if not sql.startswith("select ") or at < 0:
        return None
    return sql[at + len(marker):].strip() or None


async def _covered(facet: Facet, where: str, params: dict) -> bool:
    """Can the date index alone tell which articles the filter selects (a search, a category, a portal, a
    source, a next-page cursor on the date)? SQLite's plan says."""
    found = await facet.ds.execute(facet.database, "select count(*) from sqlite_master where type = 'index' "
                                   "and name = 'articles_by_date'")
    if not found.rows[0][0]:  # (an archive without it)
        return False
    plan = await facet.ds.execute(facet.database, f"explain query plan select portal, source, published_at, "
                                  f"categories from {TABLE} {BY_DATE} where {where}", params)
    return any("COVERING INDEX articles_by_date" in str(row[-1]) for row in plan.rows)


def _tally(rows) -> dict:
    counts = {"portal": Counter(), "source": Counter(), "published_month": Counter(), "lists": Counter()}
    for kind, value, n in rows:
        counts[kind][value] += n
    return counts


async def _grouped(facet: Facet, sql: str, params: dict) -> dict:
    """The four counts of the selection ``sql`` selects, categories as lists (see ``_selection_counts``)."""
    limit = facet.ds.setting("facet_time_limit_ms")
    where = _where(sql)
    if where is not None:
        if not await _covered(facet, where, params):
            # The filter reads other columns (a month, a template, a word in the title): one pass over what it
            # selects, through whatever index SQLite finds for it.
            chosen = f"select portal, source, published_at, categories from {TABLE} where {where}"
            rows = await facet.ds.execute(facet.database, f"with selected as materialized ({chosen}) " + _GROUPED,
                                          params, truncate=False, custom_time_limit=limit)
            return _tally(rows.rows)
        # How much of the archive is selected: the search's matches or a category's articles bound it (each read
        # from its own index); else, or when the bound is over half, the selection is counted.
        bounds = [f"(select count(*) from {FTS} where {FTS} match :monre_search)"] if "monre_search" in params else []
        bounds += [f"(select count(*) from articles_categories ac join categories c on c.id = ac.categories_id "
                   f"where c.name = :{key})" for key in params if key.startswith("monre_category_")]
        share = (f"select min({', '.join(bounds)}, 1e18), " if bounds else "select null, ") + \
            f"(select count(*) from {TABLE})"
        bound, total = (await facet.ds.execute(facet.database, share, params, custom_time_limit=limit)).rows[0]
        selected = bound
        if bound is None or (2 * bound > total and where != SEARCH_CLAUSE):
            found = await facet.ds.execute(facet.database, f"select count(*) from ({sql})", params,
                                           custom_time_limit=limit)
            selected = found.rows[0][0]
        if 2 * selected > total:  # most of the archive: count what the selection leaves out, and subtract
            left_out = (f"select portal, source, published_at, categories from {TABLE} {BY_DATE} "
                        f"where not coalesce(({where}), 0)")
            query = (f"with selected as materialized ({left_out}) select 'left_out' as part, * from ({_GROUPED}) "
                     f"union all select 'whole', * from ({_WHOLE})")
            rows = await facet.ds.execute(facet.database, query, params, truncate=False, custom_time_limit=limit)
            whole = _tally(row[1:] for row in rows.rows if row[0] == "whole")
            left = _tally(row[1:] for row in rows.rows if row[0] == "left_out")
            return {kind: +(whole[kind] - left[kind]) for kind in whole}  # (unary +: drops the zeros)
        chosen = f"select portal, source, published_at, categories from {TABLE} {BY_DATE} where {where}"
    else:
        chosen = f"select portal, source, published_at, categories from ({sql})"
    query = f"with selected as materialized ({chosen}) " + _GROUPED
    rows = await facet.ds.execute(facet.database, query, params, truncate=False, custom_time_limit=limit)
    return _tally(rows.rows)


async def _selection_counts(facet: Facet, sql: str, params: dict) -> dict | None:
    """Portal, source, month and category counts of a filtered page's selection, in one query.

    Each facet query of such a page would walk an index testing every entry against the filter; one walk
    (of ``articles_by_date``, which holds the date, source, categories and portal) serves the four facets,
    and is shared by the facet objects of one request. Grouping costs in proportion to the rows grouped:
    when the selection is most of the archive (a search for ``tài nguyên``, the portal monre.gov.vn), the
    articles it leaves out are grouped instead and subtracted from the whole archive's counts. None when
    it took longer than ``facet_time_limit_ms``.
    """
    cache = facet.request.scope.setdefault("monre_selection_counts", {})
    key = (sql, tuple(sorted(params.items())))
    if key not in cache:
        try:
            counts = await _grouped(facet, sql, params)
        except QueryInterrupted:
            cache[key] = None
        else:
            categories = Counter()
            for value, n in counts.pop("lists").items():
                for name in json.loads(value or "[]"):
                    categories[name] += n
            counts["categories"] = categories
            cache[key] = counts
    return cache[key]


def _ranked(counts: Counter, limit: int) -> list[dict]:
    """As Datasette orders facet values: most articles first, then by value."""
    return [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


class ReaderFacet(ColumnFacet):
    """Datasette's column facet (same links, same order), counted in one pass on a searched or
    category-filtered page (see ``_selection_counts``); elsewhere Datasette's own query, which the
    reader indexes make quick."""

    type = "reader"

    async def suggest(self):
        return []

    async def facet_results(self):
        self.sql, self.params = await _whole_selection(self)
        if self.table != TABLE or _where(self.sql) is None:
            results, timed_out = await super().facet_results()
            for result in results:  # (a new selection starts at its first page: the links leave the cursor out)
                for value in result["results"]:
                    value["toggle_url"] = _without_cursor(value["toggle_url"])
            return results, timed_out
        results, timed_out = [], []
        facet_size = self.get_facet_size()
        counts = await _selection_counts(self, self.sql, self.params)
        pairs = self.get_querystring_pairs()
        cursor = {"_next": self.request.args.get("_next")} if self.request.args.get("_next") else {}
        for source_and_config in self.get_configs():
            column = source_and_config["config"].get("column") or source_and_config["config"]["simple"]
            if counts is None or column not in counts:
                timed_out.append(column)
                continue
            ranked = _ranked(counts[column], facet_size + 1)
            values = []
            for row in ranked[:facet_size]:
                on = (column, str(row["value"])) in pairs
                # (a new selection starts at its first page: the links leave the cursor out)
                path = (path_with_removed_args(self.request, {column: str(row["value"]), **cursor}) if on
                        else path_with_added_args(self.request, {column: row["value"], "_next": None}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                               "selected": on})
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_reader": column})),
                "truncated": len(ranked) > facet_size,
            })
        return results, timed_out


class CategoryFacet(Facet):
    """Articles per category of the page's selection, through the link table or the ``categories`` index."""

    type = "category"

    async def suggest(self):
        return []

    async def _rows(self, column: str, facet_size: int) -> list[dict] | None:
        sql, params = await _whole_selection(self)
        if self.table == TABLE and _where(sql) is not None:
            counts = await _selection_counts(self, sql, params)
            return None if counts is None else _ranked(counts["categories"], facet_size + 1)
        if re.search(r"\bwhere\b", sql, re.I):
            # Another table's filtered page: the selected rows grouped by their list of categories, then each
            # distinct list's names counted with its rows.
            sql = (f"select j.value as value, sum(g.n) as count from (select [{column}] as names, count(*) as n "
                   f"from ({sql}) group by [{column}]) g, json_each(g.names) j "
                   f"group by j.value order by count desc, value limit {facet_size + 1}")
        else:  # the whole table: count the link table
            sql = ("select c.name as value, count(*) as count from articles_categories ac "
                   "join categories c on c.id = ac.categories_id "
                   f"group by c.name order by count desc, value limit {facet_size + 1}")
        try:
            rows = await self.ds.execute(self.database, sql, params, truncate=False,
                                         custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        except QueryInterrupted:
            return None
        return [{"value": row["value"], "count": row["count"]} for row in rows.rows]

    async def facet_results(self):
        results, timed_out = [], []
        facet_size = self.get_facet_size()
        selected = set(self.request.args.getlist(CATEGORY_ARG))
        for source_and_config in self.get_configs():
            column = source_and_config["config"].get("simple") or "categories"
            rows = await self._rows(column, facet_size)
            if rows is None:
                timed_out.append(column)
                continue
            values = []
            for row in rows[:facet_size]:
                value = str(row["value"])
                on = value in selected
                cursor = {"_next": self.request.args.get("_next")} if self.request.args.get("_next") else {}
                path = (path_with_removed_args(self.request, {CATEGORY_ARG: value, **cursor}) if on
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
    search_words.register(conn)  # monre_words(:q), for the canned queries of metadata.yml
    if database == DATABASE:
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


@hookimpl
def register_facet_classes():
    return [CategoryFacet, ReaderFacet]


# Datasette's own ways to the same meaning, which read every article row at the archive's real size (the array
# facet times out; the array filter takes about a second): a request for them is sent to this plugin's way.
# ``categories__arraycontains=X`` selects the articles in category X, as ``_category=X`` does (the list is kept
# from the link table by triggers); ``_facet_array=categories`` asks for the facet the page shows already.
# Facets that count nothing (each article's own text, URL or id, the JSON lists of its images, attachments and
# other URLs: one value per article) read every row too (a second for ``body_text``, ``facets timed out``);
# Datasette's column menu offers "Facet by this" on every column: the request is sent to the page without it.
ARTICLE_PATHS = {f"/{DATABASE}/{TABLE}", f"/{DATABASE}/{TABLE}.json", f"/{DATABASE}/{TABLE}.csv"}
NO_FACET = {"id", "url", "title", "summary", "body_text", "body_html", "image_urls", "attachments", "aliases",
            "content_hash"}


def _fast_equivalent(query_string: str) -> str | None:
    """The query string of the fast equivalent of an article table request, or None when it is fast already."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    changed, out = False, []
    for key, value in pairs:
        if key == "categories__arraycontains":
            out.append((CATEGORY_ARG, value))
            changed = True
        elif key == "_facet_array" or (key == "_facet" and value in NO_FACET):
            changed = True
        else:
            out.append((key, value))
    return urlencode(out) if changed else None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def redirecting(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path") in ARTICLE_PATHS:
                query = scope.get("query_string", b"").decode("utf-8", "replace")
                equivalent = _fast_equivalent(query) if query else None
                if equivalent is not None:
                    location = scope["path"] + ("?" + equivalent if equivalent else "")
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [(b"location", location.encode("utf-8")),
                                            (b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b"See " + location.encode("utf-8")})
                    return
            await app(scope, receive, send)
        return redirecting
    return wrap

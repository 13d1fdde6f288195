"""The archive's schema: its tables, the search index and the triggers that keep it and the readers'
columns right, the schema version, and the ``upgrade`` command.

Tables (see README "The archive"): ``articles``, ``categories``, ``articles_categories`` (the link table
between them), ``article_aliases`` (other URLs of reposted articles), ``crawl_runs``, ``crawl_state``
(which categories were crawled to their end), ``lost_articles`` (listed articles that a run lost and the
next runs fetch again), ``articles_fts`` (full-text search that forgives missing diacritics: the
tokenizer folds tone marks and case, its one ``folded`` column has đ folded to d), and the attached
documents: ``documents``, ``articles_documents`` and ``documents_fts`` (title, text and a ``folded`` column).
``articles.published_month`` and ``articles.categories`` are derived columns for Datasette's facets.

The history of what the portal edited or removed (like NewsDiffs and diffengine, see README "Edits and
removals"; written by :class:`monre_crawler.store.Store`):

``article_versions`` (``article_id``, ``version``, ``seen_at``, ``title``, ``summary``, ``body_text``,
``content_hash``)
    Every text seen of an edited article. An article that never changed has no row; at its first change
    the text stored until then becomes version 1 (``seen_at``: when it was first stored) and the new text
    version 2; each later change adds the next version. ``articles`` keeps holding the latest text.
``articles.versions``, ``articles.changed_at``
    How many versions the article has (1 while it never changed) and when the last change was found.
``articles.removed_at``
    When a re-check first found the article gone from the portal; NULL while it is on the portal.
``article_events`` (``id``, ``article_id``, ``at``, ``event``, ``version``, ``detail``)
    One row per ``edited`` (with the new version), ``removed`` (with what the portal answered) and
    ``reappeared`` event.

``python -m monre_crawler.schema upgrade PATH`` brings an archive written by an older version up to date.
"""

from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = 2  # 2: one-column full-text index (folded), reader indexes (bench/RESULTS.md)


class StoreError(Exception):
    """The archive cannot be used: the message says why and what to do."""


ARTICLE_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "summary": str,
    "body_text": str,
    "body_html": str,
    "published_at": str,
    "source": str,
    "image_urls": str,
    "attachments": str,
    "aliases": str,
    "template": str,
    "content_hash": str,
    "first_seen_at": str,
    "last_seen_at": str,
    "portal": str,  # monre.gov.vn or mae.gov.vn
}
CRAWL_RUN_COLUMNS = {
    "id": int,
    "spider": str,
    "started_at": str,
    "finished_at": str,
    "status": str,
    "finish_reason": str,
    "requests": int,
    "items_new": int,
    "items_updated": int,
    "items_duplicate": int,
    "items_dropped": int,
    "items_edited": int,  # re-checked articles whose title, lead or text changed (a new version)
    "items_removed": int,  # re-checked articles found gone from the portal
    "errors": int,
    "args": str,
    "fields": str,
    "documents": str,
    "message": str,
    "items_lost": int,
    "lost": str,
}
LOST_ARTICLE_COLUMNS = {
    "id": str,
    "portal": str,
    "url": str,
    "categories": str,
    "reason": str,
    "first_lost_at": str,
    "last_lost_at": str,
    "last_run": int,
    "runs": int,
}

_FOLD_D = "replace(replace({0}, 'đ', 'd'), 'Đ', 'D')"
# The full-text index holds each article's title, summary and text once, with đ/Đ folded to d/D (the
# tokenizer folds the other marks and case); queries are folded the same way (plugins/monre_search.py,
# the ``search`` canned query). Contentless: the text itself is only in ``articles``.
_FTS_VALUES = (
    "{p}.rowid, "
    + _FOLD_D.format("coalesce({p}.title, '') || ' ' || coalesce({p}.summary, '') || ' ' || coalesce({p}.body_text, '')")
)
# Columns for readers (Datasette's facets), derived in the database so every writer keeps them right:
# ``published_month`` ("YYYY-MM", a generated column) for the month facet, and ``categories`` (a JSON
# array of category names, kept by triggers on ``articles_categories``) for the category facet: the
# link table is many-to-many, and Datasette 0.65 facets only on columns of the table itself.
_CATEGORY_NAMES = (
    "(SELECT json_group_array(name) FROM (SELECT c.name FROM articles_categories ac "
    "JOIN categories c ON c.id = ac.categories_id WHERE ac.articles_id = {0} ORDER BY c.name))"
)
READER_SQL = [
    "CREATE TRIGGER IF NOT EXISTS articles_categories_ai AFTER INSERT ON articles_categories BEGIN "
    "UPDATE articles SET categories = " + _CATEGORY_NAMES.format("new.articles_id")
    + " WHERE id = new.articles_id; END",
    "CREATE TRIGGER IF NOT EXISTS articles_categories_ad AFTER DELETE ON articles_categories BEGIN "
    "UPDATE articles SET categories = " + _CATEGORY_NAMES.format("old.articles_id")
    + " WHERE id = old.articles_id; END",
]

FTS_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    "folded, content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, folded) VALUES (" + _FTS_VALUES.format(p="new") + "); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, folded) VALUES ('delete', " + _FTS_VALUES.format(p="old") + "); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, summary, body_text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, folded) VALUES ('delete', " + _FTS_VALUES.format(p="old") + "); "
    "INSERT INTO articles_fts(rowid, folded) VALUES (" + _FTS_VALUES.format(p="new") + "); END",
]
# Indexes for the reader's pages (Datasette): each page's queries read a small index instead of the wide
# article rows (bench/bench_archive.py, bench/RESULTS.md). By date (the table's order, and its "next
# page" keyset, which breaks ties by id), by month (facet and filter; with the portal, for the month
# counts of one portal), by source and by portal (facets and filters), by category list (the category
# facet of a filtered page), and the link table by category (a category's articles). The facet indexes
# have (published_at, id) so that the facets of a "next page" (whose filter is the keyset) read them
# alone; the date index holds source, categories and portal so that the facets of a search read it
# alone, in one walk (plugins/monre_search.py).
READER_INDEXES = [
    "CREATE INDEX IF NOT EXISTS articles_by_date ON articles(published_at DESC, id, source, categories, portal)",
    "CREATE INDEX IF NOT EXISTS articles_by_month ON articles(published_month, published_at, id, portal)",
    "CREATE INDEX IF NOT EXISTS articles_by_portal ON articles(portal, published_at, id)",
    "CREATE INDEX IF NOT EXISTS articles_by_source ON articles(source, published_at, id)",
    "CREATE INDEX IF NOT EXISTS articles_by_categories ON articles(categories, published_at, id)",
    "CREATE INDEX IF NOT EXISTS articles_categories_by_category ON articles_categories(categories_id, articles_id)",
    # Superseded by articles_by_date, articles_by_portal and articles_categories_by_category.
    "DROP INDEX IF EXISTS idx_articles_published_at",
    "DROP INDEX IF EXISTS idx_articles_portal",
    "DROP INDEX IF EXISTS idx_articles_categories_categories_id",
]


def create_search_index(db: sqlite_utils.Database) -> None:
    """The full-text index and its triggers; an index of another shape (schema 1) is rebuilt from ``articles``."""
    if "articles_fts" in db.table_names():
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles_fts)")]
        if columns == ["folded"]:
            for statement in FTS_SQL:
                db.execute(statement)
            return
        for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        db.execute("DROP TABLE articles_fts")
    for statement in FTS_SQL:
        db.execute(statement)
    db.execute("INSERT INTO articles_fts(rowid, folded) SELECT " + _FTS_VALUES.format(p="articles") + " FROM articles")


HISTORY_SQL = [
    "CREATE TABLE IF NOT EXISTS article_versions ("
    "article_id TEXT NOT NULL REFERENCES articles(id), version INTEGER NOT NULL, seen_at TEXT NOT NULL, "
    "title TEXT, summary TEXT, body_text TEXT, content_hash TEXT, PRIMARY KEY (article_id, version))",
    "CREATE TABLE IF NOT EXISTS article_events ("
    "id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id), at TEXT NOT NULL, "
    "event TEXT NOT NULL CHECK (event IN ('edited', 'removed', 'reappeared')), version INTEGER, detail TEXT)",
    "CREATE INDEX IF NOT EXISTS idx_article_events_at ON article_events (event, at)",
    "CREATE INDEX IF NOT EXISTS idx_article_events_article_id ON article_events (article_id)",
    "CREATE INDEX IF NOT EXISTS idx_articles_changed_at ON articles (changed_at) WHERE changed_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS idx_articles_removed_at ON articles (removed_at) WHERE removed_at IS NOT NULL",
]
# Added to ``articles`` when missing (ALTER TABLE … ADD COLUMN keeps existing rows: 1 version, not removed).
ARTICLE_HISTORY_COLUMNS = {
    "versions": "INTEGER NOT NULL DEFAULT 1",
    "changed_at": "TEXT",
    "removed_at": "TEXT",
}
# --- Attached documents (see monre_crawler.documents and monre_crawler.pipelines.documents) ---------------
# One row per document URL, archived once under data/files/ (``path``), however many articles link it
# (``articles_documents``). ``status``: ``ok`` (archived, text read), ``no_text`` (archived, no text: a scan,
# a legacy .doc/.xls, an archive), ``unreadable`` (archived, text kept but garbled: lost marks, mojibake),
# ``failed`` (not archived, or not readable at all: download error, over the size cap, not a document,
# broken file; retried by later runs). ``note`` says why, ``attempts`` how many runs tried, ``tried_at`` when
# the last one asked the portal for it. When the last try failed: ``transient`` 1 (a loss: every run asks
# again) or 0 (the portal's own state: asked again after ``wait_days`` days; see monre_crawler.document_retry).
# Added to an existing archive as they are missing (NULL: a failed document is asked for by the next run).
DOCUMENT_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "path": str,
    "size": int,
    "content_type": str,
    "kind": str,
    "sha1": str,
    "fetched_at": str,
    "pages": int,
    "text": str,
    "status": str,
    "note": str,
    "attempts": int,
    "tried_at": str,
    "transient": int,
    "wait_days": int,
}
DOCUMENT_OK = ("ok", "no_text", "unreadable")  # archived: never requested again
_DOC_FTS_VALUES = "{p}.rowid, {p}.title, {p}.text, " + _FOLD_D.format("coalesce({p}.title, '') || ' ' || coalesce({p}.text, '')")
DOCUMENTS_FTS_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "title, text, folded, content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ai AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text, folded) VALUES (" + _DOC_FTS_VALUES.format(p="new") + "); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ad AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text, folded) VALUES ('delete', "
    + _DOC_FTS_VALUES.format(p="old") + "); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text, folded) VALUES ('delete', "
    + _DOC_FTS_VALUES.format(p="old") + "); "
    "INSERT INTO documents_fts(rowid, title, text, folded) VALUES (" + _DOC_FTS_VALUES.format(p="new") + "); END",
]


def create_documents_schema(db: sqlite_utils.Database) -> None:
    """The ``documents`` and ``articles_documents`` tables and the documents' search index (additive)."""
    if "documents" not in db.table_names():
        db["documents"].create(DOCUMENT_COLUMNS, pk="id", not_null={"url", "status"})
    else:
        db["documents"].add_missing_columns([DOCUMENT_COLUMNS])
    db["articles_documents"].create(
        {"articles_id": str, "documents_id": str},
        pk=("articles_id", "documents_id"),
        foreign_keys=[("articles_id", "articles", "id"), ("documents_id", "documents", "id")],
        if_not_exists=True,
    )
    db["articles_documents"].create_index(["documents_id"], if_not_exists=True)
    db["documents"].create_index(["status"], if_not_exists=True)
    for statement in DOCUMENTS_FTS_SQL:
        db.execute(statement)


def create_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing (tables, columns, indexes, search) and stamp the schema version."""
    if "articles" not in db.table_names():
        db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "title"})
    else:
        had_portal = "portal" in db["articles"].columns_dict
        db["articles"].add_missing_columns([ARTICLE_COLUMNS])
        if not had_portal:  # every article stored before mae.gov.vn was crawled came from monre.gov.vn
            db.execute("UPDATE articles SET portal = 'monre.gov.vn' WHERE portal IS NULL")
    db["categories"].create({"id": int, "name": str}, pk="id", if_not_exists=True)
    db["articles_categories"].create(
        {"articles_id": str, "categories_id": int},
        pk=("articles_id", "categories_id"),
        foreign_keys=[("articles_id", "articles", "id"), ("categories_id", "categories", "id")],
        if_not_exists=True,
    )
    db["article_aliases"].create(
        {"id": str, "url": str, "articles_id": str},
        pk="id",
        foreign_keys=[("articles_id", "articles", "id")],
        if_not_exists=True,
    )
    if "crawl_runs" not in db.table_names():
        db["crawl_runs"].create(CRAWL_RUN_COLUMNS, pk="id")
    else:
        db["crawl_runs"].add_missing_columns([CRAWL_RUN_COLUMNS])
    db["crawl_state"].create(
        {"category": str, "complete": int, "updated_at": str}, pk="category", if_not_exists=True
    )
    db["lost_articles"].create(LOST_ARTICLE_COLUMNS, pk="id", if_not_exists=True)
    db["categories"].create_index(["name"], unique=True, if_not_exists=True)
    db["articles"].create_index(["content_hash"], if_not_exists=True)
    create_search_index(db)
    article_columns = {row[1] for row in db.execute("PRAGMA table_xinfo(articles)")}
    if "published_month" not in article_columns:
        db.execute("ALTER TABLE articles ADD COLUMN published_month TEXT "
                   "GENERATED ALWAYS AS (substr(published_at, 1, 7)) VIRTUAL")
    if "categories" not in article_columns:
        db.execute("ALTER TABLE articles ADD COLUMN categories TEXT")
        db.execute("UPDATE articles SET categories = " + _CATEGORY_NAMES.format("articles.id"))
    for statement in READER_SQL + READER_INDEXES:
        db.execute(statement)
    for name, definition in ARTICLE_HISTORY_COLUMNS.items():
        if name not in article_columns:
            db.execute(f"ALTER TABLE articles ADD COLUMN {name} {definition}")
    for statement in HISTORY_SQL:
        db.execute(statement)
    create_documents_schema(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def check_schema(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    ours = {"articles", "categories", "articles_categories", "crawl_runs"}
    if version == SCHEMA_VERSION:
        return
    if version == 0 and not ours & set(db.table_names()):
        return  # a new, empty database
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, newer than this code's {SCHEMA_VERSION}: "
            "update monre_crawler (git pull; pip install -r requirements.txt)."
        )
    raise StoreError(
        f"{path} has schema version {version}, older than this code's {SCHEMA_VERSION}: "
        f"back it up, then run `python -m monre_crawler.schema upgrade {path}`."
    )


def upgrade(path: str) -> None:
    """Bring an archive written by an older monre_crawler up to this code's schema (additive changes), and
    clean what older versions stored from the portal unchecked (:func:`clean_stored_urls_and_html`)."""
    db = sqlite_utils.Database(path)
    with db.atomic():
        create_schema(db)
        cleaned = clean_stored_urls_and_html(db)
    if cleaned:
        print(f"{path}: {cleaned} article(s) had URLs that are not http(s) or HTML that needed sanitising: cleaned")


def clean_stored_urls_and_html(db: sqlite_utils.Database) -> int:
    """Sanitise ``body_html`` (nh3, :mod:`monre_crawler.sanitize`) and keep only absolute http(s) URLs in
    ``image_urls``, ``attachments`` and ``aliases`` of every article, as the crawler now does before it stores
    them (versions before issue 11 stored ``javascript:`` links and unsanitised HTML). Rows already clean are
    not written. Returns how many rows changed."""
    import json

    from .sanitize import sanitize_html
    from .text import clean
    from .urls import is_safe_url

    def json_list(value):
        try:
            items = json.loads(value or "[]")
        except ValueError:
            return []
        return items if isinstance(items, list) else []

    changed = 0
    for aid, html, images, attachments, aliases in db.execute(
            "SELECT id, body_html, image_urls, attachments, aliases FROM articles").fetchall():
        new = {
            "body_html": clean(sanitize_html(html)) if html else html,
            "image_urls": json.dumps([u for u in json_list(images) if is_safe_url(u)], ensure_ascii=False),
            "attachments": json.dumps([a for a in json_list(attachments)
                                       if isinstance(a, dict) and is_safe_url(a.get("url"))], ensure_ascii=False),
            "aliases": json.dumps([u for u in json_list(aliases) if is_safe_url(u)], ensure_ascii=False),
        }
        old = {"body_html": html, "image_urls": images, "attachments": attachments, "aliases": aliases}
        differs = {k: v for k, v in new.items() if v != old[k] and not (k != "body_html" and json_list(old[k]) == json.loads(v))}
        if differs:
            db.execute(f"UPDATE articles SET {', '.join(f'{k} = ?' for k in differs)} WHERE id = ?",
                       [*differs.values(), aid])
            changed += 1
    return changed


if __name__ == "__main__":  # python -m monre_crawler.schema upgrade PATH
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "upgrade":
        sys.exit("usage: python -m monre_crawler.schema upgrade PATH")
    upgrade(sys.argv[2])
    print(f"{sys.argv[2]}: schema version {SCHEMA_VERSION}")

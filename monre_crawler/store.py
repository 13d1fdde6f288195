"""The SQLite archive: schema, the single-writer lock, batched upserts and the crawl-run log.

One :class:`Store` per crawl, shared by the spider (which asks which listed articles are stored already)
and the pipelines (which write). Writes are buffered and committed in short transactions (``batch_size``
items or ``flush_seconds``, whichever comes first), so a killed crawl loses at most the last batch, which
the next run fetches again, and never leaves a half-written article. The journal is WAL, so readers
(Datasette) never wait for the writer.

Tables (see README "Schema"): ``articles``, ``categories``, ``articles_categories`` (as sqlite-utils'
``m2m`` makes them), ``article_aliases`` (other URLs of reposted articles), ``crawl_runs``,
``crawl_state`` (which categories were crawled to their end) and ``articles_fts`` (full-text search that
forgives missing diacritics: the tokenizer folds tone marks and case, the ``folded`` column folds đ to d).
``articles.published_month`` and ``articles.categories`` are derived columns for Datasette's facets.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sqlite3
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

SCHEMA_VERSION = 1


class StoreError(Exception):
    """The database cannot be used: the message says why and what to do."""


class CrawlLocked(StoreError):
    """Another crawl is writing this database."""


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    "errors": int,
    "args": str,
    "fields": str,
    "message": str,
}

_FOLD_D = "replace(replace({0}, 'đ', 'd'), 'Đ', 'D')"
_FTS_VALUES = (
    "{p}.rowid, {p}.title, {p}.summary, {p}.body_text, "
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
    "title, summary, body_text, folded, content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, summary, body_text, folded) VALUES ("
    + _FTS_VALUES.format(p="new") + "); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, summary, body_text, folded) VALUES ('delete', "
    + _FTS_VALUES.format(p="old") + "); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, summary, body_text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, summary, body_text, folded) VALUES ('delete', "
    + _FTS_VALUES.format(p="old") + "); "
    "INSERT INTO articles_fts(rowid, title, summary, body_text, folded) VALUES ("
    + _FTS_VALUES.format(p="new") + "); END",
]


def create_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing (tables, columns, indexes, search) and stamp the schema version."""
    if "articles" not in db.table_names():
        db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "title"})
    else:
        db["articles"].add_missing_columns([ARTICLE_COLUMNS])
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
    db["categories"].create_index(["name"], unique=True, if_not_exists=True)
    db["articles"].create_index(["content_hash"], if_not_exists=True)
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["articles_categories"].create_index(["categories_id"], if_not_exists=True)
    for statement in FTS_SQL:
        db.execute(statement)
    article_columns = {row[1] for row in db.execute("PRAGMA table_xinfo(articles)")}
    if "published_month" not in article_columns:
        db.execute("ALTER TABLE articles ADD COLUMN published_month TEXT "
                   "GENERATED ALWAYS AS (substr(published_at, 1, 7)) VIRTUAL")
    if "categories" not in article_columns:
        db.execute("ALTER TABLE articles ADD COLUMN categories TEXT")
        db.execute("UPDATE articles SET categories = " + _CATEGORY_NAMES.format("articles.id"))
    for statement in READER_SQL:
        db.execute(statement)
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
        f"back it up, then run `python -m monre_crawler.store upgrade {path}`."
    )


class Store:
    def __init__(self, db: sqlite_utils.Database, path: str, batch_size: int = 100, flush_seconds: float = 5.0,
                 stats=None):
        self.db = db
        self.conn = db.conn
        self.path = path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.stats = stats
        self.counts: Counter = Counter()
        self._articles: list = []
        self._sightings: list = []
        self._buffered_ids: set[str] = set()
        self._oldest = 0.0
        self._category_ids: dict[str, int] = {}
        self._lock_file = None

    # --- opening ------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str, *, lock: bool = True, **kwargs) -> "Store":
        """Open (creating if needed) the archive for writing; raise StoreError with a clear message."""
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {path}: {exc.strerror or exc}") from exc
        lock_file = None
        if lock:
            lock_file = cls._acquire_lock(path)
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            db = sqlite_utils.Database(conn)
            conn.execute("PRAGMA busy_timeout = 30000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{path}: SQLite could not switch to WAL journaling (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            check_schema(db)
            with db.atomic():
                create_schema(db)
        except sqlite3.DatabaseError as exc:
            if lock_file:
                lock_file.close()
            raise StoreError(f"cannot write the database {path}: {_explain(exc)}") from exc
        store = cls(db, path, **kwargs)
        store._lock_file = lock_file
        return store

    @classmethod
    def for_crawler(cls, crawler) -> "Store":
        """The crawl's one Store (opened by the crawl command before the crawl, or here on first use)."""
        store = getattr(crawler, "monre_store", None)
        if store is None:
            settings = crawler.settings
            store = cls.open(
                settings.get("SQLITE_PATH"),
                batch_size=settings.getint("SQLITE_BATCH_SIZE", 100),
                flush_seconds=settings.getfloat("SQLITE_FLUSH_SECONDS", 5.0),
            )
            crawler.monre_store = store
        return store

    @staticmethod
    def _acquire_lock(path: str):
        lock_path = f"{path}.lock"
        try:
            handle = open(lock_path, "a+")
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {lock_path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise CrawlLocked(f"another crawl ({holder}) is writing {path}; not starting a second one") from exc
            raise StoreError(f"cannot lock {lock_path}: {exc.strerror or exc}") from exc
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {utcnow()}\n")
            handle.flush()
        except OSError as exc:  # disk full, file size limit: say so instead of a traceback
            handle.close()
            raise StoreError(f"cannot write the lock file {lock_path}: {exc.strerror or exc} (is the disk full?)") from exc
        return handle

    def close(self) -> None:
        self.conn.close()
        if self._lock_file:
            self._lock_file.close()
            self._lock_file = None

    # --- reading ------------------------------------------------------------------------------------
    def known_ids(self, ids: list[str]) -> set[str]:
        """Which of these URL ids are stored (as an article or as an alias) or waiting to be written."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT id FROM articles WHERE id IN ({marks}) UNION SELECT id FROM article_aliases WHERE id IN ({marks})",
            [*ids, *ids],
        )
        return {row[0] for row in rows} | (self._buffered_ids & set(ids))

    def category_complete(self, category: str) -> bool:
        row = self.conn.execute("SELECT complete FROM crawl_state WHERE category = ?", [category]).fetchone()
        return bool(row and row[0])

    def set_category_state(self, categories, complete: bool) -> None:
        with self.db.atomic():
            self.conn.executemany(
                "INSERT INTO crawl_state (category, complete, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(category) DO UPDATE SET complete = excluded.complete, updated_at = excluded.updated_at",
                [(c, int(complete), utcnow()) for c in categories],
            )

    # --- writing ------------------------------------------------------------------------------------
    def add_article(self, article: dict) -> None:
        if not self._articles and not self._sightings:
            self._oldest = time.monotonic()
        self._articles.append(article)
        self._buffered_ids.add(article["id"])
        self._maybe_flush()

    def add_sighting(self, category: str, ids: list[str]) -> None:
        if not self._articles and not self._sightings:
            self._oldest = time.monotonic()
        self._sightings.append((category, ids))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._articles) + len(self._sightings) >= self.batch_size or (
            time.monotonic() - self._oldest >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> Counter:
        """Write the buffer in one transaction; return what happened to it."""
        if not self._articles and not self._sightings:
            return Counter()
        outcome: Counter = Counter()
        now = utcnow()
        with self.db.atomic():
            self._write_articles(self._articles, now, outcome)
            self._write_sightings(self._sightings, now)
        self._articles, self._sightings = [], []
        self._buffered_ids.clear()
        self.counts.update(outcome)
        if self.stats is not None:
            for key, value in outcome.items():
                self.stats.inc_value(f"monre/items/{key}", value)
        return outcome

    def _category_id(self, name: str) -> int:
        if name not in self._category_ids:
            self.conn.execute("INSERT OR IGNORE INTO categories (name) VALUES (?)", [name])
            row = self.conn.execute("SELECT id FROM categories WHERE name = ?", [name]).fetchone()
            self._category_ids[name] = row[0]
        return self._category_ids[name]

    def _link(self, article_id: str, categories) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO articles_categories (articles_id, categories_id) VALUES (?, ?)",
            [(article_id, self._category_id(c)) for c in categories],
        )

    def _write_articles(self, articles: list[dict], now: str, outcome: Counter) -> None:
        if not articles:
            return
        ids = [a["id"] for a in articles]
        hashes = [a["content_hash"] for a in articles]
        marks = ",".join("?" * len(articles))
        stored = dict(self.conn.execute(f"SELECT id, content_hash FROM articles WHERE id IN ({marks})", ids))
        aliased = dict(self.conn.execute(f"SELECT id, articles_id FROM article_aliases WHERE id IN ({marks})", ids))
        by_hash = {h: i for i, h in self.conn.execute(
            f"SELECT id, content_hash FROM articles WHERE content_hash IN ({marks})", hashes)}
        for article in articles:
            aid, chash = article["id"], article["content_hash"]
            if aid in aliased:  # a known repost URL, fetched again
                self._touch(aliased[aid], article["categories"], now)
                outcome["duplicate"] += 1
            elif aid in stored:
                if stored[aid] != chash:
                    self._update(article, now)
                    stored[aid] = chash
                    by_hash[chash] = aid
                    outcome["updated"] += 1
                else:
                    outcome["unchanged"] += 1
                self._touch(aid, article["categories"], now)
            elif chash in by_hash and by_hash[chash] != aid:  # the same article under another URL
                target = by_hash[chash]
                if _is_repost_of(self._url(target), article["url"]):  # the original came second
                    self._rekey(target, article, now)
                    stored[aid] = chash
                    by_hash[chash] = aid
                else:
                    self._alias(target, article, now)
                outcome["duplicate"] += 1
            else:
                self._insert(article, now)
                stored[aid] = chash
                by_hash[chash] = aid
                outcome["new"] += 1

    def _insert(self, article: dict, now: str) -> None:
        row = _row(article)
        row.update(aliases="[]", first_seen_at=now, last_seen_at=now)
        columns = ", ".join(row)
        self.conn.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        self._link(article["id"], article["categories"])

    def _update(self, article: dict, now: str) -> None:
        row = _row(article)
        aid = row.pop("id")
        assignments = ", ".join(f"{c} = ?" for c in row)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), aid])

    def _touch(self, aid: str, categories, now: str) -> None:
        self.conn.execute("UPDATE articles SET last_seen_at = ? WHERE id = ?", [now, aid])
        self._link(aid, categories)

    def _alias(self, target: str, article: dict, now: str) -> None:
        (aliases,) = self.conn.execute("SELECT aliases FROM articles WHERE id = ?", [target]).fetchone()
        urls = json.loads(aliases or "[]")
        if article["url"] not in urls:
            urls.append(article["url"])
        self.conn.execute("UPDATE articles SET aliases = ?, last_seen_at = ? WHERE id = ?",
                          [json.dumps(urls, ensure_ascii=False), now, target])
        self.conn.execute("INSERT OR IGNORE INTO article_aliases (id, url, articles_id) VALUES (?, ?, ?)",
                          [article["id"], article["url"], target])
        self._link(target, article["categories"])

    def _url(self, aid: str) -> str:
        return self.conn.execute("SELECT url FROM articles WHERE id = ?", [aid]).fetchone()[0]

    def _rekey(self, old: str, article: dict, now: str) -> None:
        """Make ``article`` (the original) the row that a repost of it was stored as; the repost becomes an alias."""
        old_url, aliases = self.conn.execute("SELECT url, aliases FROM articles WHERE id = ?", [old]).fetchone()
        urls = [old_url] + [u for u in json.loads(aliases or "[]") if u != article["url"]]
        new = article["id"]
        self.conn.execute("UPDATE articles SET id = ?, url = ?, aliases = ?, last_seen_at = ? WHERE id = ?",
                          [new, article["url"], json.dumps(urls, ensure_ascii=False), now, old])
        self.conn.execute("UPDATE articles_categories SET articles_id = ? WHERE articles_id = ?", [new, old])
        self.conn.execute("DELETE FROM article_aliases WHERE id = ?", [new])
        self.conn.execute("UPDATE article_aliases SET articles_id = ? WHERE articles_id = ?", [new, old])
        self.conn.execute("INSERT OR IGNORE INTO article_aliases (id, url, articles_id) VALUES (?, ?, ?)",
                          [old, old_url, new])
        self._link(new, article["categories"])

    def _write_sightings(self, sightings, now: str) -> None:
        for category, ids in sightings:
            if not ids:
                continue
            marks = ",".join("?" * len(ids))
            targets = [r[0] for r in self.conn.execute(
                f"SELECT id FROM articles WHERE id IN ({marks}) "
                f"UNION SELECT articles_id FROM article_aliases WHERE id IN ({marks})", [*ids, *ids])]
            for target in targets:
                self._touch(target, [category], now)

    # --- crawl runs -----------------------------------------------------------------------------------
    def start_run(self, spider: str, args: dict) -> int:
        with self.db.atomic():
            cursor = self.conn.execute(
                "INSERT INTO crawl_runs (spider, started_at, status, args) VALUES (?, ?, 'running', ?)",
                [spider, utcnow(), json.dumps(args, ensure_ascii=False, sort_keys=True)],
            )
        return cursor.lastrowid

    def finish_run(self, run_id: int, **values) -> None:
        values.setdefault("finished_at", utcnow())
        for key in ("args", "fields"):
            if key in values and not isinstance(values[key], str):
                values[key] = json.dumps(values[key], ensure_ascii=False, sort_keys=True)
        assignments = ", ".join(f"{c} = ?" for c in values)
        with self.db.atomic():
            self.conn.execute(f"UPDATE crawl_runs SET {assignments} WHERE id = ?", [*values.values(), run_id])


_REPOST_SUFFIX = re.compile(r"-\d+$")


def _is_repost_of(url: str, original: str) -> bool:
    """SharePoint publishes a repeated slug as ``<slug>-1``: is ``url`` such a repost of ``original``?"""
    stem, other = urlsplit(url).path.lower().removesuffix(".aspx"), urlsplit(original).path.lower().removesuffix(".aspx")
    return bool(_REPOST_SUFFIX.search(stem)) and _REPOST_SUFFIX.sub("", stem) == other


def _row(article: dict) -> dict:
    row = {c: article.get(c) for c in ARTICLE_COLUMNS if c not in ("aliases", "first_seen_at", "last_seen_at")}
    row["image_urls"] = json.dumps(article.get("image_urls") or [], ensure_ascii=False)
    row["attachments"] = json.dumps(article.get("attachments") or [], ensure_ascii=False)
    return row


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "disk is full" in text or "disk I/O" in text:
        return f"{text} (is the disk full?)"
    if "readonly" in text or "unable to open" in text:
        return f"{text} (check the path and its permissions)"
    return text


def upgrade(path: str) -> None:
    """Bring an archive written by an older monre_crawler up to this code's schema (additive changes)."""
    db = sqlite_utils.Database(path)
    with db.atomic():
        create_schema(db)


if __name__ == "__main__":  # python -m monre_crawler.store upgrade PATH
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "upgrade":
        sys.exit("usage: python -m monre_crawler.store upgrade PATH")
    upgrade(sys.argv[2])
    print(f"{sys.argv[2]}: schema version {SCHEMA_VERSION}")

"""The archive's writer: the single-writer lock, batched upserts, de-duplication and the crawl-run log.

One :class:`Store` per crawl, opened one way (:meth:`Store.from_settings`) by one component, the run
recorder (:class:`monre_crawler.extensions.CrawlRunRecorder`), which closes it when the crawl ends; the
spider (which asks which listed articles are stored already) and the SQLite pipeline (which writes) ask it
through its methods. Writes are buffered and committed in short transactions (``SQLITE_BATCH_SIZE`` items or
``SQLITE_FLUSH_SECONDS``, whichever comes first), so a killed crawl loses at most the last batch, which the
next run fetches again, and never leaves a half-written article. The journal is WAL, so readers
(Datasette) never wait for the writer. The tables are described in :mod:`monre_crawler.schema`.

The store also keeps the history of what the portal edited or removed (the mixin
:class:`monre_crawler.store_history.HistoryStore`), the attached documents
(:class:`monre_crawler.store_documents.DocumentStore`) and the crawl-run log
(:class:`monre_crawler.store_runs.RunStore`).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
import time
import unicodedata
from collections import Counter
from pathlib import Path

import sqlite_utils

from .preflight import check_room
from .schema import ARTICLE_COLUMNS, StoreError, check_schema, create_schema
from .store_documents import DocumentStore
from .store_history import MAX_VARIABLES, VERSION_FIELDS, HistoryStore, chunks, utcnow
from .store_runs import RunStore
from .urls import url_id

__all__ = ["Store", "StoreError", "CrawlLocked", "describe_error", "utcnow"]


class CrawlLocked(StoreError):
    """Another crawl is writing this archive."""


class Store(HistoryStore, DocumentStore, RunStore):
    def __init__(self, db: sqlite_utils.Database, path: str, batch_size: int, flush_seconds: float, stats=None,
                 is_repost_of=None):
        self.db = db
        self.conn = db.conn
        self.path = path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.stats = stats
        # the portal's rule (its profile's ``is_repost_of``): which of two URLs of one article is the repost
        self.is_repost_of = is_repost_of or (lambda url, original: False)
        self.counts: Counter = Counter()
        self._articles: list = []
        self._sightings: list = []
        self._aliases: list = []  # (article id, [its other URLs], the one to make its url or None) to record
        self._buffered_ids: set[str] = set()
        self._oldest = 0.0
        self._category_ids: dict[str, int] = {}
        self._documents_written: dict[str, str] = {}  # document id -> status, for those written by this run
        self._documents: list = []  # (article id, document rows) waiting for the next batch
        self._lock_file = None

    # --- opening ------------------------------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings, stats=None, *, is_repost_of=None, lock: bool = True) -> "Store":
        """Open (creating if needed) the archive ``SQLITE_PATH`` for writing, after checking that its folder
        has ``SQLITE_MIN_FREE_BYTES`` free; raise StoreError with a clear message. With ``stats`` (the
        crawl's), what each flush did is counted into them (``monre/items/<new|updated|…>``). ``is_repost_of``
        (a portal profile's rule) tells, of two URLs with the same content, the repost from the original."""
        path = settings.get("SQLITE_PATH")
        check_room(path, settings.getint("SQLITE_MIN_FREE_BYTES"))
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {path}: {exc.strerror or exc}") from exc
        lock_file = cls._acquire_lock(path) if lock else None
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            db = sqlite_utils.Database(conn)
            conn.execute("PRAGMA busy_timeout = 30000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{path}: SQLite could not switch to WAL journaling (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {settings.getint('SQLITE_WAL_AUTOCHECKPOINT', 1000)}")
            check_schema(db)
            with db.atomic():
                create_schema(db)
        except (sqlite3.DatabaseError, StoreError) as exc:
            if lock_file:
                lock_file.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot write the archive {path}: {describe_error(exc)}") from exc
        store = cls(db, path, batch_size=settings.getint("SQLITE_BATCH_SIZE"),
                    flush_seconds=settings.getfloat("SQLITE_FLUSH_SECONDS"), stats=stats, is_repost_of=is_repost_of)
        store._lock_file = lock_file
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
        found = set()
        for part in chunks(list(ids), MAX_VARIABLES // 2):  # each id is sent twice
            marks = ",".join("?" * len(part))
            found.update(row[0] for row in self.conn.execute(
                f"SELECT id FROM articles WHERE id IN ({marks}) UNION SELECT id FROM article_aliases WHERE id IN ({marks})",
                [*part, *part]))
        return found | (self._buffered_ids & set(ids))

    def highest_item_id(self, prefix: str) -> int | None:
        """The highest numeric id among stored articles keyed ``<prefix><number>`` (mae: ``mae-19022``)."""
        self.flush()
        row = self.conn.execute(
            "SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM articles WHERE id LIKE ? || '%'",
            [len(prefix) + 1, prefix]).fetchone()
        return row[0] if row and row[0] is not None else None

    # --- writing ------------------------------------------------------------------------------------
    def add_article(self, article: dict) -> None:
        if not self._articles and not self._sightings and not self._aliases and not self._documents:
            self._oldest = time.monotonic()
        self._articles.append(article)
        self._buffered_ids.add(article["id"])
        self._maybe_flush()

    def add_sighting(self, category: str, ids: list[str]) -> None:
        if not self._articles and not self._sightings and not self._aliases and not self._documents:
            self._oldest = time.monotonic()
        self._sightings.append((category, ids))
        self._maybe_flush()

    def add_aliases(self, article_id: str, urls: list[str], primary: str | None = None) -> None:
        """Record other URLs of a stored (or buffered) article; written after the buffered articles.
        ``primary`` (one of them) becomes the article's ``url``, its ``url`` until then an alias."""
        if not self._articles and not self._sightings and not self._aliases and not self._documents:
            self._oldest = time.monotonic()
        self._aliases.append((article_id, list(urls), primary))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._articles) + len(self._sightings) + len(self._aliases) + len(self._documents) >= self.batch_size or (
            time.monotonic() - self._oldest >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> Counter:
        """Write the buffer in one transaction; return what happened to it."""
        if not self._articles and not self._sightings and not self._aliases and not self._documents:
            return Counter()
        outcome: Counter = Counter()
        now = utcnow()
        documents_written = dict(self._documents_written)
        try:
            with self.db.atomic():
                self._write_articles(self._articles, now, outcome)
                self._write_sightings(self._sightings, now)
                for article_id, urls, primary in self._aliases:
                    self._add_urls(article_id, urls)
                    if primary:
                        self._make_primary(article_id, primary)
                self._write_document_batch(self._documents)
        except Exception:
            # Rolled back: forget what this transaction wrote (category ids, documents), or a later flush of
            # the same buffer (the pipeline's close) would link to rows that do not exist.
            self._category_ids.clear()
            self._documents_written = documents_written
            raise
        self._articles, self._sightings, self._aliases, self._documents = [], [], [], []
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
        texts = self._stored_texts(ids)
        stored = {article_id: row["content_hash"] for article_id, row in texts.items()}
        aliased, by_hash = {}, {}
        for part in chunks(ids):
            marks = ",".join("?" * len(part))
            aliased.update(self.conn.execute(f"SELECT id, articles_id FROM article_aliases WHERE id IN ({marks})", part))
        for part in chunks(hashes):
            marks = ",".join("?" * len(part))
            by_hash.update((h, i) for i, h in self.conn.execute(
                f"SELECT id, content_hash FROM articles WHERE content_hash IN ({marks})", part))
        for part in chunks(ids):
            self.conn.execute(f"DELETE FROM lost_articles WHERE id IN ({','.join('?' * len(part))})", part)  # stored now
        for article in articles:
            article_id, chash = article["id"], article["content_hash"]
            if article_id in aliased:  # a known repost URL, fetched again
                self._mark_seen(aliased[article_id], article["categories"], now)
                outcome["duplicate"] += 1
            elif article_id in stored:
                old = texts.get(article_id)
                if old is not None and old["removed_at"] and self._mark_present(article_id, now):
                    outcome["reappeared"] += 1
                # The hash covers the title, date and body; the lead is compared apart (an edit of it alone
                # is an edit too).
                if stored[article_id] != chash or (
                        old is not None and (old["summary"] or "") != (article.get("summary") or "")):
                    if old is not None and content_changed(old, article):
                        if old["template"] == article.get("template"):
                            self._record_version(old, article, now)
                            outcome["edited"] += 1
                        else:  # read through another layout: the text may differ by the reading, not the edit
                            outcome["relaid_out"] += 1
                    if old is not None:  # a second copy of it in this batch compares with this one
                        texts[article_id] = {**old, **{f: article.get(f) for f in VERSION_FIELDS},
                                             "content_hash": chash, "changed_at": now, "removed_at": None}
                    self._update(article, now)
                    stored[article_id] = chash
                    by_hash[chash] = article_id
                    outcome["updated"] += 1
                else:
                    outcome["unchanged"] += 1
                self._mark_seen(article_id, article["categories"], now)
            elif chash in by_hash and by_hash[chash] != article_id:  # the same article under another URL
                target = by_hash[chash]
                if self.is_repost_of(self._url(target), article["url"]):  # the original came second
                    self._rekey(target, article, now)
                    stored[article_id] = chash
                    by_hash[chash] = article_id
                else:
                    self._alias(target, article, now)
                outcome["duplicate"] += 1
            else:
                self._insert(article, now)
                stored[article_id] = chash
                by_hash[chash] = article_id
                outcome["new"] += 1

    def _insert(self, article: dict, now: str) -> None:
        row = _row(article)
        row.update(aliases="[]", first_seen_at=now, last_seen_at=now)
        columns = ", ".join(row)
        self.conn.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        self._link(article["id"], article["categories"])
        self._add_urls(article["id"], article.get("aliases") or ())

    def _update(self, article: dict, now: str) -> None:
        row = _row(article)
        article_id = row.pop("id")
        assignments = ", ".join(f"{c} = ?" for c in row)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), article_id])
        self._add_urls(article_id, article.get("aliases") or ())

    def _add_urls(self, article_id: str, urls) -> None:
        """Record ``urls`` as other URLs of an article (its aliases; mae.gov.vn: its other URL forms), once each."""
        if not urls:
            return
        found = self.conn.execute("SELECT url, aliases FROM articles WHERE id = ?", [article_id]).fetchone()
        if found is None:
            return
        own, aliases = found
        known = json.loads(aliases or "[]")
        added = [u for u in dict.fromkeys(urls) if u != own and u not in known]
        if not added:
            return
        self.conn.execute("UPDATE articles SET aliases = ? WHERE id = ?",
                          [json.dumps(known + added, ensure_ascii=False), article_id])
        self.conn.executemany("INSERT OR IGNORE INTO article_aliases (id, url, articles_id) VALUES (?, ?, ?)",
                              [(url_id(u), u, article_id) for u in added])

    def _make_primary(self, article_id: str, url: str) -> None:
        """Make ``url`` (an alias of the article) its ``url``; the ``url`` until then becomes an alias."""
        found = self.conn.execute("SELECT url, aliases FROM articles WHERE id = ?", [article_id]).fetchone()
        if found is None or found[0] == url:
            return
        old, aliases = found
        urls = [u for u in json.loads(aliases or "[]") if u != url]
        urls.insert(0, old)
        self.conn.execute("UPDATE articles SET url = ?, aliases = ? WHERE id = ?",
                          [url, json.dumps(urls, ensure_ascii=False), article_id])
        self.conn.execute("DELETE FROM article_aliases WHERE id = ? AND articles_id = ?", [url_id(url), article_id])
        self.conn.execute("INSERT OR IGNORE INTO article_aliases (id, url, articles_id) VALUES (?, ?, ?)",
                          [url_id(old), old, article_id])

    def _mark_seen(self, article_id: str, categories, now: str) -> None:
        self.conn.execute("UPDATE articles SET last_seen_at = ? WHERE id = ?", [now, article_id])
        self._link(article_id, categories)

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

    def _url(self, article_id: str) -> str:
        return self.conn.execute("SELECT url FROM articles WHERE id = ?", [article_id]).fetchone()[0]

    def _rekey(self, old: str, article: dict, now: str) -> None:
        """Make ``article`` (the original) the row that a repost of it was stored as; the repost becomes an alias."""
        old_url, aliases = self.conn.execute("SELECT url, aliases FROM articles WHERE id = ?", [old]).fetchone()
        urls = [old_url] + [u for u in json.loads(aliases or "[]") if u != article["url"]]
        new = article["id"]
        self.conn.execute("UPDATE articles SET id = ?, url = ?, aliases = ?, last_seen_at = ? WHERE id = ?",
                          [new, article["url"], json.dumps(urls, ensure_ascii=False), now, old])
        self.conn.execute("UPDATE articles_categories SET articles_id = ? WHERE articles_id = ?", [new, old])
        self.conn.execute("UPDATE OR IGNORE articles_documents SET articles_id = ? WHERE articles_id = ?", [new, old])
        self.conn.execute("DELETE FROM article_aliases WHERE id = ?", [new])
        self.conn.execute("UPDATE article_aliases SET articles_id = ? WHERE articles_id = ?", [new, old])
        self.conn.execute("UPDATE article_versions SET article_id = ? WHERE article_id = ?", [new, old])
        self.conn.execute("UPDATE article_events SET article_id = ? WHERE article_id = ?", [new, old])
        self.conn.execute("INSERT OR IGNORE INTO article_aliases (id, url, articles_id) VALUES (?, ?, ?)",
                          [old, old_url, new])
        self._link(new, article["categories"])

    def _write_sightings(self, sightings, now: str) -> None:
        for category, ids in sightings:
            for part in chunks(list(ids), MAX_VARIABLES // 2):  # each id is sent twice
                marks = ",".join("?" * len(part))
                targets = [r[0] for r in self.conn.execute(
                    f"SELECT id FROM articles WHERE id IN ({marks}) "
                    f"UNION SELECT articles_id FROM article_aliases WHERE id IN ({marks})", [*part, *part])]
                for target in targets:
                    self._mark_seen(target, [category], now)


def content_changed(old: dict, new: dict) -> bool:
    """Did the article's own content (title, lead, body text) change? Compared in NFC."""
    return any(unicodedata.normalize("NFC", old.get(f) or "") != unicodedata.normalize("NFC", new.get(f) or "")
               for f in VERSION_FIELDS)


def _row(article: dict) -> dict:
    row = {c: article.get(c) for c in ARTICLE_COLUMNS if c not in ("aliases", "first_seen_at", "last_seen_at")}
    row["image_urls"] = json.dumps(article.get("image_urls") or [], ensure_ascii=False)
    row["attachments"] = json.dumps(article.get("attachments") or [], ensure_ascii=False)
    return row


def describe_error(exc: Exception) -> str:
    """An SQLite error, with a hint at the likely cause (a full disk, a path or its permissions)."""
    text = str(exc)
    if "disk is full" in text or "disk I/O" in text:
        return f"{text} (is the disk full?)"
    if "readonly" in text or "unable to open" in text:
        return f"{text} (check the path and its permissions)"
    return text

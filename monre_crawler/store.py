"""The archive's writer: the single-writer lock, batched upserts, de-duplication and the crawl-run log.

One :class:`Store` per crawl, opened one way (:meth:`Store.from_settings`) by one component, the run
recorder (:class:`monre_crawler.extensions.CrawlRunRecorder`), which closes it when the crawl ends; the
spider (which asks which listed articles are stored already) and the SQLite pipeline (which writes) ask it
through its methods. Writes are buffered and committed in short transactions (``SQLITE_BATCH_SIZE`` items or
``SQLITE_FLUSH_SECONDS``, whichever comes first), so a killed crawl loses at most the last batch, which the
next run fetches again, and never leaves a half-written article. The journal is WAL, so readers
(Datasette) never wait for the writer. The tables are described in :mod:`monre_crawler.schema`.

The store also keeps the history of what the portal edited or removed: when a stored article comes back
with its own content changed — its title, lead (``summary``) or body text, compared in NFC — the earlier
and the new text go to ``article_versions`` (:meth:`Store._record_version`); a change of anything else the
crawler stores (the date, images, source line) updates the article without a version, and so does a text
read through another layout than the stored one (``template``: after a redesign, or a generic fallback
instead of a layout's selectors, the text can differ by the reading alone; counted as ``relaid_out``). The page's chrome
(header date, menus, sidebar) is never among the extracted fields. The spider reports removals
(:meth:`Store.mark_removed`); an article fetched again is on the portal (its mark is cleared).
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
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .preflight import check_room
from .schema import ARTICLE_COLUMNS, DOCUMENT_COLUMNS, StoreError, check_schema, create_schema
from .urls import url_id

__all__ = ["Store", "StoreError", "CrawlLocked", "describe_error", "utcnow"]


# The article's own content: a change of one of these is an edit (a new version).
VERSION_FIELDS = ("title", "summary", "body_text")
_STORED_FIELDS = ("id, title, summary, body_text, content_hash, template, first_seen_at, changed_at, versions, "
                  "removed_at")


class CrawlLocked(StoreError):
    """Another crawl is writing this database."""


# SQLite takes at most 999 variables per statement before 3.32 (32,766 since): every list of values goes
# in chunks below the older limit, whatever a listing page lists.
MAX_VARIABLES = 900


def chunks(values: list, size: int = MAX_VARIABLES):
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
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
            check_schema(db)
            with db.atomic():
                create_schema(db)
        except (sqlite3.DatabaseError, StoreError) as exc:
            if lock_file:
                lock_file.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot write the database {path}: {describe_error(exc)}") from exc
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

    def lost_articles(self, portal: str) -> list[tuple[str, str, list[str]]]:
        """Articles of ``portal`` that earlier runs lost and no run has stored since: (id, URL, categories),
        oldest loss first."""
        rows = self.conn.execute("SELECT id, url, categories FROM lost_articles WHERE portal = ? "
                                 "ORDER BY first_lost_at, id", [portal])
        return [(article_id, url, json.loads(categories or "[]")) for article_id, url, categories in rows]

    def record_lost(self, run_id: int, portal: str, losses) -> None:
        """Remember the articles this run lost (``lost_articles``), for the next runs to fetch again; each is
        a :class:`monre_crawler.state.Loss` of an article."""
        now = utcnow()
        with self.db.atomic():
            self.conn.executemany(
                "INSERT INTO lost_articles (id, portal, url, categories, reason, first_lost_at, last_lost_at, "
                "last_run, runs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(id) DO UPDATE SET "
                "portal = excluded.portal, url = excluded.url, categories = excluded.categories, "
                "reason = excluded.reason, last_lost_at = excluded.last_lost_at, last_run = excluded.last_run, "
                "runs = runs + 1",
                [(loss.article_id, portal, loss.url, json.dumps(sorted(loss.categories), ensure_ascii=False),
                  loss.reason, now, now, run_id) for loss in losses])

    def forget_lost(self, ids) -> None:
        """These articles are no longer lost (fetched again: stored, a dead link, not an article)."""
        ids = list(ids)
        with self.db.atomic():
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                self.conn.execute(f"DELETE FROM lost_articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)

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

    # --- history: re-checks, versions and removals ----------------------------------------------------------
    def recheck_candidates(self, portal: str, since: str | None) -> list[tuple[str, str, str, str]]:
        """``(id, url, title, published_at)`` of the articles of ``portal`` a run re-checks: published on or
        after ``since`` (``YYYY-MM-DD``), or, undated, first stored on or after it; every article of the
        portal when ``since`` is None. Removed ones included (so that a reappearance is noticed). Newest first."""
        columns = "SELECT id, url, title, published_at FROM articles WHERE portal = ?"
        order = "ORDER BY published_at DESC NULLS LAST, id"
        if since is None:
            return list(self.conn.execute(f"{columns} {order}", [portal]))
        return list(self.conn.execute(
            f"{columns} AND (published_at >= ? OR (published_at IS NULL AND first_seen_at >= ?)) {order}",
            [portal, since, since]))

    def removed_ids(self, ids) -> set[str]:
        """Which of these stored articles are marked removed."""
        found: set[str] = set()
        for part in chunks(list(ids)):
            found |= {r[0] for r in self.conn.execute(
                f"SELECT id FROM articles WHERE removed_at IS NOT NULL AND id IN ({','.join('?' * len(part))})",
                part)}
        return found

    def mark_removed(self, article_id: str, detail: str) -> bool:
        """The portal no longer serves this stored article: mark it, once (the time it was first found gone),
        never delete it. True if newly marked."""
        now = utcnow()
        with self.db.atomic():
            cursor = self.conn.execute("UPDATE articles SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                                       [now, article_id])
            if cursor.rowcount:
                self.conn.execute("INSERT INTO article_events (article_id, at, event, detail) "
                                  "VALUES (?, ?, 'removed', ?)", [article_id, now, detail])
        if cursor.rowcount:
            self.counts["removed"] += 1
            if self.stats is not None:
                self.stats.inc_value("monre/items/removed")
        return bool(cursor.rowcount)

    def _mark_present(self, article_id: str, now: str) -> bool:
        """The portal serves the article again: clear its removal mark and record it. True if it was marked."""
        cursor = self.conn.execute("UPDATE articles SET removed_at = NULL WHERE id = ? AND removed_at IS NOT NULL",
                                   [article_id])
        if cursor.rowcount:
            self.conn.execute("INSERT INTO article_events (article_id, at, event) VALUES (?, ?, 'reappeared')",
                              [article_id, now])
        return bool(cursor.rowcount)

    def _stored_texts(self, ids: list[str]) -> dict[str, dict]:
        """The stored text and history columns of these articles."""
        found: dict[str, dict] = {}
        for part in chunks(ids):
            cursor = self.conn.execute(
                f"SELECT {_STORED_FIELDS} FROM articles WHERE id IN ({','.join('?' * len(part))})", part)
            names = [d[0] for d in cursor.description]
            for row in cursor:
                found[row[0]] = dict(zip(names, row))
        return found

    def _record_version(self, old: dict, new: dict, now: str) -> int:
        """Keep ``old`` (the stored row) and ``new`` (the article fetched now) as versions; return the new
        number. The caller then writes ``new`` into ``articles`` as the latest text."""
        article_id = old["id"]
        insert = ("INSERT INTO article_versions (article_id, version, seen_at, title, summary, body_text, "
                  "content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
        count = self.conn.execute("SELECT max(version) FROM article_versions WHERE article_id = ?",
                                  [article_id]).fetchone()[0]
        if not count:  # the first change: the text stored until now becomes version 1
            self.conn.execute(insert, [article_id, 1, old.get("changed_at") or old.get("first_seen_at") or now,
                                       old.get("title"), old.get("summary"), old.get("body_text"),
                                       old.get("content_hash")])
            count = 1
        version = count + 1
        self.conn.execute(insert, [article_id, version, now, new.get("title"), new.get("summary"),
                                   new.get("body_text"), new.get("content_hash")])
        self.conn.execute("UPDATE articles SET versions = ?, changed_at = ? WHERE id = ?", [version, now, article_id])
        self.conn.execute("INSERT INTO article_events (article_id, at, event, version) VALUES (?, ?, 'edited', ?)",
                          [article_id, now, version])
        return version

    # --- attached documents ------------------------------------------------------------------------------
    def document_states(self, ids: list[str]) -> dict[str, str]:
        """The ``status`` of those of ``ids`` that are stored documents (or written by this run)."""
        states: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):  # SQLite limits the variables of one statement
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            states.update(self.conn.execute(f"SELECT id, status FROM documents WHERE id IN ({marks})", chunk))
        states.update({i: self._documents_written[i] for i in unique if i in self._documents_written})
        return states

    def add_documents(self, article_id: str, documents: list[dict]) -> None:
        """Store an article's documents and link them to it, with the next batch (after its article)."""
        if not documents:
            return
        if not self._articles and not self._sightings and not self._aliases and not self._documents:
            self._oldest = time.monotonic()
        self._documents.append((article_id, documents))
        self._maybe_flush()

    def _write_document_batch(self, batch) -> None:
        for article_id, documents in batch:
            # The row the article is stored as: itself, or the original it reposts.
            row = self.conn.execute("SELECT id FROM articles WHERE id = ? UNION ALL "
                                    "SELECT articles_id FROM article_aliases WHERE id = ? LIMIT 1",
                                    [article_id, article_id]).fetchone()
            if row is None:  # its article was not stored (dropped): nothing to link the documents to
                continue
            self._write_documents(row[0], documents)

    def _write_documents(self, article_id: str, documents: list[dict]) -> None:
        """Upsert each document once per run (``attempts`` counts runs that tried) and link it to the article."""
        for doc in documents:
            if "status" in doc and doc["id"] not in self._documents_written:
                row = {c: doc.get(c) for c in DOCUMENT_COLUMNS if c != "attempts"}
                columns = ", ".join(row)
                updates = ", ".join(f"{c} = excluded.{c}" for c in row if c not in ("id", "url", "title"))
                self.conn.execute(
                    f"INSERT INTO documents ({columns}, attempts) VALUES ({', '.join('?' * len(row))}, 1) "
                    f"ON CONFLICT(id) DO UPDATE SET {updates}, title = coalesce(documents.title, excluded.title), "
                    "attempts = coalesce(documents.attempts, 0) + 1",
                    list(row.values()),
                )
                self._documents_written[doc["id"]] = doc["status"]
            self.conn.execute("INSERT OR IGNORE INTO articles_documents (articles_id, documents_id) VALUES (?, ?)",
                              [article_id, doc["id"]])

    def documents_to_retry(self, portal: str) -> list[tuple[str, list[dict]]]:
        """The documents earlier runs did not archive, each with one article of ``portal`` that links it:
        ``[(article id, [{"url", "title"}, …]), …]``. Those are the ``failed`` ones, and the attachments of
        stored articles that no run has handled (a run killed while downloading them, an archive written
        before documents were archived): the caller keeps those of the portal's own site."""
        found: dict[str, list[dict]] = {}
        rows = self.conn.execute(
            "SELECT min(ad.articles_id), d.url, d.title FROM documents d "
            "JOIN articles_documents ad ON ad.documents_id = d.id JOIN articles a ON a.id = ad.articles_id "
            "WHERE d.status = 'failed' AND a.portal = ? GROUP BY d.id ORDER BY d.id", [portal])
        for article_id, url, title in rows:
            found.setdefault(article_id, []).append({"url": url, "title": title})
        unlinked = self.conn.execute(
            "SELECT a.id, json_extract(j.value, '$.url'), json_extract(j.value, '$.title') "
            "FROM articles a, json_each(a.attachments) j "
            "WHERE a.portal = ? AND a.attachments IS NOT NULL AND a.attachments != '[]' AND json_valid(a.attachments) "
            "AND NOT EXISTS (SELECT 1 FROM articles_documents ad JOIN documents d ON d.id = ad.documents_id "
            "WHERE ad.articles_id = a.id AND d.url = json_extract(j.value, '$.url')) ORDER BY a.id", [portal])
        for article_id, url, title in unlinked:
            if url and not any(a["url"] == url for a in found.get(article_id, ())):
                found.setdefault(article_id, []).append({"url": url, "title": title})
        return list(found.items())

    # --- crawl runs -----------------------------------------------------------------------------------
    def fail_interrupted_runs(self) -> None:
        """Runs still ``running`` were killed (a crawl holds the lock while it runs): record them as failed."""
        self.conn.execute(
            "UPDATE crawl_runs SET status = 'failed', finish_reason = coalesce(finish_reason, 'killed') "
            "WHERE status = 'running'"
        )

    def start_run(self, spider: str, args: dict) -> int:
        with self.db.atomic():
            cursor = self.conn.execute(
                "INSERT INTO crawl_runs (spider, started_at, status, args) VALUES (?, ?, 'running', ?)",
                [spider, utcnow(), json.dumps(args, ensure_ascii=False, sort_keys=True)],
            )
        return cursor.lastrowid

    def record_progress(self, run_id: int, **values) -> None:
        """A running crawl's counts so far (``monre_crawler.progress``); its status stays ``running``."""
        assignments = ", ".join(f"{c} = ?" for c in values)
        with self.db.atomic():
            self.conn.execute(f"UPDATE crawl_runs SET {assignments} WHERE id = ? AND status = 'running'",
                              [*values.values(), run_id])

    def finish_run(self, run_id: int, **values) -> None:
        values.setdefault("finished_at", utcnow())
        for key in ("args", "fields", "lost", "documents"):
            if key in values and not isinstance(values[key], str):
                values[key] = json.dumps(values[key], ensure_ascii=False, sort_keys=True)
        assignments = ", ".join(f"{c} = ?" for c in values)
        with self.db.atomic():
            self.conn.execute(f"UPDATE crawl_runs SET {assignments} WHERE id = ?", [*values.values(), run_id])


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

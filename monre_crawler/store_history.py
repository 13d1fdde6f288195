"""The article history part of :class:`monre_crawler.store.Store`: re-checks, versions and removals.

:class:`HistoryStore` is a mixin of :class:`~monre_crawler.store.Store` (it uses its ``db``, ``conn``,
``counts`` and ``stats``). When a stored article comes back with its own content changed — its title, lead
(``summary``) or body text, compared in NFC — the earlier and the new text go to ``article_versions``
(:meth:`HistoryStore._record_version`); a change of anything else the crawler stores (the date, images,
source line) updates the article without a version, and so does a text read through another layout than the
stored one (``template``: after a redesign, or a generic fallback instead of a layout's selectors, the text can
differ by the reading alone; counted as ``relaid_out``). The page's chrome (header date, menus, sidebar) is
never among the extracted fields. The spider re-checks stored articles (:meth:`HistoryStore.recheck_candidates`)
and reports removals (:meth:`HistoryStore.mark_removed`); an article fetched again is on the portal (its mark
is cleared). The module also holds helpers the store's modules share: :func:`chunks`, :func:`utcnow`,
:data:`VERSION_FIELDS`, :data:`STORED_FIELDS`.
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["HistoryStore", "MAX_VARIABLES", "STORED_FIELDS", "VERSION_FIELDS", "chunks", "utcnow"]


# The article's own content: a change of one of these is an edit (a new version).
VERSION_FIELDS = ("title", "summary", "body_text")
STORED_FIELDS = ("id, title, summary, body_text, content_hash, template, first_seen_at, changed_at, versions, "
                 "removed_at")

# SQLite takes at most 999 variables per statement before 3.32 (32,766 since): every list of values goes
# in chunks below the older limit, whatever a listing page lists.
MAX_VARIABLES = 900


def chunks(values: list, size: int = MAX_VARIABLES):
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class HistoryStore:
    """Re-checks, versions and removals (a mixin of :class:`~monre_crawler.store.Store`)."""

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
                f"SELECT {STORED_FIELDS} FROM articles WHERE id IN ({','.join('?' * len(part))})", part)
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

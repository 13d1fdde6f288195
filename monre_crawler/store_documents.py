"""The attached-documents part of :class:`monre_crawler.store.Store`.

:class:`DocumentStore` is a mixin of :class:`~monre_crawler.store.Store` (it uses the store's ``conn``, its
buffers and :meth:`~monre_crawler.store.Store._maybe_flush`): the status of stored documents
(:meth:`DocumentStore.document_states`), buffering an article's documents for the next batch
(:meth:`DocumentStore.add_documents`), writing them — each document upserted once per run and linked to the
row its article is stored as — and listing those earlier runs did not archive and that are due for another
try (:meth:`DocumentStore.documents_to_retry`), those that wait (:meth:`DocumentStore.documents_waiting`,
the rule is :mod:`monre_crawler.document_retry`) and the state of failed ones
(:meth:`DocumentStore.failed_documents`). The ``documents`` tables are described in
:mod:`monre_crawler.schema`.
"""

from __future__ import annotations

import time
from datetime import datetime

from .document_retry import is_due, next_try
from .schema import DOCUMENT_COLUMNS

__all__ = ["DocumentStore"]


class DocumentStore:
    """Attached documents (a mixin of :class:`~monre_crawler.store.Store`)."""

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

    def failed_documents(self, ids: list[str]) -> dict[str, dict]:
        """Of ``ids``, the stored documents whose last try failed: ``{id: {"tried_at", "wait_days",
        "transient"}}`` (what :func:`monre_crawler.document_retry.is_due` reads)."""
        found: dict[str, dict] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):  # SQLite limits the variables of one statement
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, tried_at, wait_days, transient in self.conn.execute(
                    f"SELECT id, tried_at, wait_days, transient FROM documents WHERE status = 'failed' AND id IN ({marks})",
                    chunk):
                found[doc_id] = {"tried_at": tried_at, "wait_days": wait_days, "transient": transient}
        return found

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

    def _failed_of_portal(self, portal: str):
        """``(one article id, url, title, tried_at, wait_days, transient)`` of each failed document of ``portal``."""
        return self.conn.execute(
            "SELECT min(ad.articles_id), d.url, d.title, d.tried_at, d.wait_days, d.transient FROM documents d "
            "JOIN articles_documents ad ON ad.documents_id = d.id JOIN articles a ON a.id = ad.articles_id "
            "WHERE d.status = 'failed' AND a.portal = ? GROUP BY d.id ORDER BY d.id", [portal])

    def documents_waiting(self, portal: str, max_days: int, now: datetime | None = None) -> list[datetime]:
        """When each failed document of ``portal`` that is not due at ``now`` (default: now) is due: those a
        run does not ask for (:mod:`monre_crawler.document_retry`; ``max_days``: MONRE_DOCUMENT_RETRY_MAX_DAYS)."""
        return [next_try(tried_at, wait, transient, max_days)
                for _, _, _, tried_at, wait, transient in self._failed_of_portal(portal)
                if not is_due(tried_at, wait, transient, max_days, now)]

    def documents_to_retry(self, portal: str, max_days: int = 0,
                           now: datetime | None = None) -> list[tuple[str, list[dict]]]:
        """The documents earlier runs did not archive, each with one article of ``portal`` that links it:
        ``[(article id, [{"url", "title"}, …]), …]``. Those are the ``failed`` ones due for another try at
        ``now`` (default: now; ``max_days``: MONRE_DOCUMENT_RETRY_MAX_DAYS, 0: every failed one), and the
        attachments of stored articles that no run has handled (a run killed while downloading them, an archive
        written before documents were archived): the caller keeps those of the portal's own site."""
        found: dict[str, list[dict]] = {}
        for article_id, url, title, tried_at, wait, transient in self._failed_of_portal(portal):
            if is_due(tried_at, wait, transient, max_days, now):
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

"""The crawl-run part of :class:`monre_crawler.store.Store`: the run log and what runs hand on to the next.

:class:`RunStore` is a mixin of :class:`~monre_crawler.store.Store` (it uses the store's ``db`` and ``conn``):
the ``crawl_runs`` log (a run started, its progress, its end, and runs a killed crawl left ``running``), the
articles a run lost for the next runs to fetch again (``lost_articles``), and which categories a run listed
completely (``crawl_state``).
"""

from __future__ import annotations

import json

from .store_history import utcnow

__all__ = ["RunStore"]


class RunStore:
    """Crawl runs, lost articles and category state (a mixin of :class:`~monre_crawler.store.Store`)."""

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

    # --- lost articles and the state of categories -----------------------------------------------
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

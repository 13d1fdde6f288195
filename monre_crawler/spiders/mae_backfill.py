"""The mae spider's backfill by id: once the links are exhausted, the ids neither stored nor fetched, probed
through the print view in batches from the highest id seen downwards.

A mixin of :class:`~monre_crawler.spiders.mae.MaeSpider`: ``on_idle`` (connected to ``spider_idle``) starts
the :class:`~monre_crawler.backfill.Backfill` planner for the run's mode (``all``, ``new``, a number of ids,
``auto``), queues its next batch and keeps the spider open until the planner is done; ``_probed`` records what
each probe found. A whole backfill is recorded in ``crawl_state`` so that ``auto`` turns to ``new``.
"""

from __future__ import annotations

import scrapy
from scrapy.exceptions import DontCloseSpider

from ..backfill import Backfill
from ..sites import mae as site
from .mae_state import state_key

BACKFILL_PRIORITY = -10  # after everything the links found


class PrintViewBackfill:
    """The backfill by id (mixed into :class:`~monre_crawler.spiders.mae.MaeSpider`)."""

    # --- backfill ----------------------------------------------------------------------------------------------
    def on_idle(self):
        """When the links are exhausted: the backfill's next batch of ids, through the print view."""
        state = self.state
        if state.backfill_mode == "off" or not state.portal_reached:
            return
        if state.probes is None:
            state.probes = self._start_backfill()
            if state.probes is None:
                return
        for lost in list(state.probes.outstanding):  # idle: every probe has answered, or never will
            self._probed(lost, None)
        batch = state.probes.next_batch(max(1, self.settings.getint("MAE_BACKFILL_BATCH")))
        for item in batch:
            key = site.article_key(item)
            state.fetched.add(item)
            state.pending[key] = []
            printed = site.print_url(self.base_url, item)
            self.crawler.engine.crawl(scrapy.Request(
                printed, callback=self.parse_article, errback=self.on_error, priority=BACKFILL_PRIORITY,
                cb_kwargs={"article_id": key, "item": item, "via": "backfill"}))
        if batch or not state.probes.done:
            raise DontCloseSpider
        self.logger.info("Backfill: %s", state.probes.summary())
        if state.probes.stop_reason in ("gap", "floor") and state.probes.floor == 0:
            state.categories_done.add(state_key("backfill"))  # a whole backfill, recorded if the run finishes

    def _start_backfill(self) -> Backfill | None:
        state, settings = self.state, self.settings
        stored_max = state.stored_max_before
        start = max(state.max_seen, stored_max)
        mode = state.backfill_mode
        if mode == "auto":
            mode = "new" if self.store.category_complete(state_key("backfill")) else "all"
            state.backfill_mode = f"auto: {mode}"
        if not start:
            self.logger.warning("Backfill: no article id seen, nothing to start from")
            return None
        floor = {"new": stored_max, "all": 0}.get(mode)
        if floor is None:
            floor = max(0, start - int(mode))
        if mode == "all":  # a whole backfill: marked complete only by a run that finishes it
            self.store.set_category_state([state_key("backfill")], complete=False)

        def skip(ids):
            ids = list(ids)
            fetched = {i for i in ids if i in state.fetched}
            stored = self.store.known_ids([site.article_key(i) for i in ids if i not in fetched])
            return fetched | {i for i in ids if site.article_key(i) in stored}

        self.logger.info("Backfill (%s): ids %d down to %d", state.backfill_mode, start, floor + 1)
        return Backfill(start, floor=floor, max_ids=settings.getint("MAE_BACKFILL_MAX_IDS"),
                        max_gap=settings.getint("MAE_BACKFILL_MAX_GAP"), skip=skip)

    def _probed(self, item: int, found: bool | None) -> None:
        if self.state.probes is not None:
            self.state.probes.record(item, found)
            self.crawler.stats.inc_value(
                f"mae/backfill/{'found' if found else 'missing' if found is False else 'failed'}")

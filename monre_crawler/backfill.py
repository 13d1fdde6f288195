"""Backfill by id: walk a portal's numeric item ids downwards and probe the ones nobody linked.

A portal whose ids are increasing integers (mae.gov.vn) can be read beyond its links: from the highest id
seen, downwards, fetch each id that is neither stored nor already fetched in this run, tolerating the gaps
(ids that answer 404). :class:`Backfill` is the bookkeeping, without Scrapy: the spider asks it for the next
batch of ids whenever the crawl runs dry (``spider_idle``), tells it what each probe found, and stops when it
says it is done. It stops at the first of:

- ``floor``: no id at or below it is probed (an incremental run stops at the highest id it had stored);
- ``max_ids``: at most this many probes per run;
- ``max_gap``: this many misses in a row below everything found so far (past the portal's first item).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


class Backfill:
    def __init__(self, start: int, *, floor: int = 0, max_ids: int = 20000, max_gap: int = 500,
                 skip: Callable[[Iterable[int]], set[int]] = lambda ids: set()):
        if max_ids < 0 or max_gap < 1:
            raise ValueError("max_ids must be >= 0 and max_gap >= 1")
        self.start = start
        self.floor = max(0, floor)
        self.max_ids = max_ids
        self.max_gap = max_gap
        self.skip = skip  # which of these ids need no probe (stored, or fetched in this run)
        self.cursor = start  # the next id to consider
        self.probed = 0
        self.found = 0
        self.missing = 0
        self.skipped = 0
        self.misses_in_row = 0  # misses below the lowest id found or skipped, in id order
        self.outstanding: set[int] = set()
        self._results: dict[int, bool] = {}  # probed ids whose answer came, below the lowest contiguous answer
        self.stop_reason: str | None = None

    @property
    def done(self) -> bool:
        return self.stop_reason is not None and not self.outstanding

    def next_batch(self, size: int) -> list[int]:
        """Up to ``size`` ids to probe next, highest first; [] when done or still waiting for answers."""
        if self.stop_reason is not None or self.outstanding:
            return []
        if self.misses_in_row >= self.max_gap:
            self.stop_reason = "gap"
            return []
        batch: list[int] = []
        while len(batch) < size:
            if self.cursor <= self.floor:
                self.stop_reason = "floor"
                break
            if self.probed >= self.max_ids:
                self.stop_reason = "limit"
                break
            chunk = range(self.cursor, max(self.floor, self.cursor - (size - len(batch))), -1)
            known = self.skip(chunk)
            for item in chunk:
                self.cursor = item - 1
                if item in known:  # stored or fetched already: an item exists here
                    self.skipped += 1
                    self._results[item] = True
                    continue
                batch.append(item)
                self.probed += 1
                if self.probed >= self.max_ids:
                    break
        self.outstanding = set(batch)
        if not batch:
            self._settle()
        return batch

    def record(self, item: int, found: bool | None) -> None:
        """What probing ``item`` gave: True (an item), False (a gap: 404), None (an error: not a gap)."""
        if item not in self.outstanding:
            return
        self.outstanding.discard(item)
        if found:
            self.found += 1
        elif found is False:
            self.missing += 1
        self._results[item] = found is not False
        if not self.outstanding:
            self._settle()

    def _settle(self) -> None:
        """The batch is answered: count the misses in a row, from the top of the batch down."""
        for item in sorted(self._results, reverse=True):
            self.misses_in_row = 0 if self._results[item] else self.misses_in_row + 1
        self._results.clear()
        if self.misses_in_row >= self.max_gap and self.stop_reason is None:
            self.stop_reason = "gap"

    def summary(self) -> dict:
        return {"start": self.start, "floor": self.floor, "probed": self.probed, "found": self.found,
                "missing": self.missing, "skipped": self.skipped, "stopped": self.stop_reason or "running"}

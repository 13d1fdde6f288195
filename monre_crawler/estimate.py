"""What is left of a crawl, as far as the categories' pagers tell: the progress line's estimate.

Only what can be derived is said (:mod:`monre_crawler.progress` adds it to its line every interval):

- **listing pages left**, per category not done whose pager showed a page number (its
  :class:`~monre_crawler.state.Paging`): the highest page number shown minus the highest page read; exact when
  the pager showed its last page, else a lower bound, and the line says "at least";
- **articles** listed on them: those pages × the mean number of entries of the listing pages read so far;
- **time**: those pages × the requests per listing page ÷ the requests per second, both over the last
  :data:`WINDOW` seconds (the pace of the last 10 minutes, not of the whole run: the pace changes as a crawl
  goes, and an article fetched or skipped is in the requests per page);
- **categories whose size is not known**: not started yet, showing no page number beyond the page read, or,
  in an incremental run, crawled to their end before (their paging stops at the first page already stored).

A category paged to its end, or whose paging stopped on a lost listing page, has nothing left.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

WINDOW = 600.0  # seconds: the time estimate is at the pace of the last 10 minutes


@dataclass(frozen=True)
class Left:
    """What is known of what is left to page."""

    pages: int  # listing pages left in the ``categories`` sized
    categories: int  # categories not done with pages left: known exactly, or at least some
    exact: bool  # every one of them showed its last page: ``pages`` is exact, else a lower bound
    unknown: int  # categories not done whose size is not known
    per_page: float | None  # mean entries of the listing pages read so far (None: none read)

    @property
    def articles(self) -> int | None:
        """Articles listed on the pages left (an estimate), or None when no listing page was read."""
        return None if self.per_page is None else round(self.pages * self.per_page)


def left(state, total: int) -> Left:
    """What is left of the ``total`` categories of the crawl, from its :class:`~monre_crawler.state.CrawlState`."""
    ended = set(state.categories_done)
    for loss in state.lost_listings():  # a lost listing page ends its category's paging in this run
        ended.update(loss.categories)
    pages = sized = unknown = 0
    exact = True
    for name in state.categories_started - ended:
        paging = state.paging.get(name)
        incremental = not state.full and name in state.categories_complete_before
        if paging is None or incremental or not (paging.left or paging.last_known):
            unknown += 1
        elif paging.left:
            sized += 1
            pages += paging.left
            exact = exact and paging.last_known
    unknown += max(0, total - len(state.categories_started | ended))
    read = sum(p.read for p in state.paging.values())
    per_page = sum(p.entries for p in state.paging.values()) / read if read else None
    return Left(pages, sized, exact, unknown, per_page)


class Pace:
    """Requests and listing pages read, sampled over a sliding window of time."""

    def __init__(self, window: float = WINDOW):
        self.window = window
        self.samples: deque[tuple[float, int, int]] = deque()  # (time, requests, listing pages), oldest first

    def add(self, now: float, requests: int, pages: int) -> None:
        """A sample; the oldest kept is the last one taken at or before the window's start."""
        self.samples.append((now, requests, pages))
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.window:
            self.samples.popleft()

    @property
    def span(self) -> float:
        """Seconds between the oldest and the newest sample (the window, once the run is older than it)."""
        return self.samples[-1][0] - self.samples[0][0] if self.samples else 0.0

    def seconds_for(self, pages: int) -> float | None:
        """Seconds to read ``pages`` listing pages (and what they list) at the window's pace; None when the
        window saw no request or no listing page was read yet."""
        if pages <= 0:
            return 0.0
        if len(self.samples) < 2:
            return None
        (t0, r0, p0), (t1, r1, p1) = self.samples[0], self.samples[-1]
        if t1 <= t0 or r1 <= r0:
            return None
        # Requests per listing page: the window's, else (no listing page read in it) the whole run's.
        per_page = (r1 - r0) / (p1 - p0) if p1 > p0 else (r1 / p1 if p1 else None)
        if per_page is None:
            return None
        return pages * per_page / ((r1 - r0) / (t1 - t0))


def describe(known: Left, seconds: float | None, span: float) -> str:
    """The estimate in words, for the progress line ("" when no category is left)."""
    parts = []
    if known.categories:
        bound = "" if known.exact else "at least "
        text = f"{bound}{known.pages:,} listing page{'s' * (known.pages != 1)} left in {_categories(known.categories)}"
        if known.per_page is not None:
            text += f" (about {_about(known.articles)} articles at {_number(known.per_page)} per page)"
        if seconds is None:
            text += ", time left not known yet"
        else:
            text += f", {bound or 'about '}{_duration(seconds)} at the pace of the last {_span(span)}"
        parts.append(text)
    if known.unknown:
        parts.append(f"{_categories(known.unknown)}' size not yet known" if known.unknown != 1
                     else "1 category's size not yet known")
    return "; ".join(parts)


def _categories(n: int) -> str:
    return f"{n:,} categor{'y' if n == 1 else 'ies'}"


def _about(n: int) -> str:
    """``23,871`` -> ``24,000``: two significant digits from 1,000 on."""
    if n >= 1000:
        magnitude = 10 ** (len(str(n)) - 2)
        n = round(n / magnitude) * magnitude
    return f"{n:,}"


def _number(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 100 * 60:
        return f"{round(seconds / 60)} min"
    hours = seconds / 3600
    return f"{hours:.1f} h".replace(".0 h", " h") if hours < 10 else f"{round(hours):,} h"


def _span(seconds: float) -> str:
    return f"{round(seconds / 60)} min" if seconds >= 90 else f"{max(1, round(seconds))} s"

"""When an attached document that could not be archived is asked for again.

Two kinds of failure (decided by :mod:`monre_crawler.pipelines.documents`, stored in ``documents.transient``):

- **transient** (``transient = 1``): the portal would have served the document but the download failed — a
  server error or a 408/429 after Scrapy's retries, a timeout, a refused or reset connection — or the file
  could not be written here. The run lost it (``monre/documents/lost``, run ``incomplete``), and what a run
  lost the next run fetches again: it is asked for by **every** run until it is archived.
- **the portal's own state** (``transient = 0``): another 4xx (404, 410, 403…), an HTML page instead of the
  document, a file over ``MONRE_DOCUMENT_MAXSIZE``, a refusal by robots.txt, a file that cannot be read.
  Asking every night would cost the portal and the night a request per dead link, forever; such a document
  is asked for again after a wait that doubles with each such failure: the next night, then after 2, 4, 8,
  16 days, then every ``MONRE_DOCUMENT_RETRY_MAX_DAYS`` (30 by default), so a link that comes back is
  archived at most that many days later. The wait is ``documents.wait_days``, counted from
  ``documents.tried_at``; a transient failure between two such failures keeps the wait where it was.

A wait of ``n`` days is counted with half a day of slack (:data:`SLACK`): a nightly run starts at about
the same hour each day but reaches a document some minutes (or hours) in, so "after 1 day" must mean "the
next night", not "the night after, if it starts later than last night's request".

A row without ``tried_at`` (an archive written before these columns, whose failed documents were asked for
every run) is due: the next run asks for it as before, then it follows these rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["SLACK", "is_due", "next_try", "next_wait_days", "parse_time"]

SLACK = timedelta(hours=12)


def next_wait_days(previous: int | None, transient: bool, max_days: int) -> int | None:
    """The wait (in days) before the next try of a document whose try just failed, given the wait before
    this try (``previous``, None for a document never failed or from an older archive)."""
    if transient:  # says nothing about the portal's state of the document: the next run tries it anyway
        return previous
    if max_days <= 0:  # waits turned off: every run asks again
        return 0
    if not previous or previous < 1:
        return 1
    return min(previous * 2, max_days)


def parse_time(value: str | None) -> datetime | None:
    """A stored UTC time (``2024-05-01T02:03:04Z``) as an aware datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def next_try(tried_at: str | None, wait_days: int | None, transient, max_days: int) -> datetime | None:
    """From when a failed document is asked for again (None: from now on, by the next run)."""
    tried = parse_time(tried_at)
    if tried is None or transient or not wait_days:
        return None
    wait = min(wait_days, max_days)
    if wait <= 0:
        return None
    return tried + timedelta(days=wait) - SLACK


def is_due(tried_at: str | None, wait_days: int | None, transient, max_days: int, now: datetime | None = None) -> bool:
    """Whether a run at ``now`` (default: now) asks again for a failed document last tried at ``tried_at``.
    A lowered ``max_days`` applies at once to documents that wait longer."""
    due = next_try(tried_at, wait_days, transient, max_days)
    return due is None or due <= (now or datetime.now(timezone.utc))

"""A fast path for the date lines most pages print: ``dd/mm/yyyy`` (or ``-``, ``.``) alone, after words, or
with ``hh:mm(:ss)`` right after or right before it ("20/03/2025 09:15", "25/04/2022|06:23:00",
"Thứ Năm, 20/03/2025", "Cập nhật: 10:15 | 05/03/2021"), and ``dd tháng mm năm yyyy`` alone.

Why it exists: the general path (``read`` in ``__init__``) answers such a line in some fifteen small steps
(the first digit, the lunar check, the full-date search, the form's reader, the time after, the time
before, the zone); one anchored pattern and a few look-ups of numbers answer it in one. It must give exactly what
the general path gives, so it takes only lines it can answer with certainty and declines (``None``)
everything else, which the general path then reads as before:

* everything before the date (or its time) holds no digit and no ``(`` that opens a lunar equivalent
  (``(tức``, ``(nhằm``, ``(âm lịch``), so no other date, time, lunar parenthesis or form starting there can
  change the answer, and it does not end in ``/``, ``.`` or ``-`` (the general pattern would not take a date
  glued to those);
* after a time the line ends, or has ``GMT+7`` (``(GMT+07:00)``...) and then ends: words there
  (``SA``/``CH``, ``chiều``, another offset) could change the time; after a date without a time, only
  words without digits or ``(`` that do not make it lunar (``âm lịch``, a can-chi year) may follow;
* the joins are only `` ``, `` - ``, ``|`` and ``,`` (``, ``, `` , ``), and a date in words has no time;
* a four-digit year in 1900-2099, a month of at most 12, a real day and a real time, and not a time both
  before and after; anything else (an impossible date, ``8/13/2015``, ``25:00``) goes to the general path.

Its agreement with the general path was checked on every date table of ``tests/files/`` and ``bench/`` and
on generated strings of these shapes and their near misses; keep it that way when either path changes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from .clock import VN_TZ
from .compiled import compile_fast
from .lunar import LUNAR_AFTER
from .words import EQUIVALENT_WORDS, NUMBER

JOIN = r"(?: ?, | ?\| ?| - | )"
TIME = r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?'?"
# Groups: 1-3 a time before the date, 4 day, 5 separator, 6 month, 7 year (or 8-10 day, month and year of
# "24 tháng 12 năm 2009", "4 tháng 7, 2019"), 11-13 a time after the date, 14 Vietnam's offset after all that
# ("GMT+7", "(GMT+07:00)"), 15 the words after a date without a time after it. ``SHAPE.match`` always matches:
# the words before the first digit or a lunar parenthesis ("(tức", "(âm lịch": where ``read`` goes on when the
# line has no common shape; another "(" is a word: "(09/10/2020)"), then the whole rest of the line if it is
# one (``lastindex`` is then set).
SHAPE = compile_fast(
    r"[^\d(]*+(?:\((?! ?" + EQUIVALENT_WORDS + r")[^\d(]*+)*+(?:(?<![/.\-])"
    r"(?:" + TIME + JOIN + r")?"
    r"(?:([0-9]{1,2})([/.\-])([0-9]{1,2})\5([0-9]{4})|([0-9]{1,2}) tháng ([0-9]{1,2})(?: năm |, )([0-9]{4}))"
    r"(?:" + JOIN + TIME + r")?"
    r"( \(?gmt\+(?:7|07(?::?00)?)\)?)?"
    r"([^\d(]*+)\Z)?"
)
# The offset the general path gives a time printed right after the date with "GMT+7".
PLUS_7 = timezone(timedelta(hours=7))


def fast_date(s: str) -> date | datetime | None:
    """The date of a normalised line of one of the common shapes above, or None: let the general path read it."""
    found = SHAPE.match(s)
    return read_shape(found) if found.lastindex is not None else None


def read_shape(found: re.Match) -> date | datetime | None:
    """fast_date once SHAPE matched the whole line (``read`` matches it itself, and goes on from where it stopped)."""
    (hour_before, minute_before, second_before, day, _, month, year, words_day, words_month, words_year,
     hour, minute, second, gmt, rest) = found.groups()
    if words_day is not None:
        if hour_before is not None or hour is not None or gmt:
            return None  # (a time beside a date in words: the general path's business)
        day, month, year = words_day, words_month, words_year
    year, month, day = NUMBER[year], NUMBER[month], NUMBER[day]
    if month > 12 or not 1900 <= year <= 2099:
        return None
    if rest and (hour is not None or gmt or LUNAR_AFTER.match(found.string, found.start(15))):
        return None  # words after a time may change it ("SA", "chiều", "GMT"); after a date, make it lunar
    if hour is None:
        if hour_before is None:
            if gmt:
                return None  # (a date alone with an offset: the general path's business)
            try:
                return date(year, month, day)
            except ValueError:
                return None
        hour, minute, second = hour_before, minute_before, second_before
        gmt = None  # an offset after the date is not the time's before it: the general path ignores it too
    elif hour_before is not None:
        return None
    hour, minute, second = NUMBER[hour], NUMBER[minute], NUMBER[second] if second else 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        if gmt:  # (Vietnam's zone was not always +07:00: converted, as the general path does)
            return datetime(year, month, day, hour, minute, second, 0, PLUS_7).astimezone(VN_TZ)
        return datetime(year, month, day, hour, minute, second, 0, VN_TZ)  # (tzinfo by position: faster)
    except ValueError:
        return None

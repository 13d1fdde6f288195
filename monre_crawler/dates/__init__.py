"""Vietnamese dates as real pages print them.

``parse_date(text, now=None)`` reads the date line of a page ("Thứ Hai, 05/03/2021 09:30", "Cập nhật lúc
09:30' 05/03/2021", "Hà Nội, ngày 5 tháng 3 năm 2021", "5/3/2021 - 9:30 CH", "2 giờ trước", ...) and returns

* a ``datetime.date`` when the text gives a day, a month and a year but no time of day,
* an aware ``datetime.datetime`` in Asia/Ho_Chi_Minh when it also gives a time of day,
* ``None`` when it holds no full date. It never raises.

``to_iso(value)`` turns that into ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS+07:00``.

How a text is read, in order (one module of this package per step):

0. A line of the commonest shapes ("20/03/2025 09:15", "Thứ Năm, 20/03/2025", "10:15 | 05/03/2021") is
   answered by one pattern (``fast``), after step 1; it gives what the steps below give, or declines.
1. It is normalised (``characters``): the first ``MAX_INPUT`` characters, HTML entities decoded, Unicode
   NFKC (so NFD accents and full-width digits become plain), odd spaces, dashes and primes made plain,
   lower case.
2. The first full date in it wins (``forms``, with the month and weekday names of ``words``): day-first
   numbers (``5/3/2021``, ``05-03-2021``, ``05.03.2021``, ``05 / 03 / 21``, ``08 | 04 | 2024``), ISO
   (``2021-03-05T09:30:00+07:00``), words (``ngày 5 tháng 3 năm 2021``, ``Tháng mười một 16, 2024``)
   and English (``Mar 5, 2021``). A date followed by its lunar equivalent in parentheses is the solar
   date; a lunar date is never taken for a solar one (``lunar``).
3. A time printed right after the date or right before it is attached to it (``clock``: ``09:30``,
   ``9h30``, ``9 giờ 30 phút``, ``9:30 SA``/``CH``/AM/PM, ``sáng``/``chiều``/``tối``, ``GMT+7``).
4. With no full date: "2 giờ trước", "hôm qua", "vừa xong" are read against ``now`` (the crawl's time;
   ``relative``). A relative phrase coarser than a day ("3 tuần trước", "2 năm trước") has no exact date:
   ``None``. "hôm nay" and its kind never override numbers printed beside them ("Hôm nay, 03/04" is
   ``None``: a day and a month without a year is not a date).
5. Only a text with an English month name that none of this understood goes to dateparser (``fallback``,
   built on first use), and its answer is kept only if it is a whole date in 1950-2099 that does not
   depend on the day dateparser was run.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .characters import DIGIT, MAX_INPUT, normalise
from .clock import VN_TZ, time_before, time_of, with_time
from .fallback import read_with_dateparser, shared_parser
from .fast import SHAPE, read_shape
from .forms import ALL_FORMS, LONGEST_LEAD, NUMBER_FORMS_ONLY, WORDS_FIRST, Dates, time_of_repeat
from .lunar import EQUIVALENT, without_lunar
from .relative import RELATIVE_OR_ENGLISH, read_relative

__all__ = ["VN_TZ", "parse_date", "to_iso", "warm_fallback"]

# The fallback's parser, looked up here on every use: the one place to reach it (the benchmark counts its
# calls) or to replace it (the tests check what never reaches it).
_fallback_parser = shared_parser


def parse_date(text: str, now: datetime | None = None) -> date | datetime | None:
    """The date a Vietnamese (or English) date string gives.

    A ``date`` when the text gives no time of day, an aware ``datetime`` in Asia/Ho_Chi_Minh when it
    does, ``None`` when it holds no full date. ``now`` anchors relative phrases ("3 giờ trước",
    "hôm qua"); it defaults to the current time in Vietnam, and a naive ``now`` is Vietnamese local
    time. Never raises.
    """
    try:
        if type(text) is not str:  # (bytes, a subclass of str, anything else: rare)
            text = as_text(text)
            if text is None:
                return None
        s = normalise(text)
        if not s:
            return None
        shaped = SHAPE.match(s)  # the most common shapes in one step (``fast``: it agrees with ``read``)
        if shaped.lastindex is not None:
            quick = read_shape(shaped)
            if quick is not None:
                return quick
        return read(s, shaped, now)
    except Exception:
        return None


def to_iso(value) -> str | None:
    """``date`` -> ``YYYY-MM-DD``; ``datetime`` -> ``YYYY-MM-DDTHH:MM:SS+07:00``; ``None`` -> ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"to_iso expects a date, a datetime or None, not {type(value).__name__}")


def warm_fallback() -> None:
    """Build the dateparser fallback now (it is otherwise built on first use)."""
    _fallback_parser().get_date_data("13 July 2024")


def as_text(value) -> str | None:
    """A text to read from what parse_date was given: bytes as UTF-8, a str as it is, anything else None."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value[:MAX_INPUT * 4]).decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def read(s: str, shaped: re.Match, now) -> date | datetime | None:
    """The steps of the docstring above after the fast one, in order, for the normalised text ``s`` (``shaped``:
    SHAPE's match of it, which ends where the words before the first digit or a lunar parenthesis end)."""
    if shaped.lastindex is not None:  # (a common shape that read_shape declined)
        start = DIGIT.search(s).start()
    else:
        start = shaped.end()  # (where the words before the first digit or "(" end)
        if start < len(s) and s[start] == "(":
            first_digit = DIGIT.search(s, start)
            start = len(s) if first_digit is None else first_digit.start()
        if start == len(s):
            return read_relative(s, now)  # no number: only "hôm qua", "vừa xong" and their kind can be dates
    solar = None
    if "(" in s and EQUIVALENT.search(s):
        s, solar = without_lunar(s, now)
    found, impossible = first_date(s, start, NUMBER_FORMS_ONLY, start)  # (dates of numbers: fast)
    if found is WORDS_FIRST:  # a date of words may come first ("tháng 3 16, 2024"): all the forms
        found, impossible = first_date(s, max(0, start - LONGEST_LEAD), ALL_FORMS, start)
    if found is not None:
        return found
    if solar is not None:
        return solar
    if impossible:
        return None  # 31/04/2025 is nobody's date: no guessing what else it could mean
    if RELATIVE_OR_ENGLISH.search(s) is None:
        return None  # (nothing for read_relative nor for the fallback: the common case of a sentence)
    return read_relative(s, now) or read_with_dateparser(s, _fallback_parser)


def first_date(s: str, start: int = 0, dates: Dates = ALL_FORMS, first_digit: int = 0
               ) -> tuple[date | datetime | None, bool]:
    """The first full date in ``s`` (from ``start`` on) with its time, and whether an impossible date was printed.

    ``dates``: the pattern to look with, FULL_DATE or DIGIT_DATE (which gives WORDS_FIRST where a date of words
    may come first). ``first_digit``: where the first digit of ``s`` is (no time of day is printed before it)."""
    impossible = False
    pattern, forms, hour, lunar, again = dates
    found = pattern.search(s, start)
    while found is not None:  # (pattern.finditer, without an iterator for the one date most texts hold)
        for group, read_form in forms:  # (date_of, without a call)
            if found.start(group) >= 0:
                day = read_form(found)
                break
        else:
            day = None
        if day is WORDS_FIRST:
            return WORDS_FIRST, False
        if day is None:
            impossible = True
            found = pattern.search(s, found.end())
            continue
        if found.start(lunar) >= 0:  # (LUNAR_AFTER right after the date, looked at by the pattern)
            found = pattern.search(s, found.end())
            continue  # "ngày 15/7/2024 âm lịch": not the solar date
        clock = time_of(found) if found.start(hour) >= 0 else None
        if clock is None and found.start() > first_digit:  # (a time before the date has a digit)
            clock = time_before(s, found.start())
        if clock is None and found.start(again) >= 0:  # (a gap and a digit after the date)
            clock = time_of_repeat(s, found.end(), day)
        return with_time(day, clock), False
    return None, impossible

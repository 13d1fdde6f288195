"""Step 3 of reading a date: times of day ("09:30", "9h30", "9 giờ 30 phút", "9:30 CH", "chiều"), their
offsets ("GMT+7", "+07:00", "Z"), where they stand beside a date, and Vietnam's zone and the crawl's now."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

from .compiled import compile_fast
from .words import NUMBER, WEEKDAY

# Vietnam's zone: what every time is read in and given back in.
try:  # pragma: no cover - depends on the machine's zone database
    from zoneinfo import ZoneInfo

    VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - no tz database: Vietnam has no daylight saving time
    VN_TZ = timezone(timedelta(hours=7), "+07")


def resolve_now(now) -> datetime:
    """``now`` as an aware datetime in Vietnam (a naive one is taken as Vietnamese local time)."""
    if now is None:
        return datetime.now(VN_TZ)
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            return now.replace(tzinfo=VN_TZ)
        return now.astimezone(VN_TZ)
    if isinstance(now, date):
        return datetime(now.year, now.month, now.day, tzinfo=VN_TZ)
    raise TypeError("now must be a datetime, a date or None")


TIME = (
    r"(?P<hour>\d{1,2})(?:"
    r":(?P<minute>\d\d)(?::(?P<second>\d\d)(?:[.,]\d+)?)?(?!\d)'?"   # 09:30, 09:30:15, 09:30'
    r"| ?[hg](?P<minute2>\d\d)?(?:'|p(?:hút)?)?(?!\w)"                  # 9h, 09h30, 14g30, 14h05'
    r"| ?giờ(?: ?(?P<minute3>\d{1,2})(?![/.\-]\d)(?: ?phút)?(?: ?(?P<second3>\d{1,2}) ?giây)?)?(?!\w)"
    r")(?: ?(?P<half>sa|ch|am|pm|a\.m\.?|p\.m\.?|sáng|trưa|chiều|tối|đêm)(?!\w))?"
)
OFFSET = (
    r"(?: ?\(? ?(?P<gmt>gmt|utc) ?(?:(?P<sign>[+-]) ?(?P<hours>\d{1,2})(?::?(?P<minutes>\d\d))?)? ?\)?"
    r"| ?(?P<sign2>[+-])(?P<hours2>\d\d):?(?P<minutes2>\d\d)(?!\d)"
    r"|(?P<utc>z)(?!\w))?"
)
# The time's groups by number, per pattern (TIME_AFTER, TIME_ANYWHERE, FULL_DATE): 15 name look-ups per time cost
# more than the rest of reading it.
GROUP_NUMBERS: dict[str, tuple[int, ...]] = {}
TIME_GROUPS = ("hour", "minute", "minute2", "minute3", "second", "second3", "half", "gmt", "sign", "hours",
               "minutes", "sign2", "hours2", "minutes2", "utc")
# A time right after a date: "05/03/2021 09:30", "- 9:30 SA", "| 09:30", "lúc 9 giờ", "T09:30:00Z",
# "9 June 2025. 14:32".
TIME_JOIN = r"[)\]]? ?(?:[,|\-(] ?|\. )*(?:(?:vào )?lúc ?|at |t)?"
TIME_AFTER = compile_fast(TIME_JOIN + TIME + OFFSET)
# A time anywhere (for a time printed before its date), "Cập nhật:14:32" too.
TIME_ANYWHERE = compile_fast(r"(?=\d)(?<!\d)(?<!\d[:.])" + TIME + OFFSET)
# What may stand between a time and the date after it: "09:30 - ", "09:30' ", "17:45 ngày ",
# "09:15, Thứ Năm, ".
GAP_BEFORE_DATE = compile_fast(
    r"[ ,|\-(\[]*(?:(?:ngày|lúc|vào|on) ?:? ?[,\-]? ?)*(?:" + WEEKDAY + r" ?[,\-]? ?)?(?:ngày ?:? ?)?[ ,|\-(\[]*"
)
# Every time of day has a digit followed by ":", "h", "g" or "giờ".
TIME_HINT = re.compile(r"\d ?[:hg]")
#: How far before a date a time is looked for.
BEFORE_WINDOW = 48


class Clock(NamedTuple):
    """A time of day printed in the text (``start``, ``end``: where), with its offset if it had one."""

    start: int
    end: int
    hour: int
    minute: int
    second: int
    zone: tzinfo | None


def time_of(found: re.Match) -> Clock | None:
    """The time of day a TIME + OFFSET match gives, or None if it is no real time."""
    groups = GROUP_NUMBERS.get(found.re.pattern)  # (the pattern's text: its hash is kept, the pattern's is not)
    if groups is None:
        groups = GROUP_NUMBERS[found.re.pattern] = tuple(found.re.groupindex[name] for name in TIME_GROUPS)
    (hour, minute, minute2, minute3, second, second3, half, gmt, sign, hours, minutes, sign2, hours2, minutes2,
     utc) = found.group(*groups)
    hour = NUMBER[hour]
    minute = NUMBER[minute or minute2 or minute3 or "0"]
    second = NUMBER[second or second3 or "0"]
    if half:
        hour = on_24_hour_clock(hour, half.replace(".", ""))
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    zone = None
    if utc:
        zone = timezone.utc
    elif sign or sign2:
        hours, minutes = int(hours or hours2), int(minutes or minutes2 or 0)
        if hours > 14 or minutes > 59:
            return None
        zone = timezone((-1 if (sign or sign2) == "-" else 1) * timedelta(hours=hours, minutes=minutes))
    elif gmt:
        zone = timezone.utc
    # (tuple.__new__: a NamedTuple's own __new__ is a Python function, slower than the rest of time_of)
    return tuple.__new__(Clock, (found.start(groups[0]), found.end(), hour, minute, second, zone))


def on_24_hour_clock(hour: int, half: str) -> int:
    """The hour of "9 CH", "2 chiều", "12 SA" on the 24-hour clock."""
    if half in ("sa", "am", "ch", "pm"):
        if hour > 12:
            pass  # "14:30 CH" is redundant, "14:30 SA" a template's slip: the 24-hour clock is clear
        elif half in ("sa", "am") and hour == 12:
            hour = 0
        elif half in ("ch", "pm") and hour < 12:
            hour += 12
    elif half == "trưa" and hour < 11:
        hour += 12
    elif half in ("chiều", "tối") and hour < 12:
        hour += 12
    elif half == "đêm" and 6 <= hour < 12:
        hour += 12
    return hour


def time_after(s: str, position: int) -> Clock | None:
    """The time printed right after ``position`` (where a date or "hôm nay" ends), if any."""
    found = TIME_AFTER.match(s, position)
    return time_of(found) if found is not None else None


def time_before(s: str, position: int) -> Clock | None:
    """The last time printed in the ``BEFORE_WINDOW`` characters before ``position`` with only a gap between."""
    start = max(0, position - BEFORE_WINDOW)
    if not TIME_HINT.search(s, start, position):
        return None
    joined = []
    found = TIME_ANYWHERE.search(s, start, position)
    while found is not None:
        if GAP_BEFORE_DATE.fullmatch(s, found.end(), position):
            joined.append(found)
        found = TIME_ANYWHERE.search(s, found.end(), position)
    for found in reversed(joined):  # (the last real time wins: read only until one is real)
        clock = time_of(found)
        if clock is not None:
            return clock
    return None


def with_time(day: date, clock: Clock | None) -> date | datetime:
    """The day alone without a clock; with one, the moment in Vietnam's zone (``tzinfo`` given by position:
    parsing keyword arguments costs datetime() nearly as much as the rest of its work)."""
    if clock is None:
        return day
    if clock.zone is None:
        return datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, 0, VN_TZ)
    moment = datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, 0, clock.zone)
    return moment.astimezone(VN_TZ)

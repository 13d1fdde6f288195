"""Vietnamese date parsing for monre_crawler: right and fast.

``parse_date(text, now=None)`` turns the date strings that Vietnamese ministry
portals and news sites print ("Thứ Năm, 20/03/2025 - 09:15", "Ngày đăng:
20/03/2025", "Hà Nội, ngày 30 tháng 11 năm 2017", "3 giờ trước", "Jul 13,
2024", ...) into a ``datetime.date`` (no time of day in the text), an aware
``datetime.datetime`` in Asia/Ho_Chi_Minh (a time of day in the text), or
``None`` (no valid date).  It never raises.

A fast path of precompiled regular expressions handles the common forms in
microseconds; a single module-level dateparser ``DateDataParser`` (Vietnamese
first, then English), built lazily on first use, is the guarded fallback for
the rest.
"""

from __future__ import annotations

import calendar
import html
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

__all__ = ["VN_TZ", "parse_date", "to_iso"]

try:  # pragma: no cover - depends on the machine's zone database
    from zoneinfo import ZoneInfo

    VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - no tz database: Vietnam has no DST
    VN_TZ = timezone(timedelta(hours=7), "+07")

#: Only the first this-many characters of an input are looked at.
MAX_INPUT = 4096
#: Only the first this-many normalised characters go to the dateparser fallback.
MAX_FALLBACK = 200
#: Years accepted from the text (four-digit years outside are not dates).
MIN_YEAR, MAX_YEAR = 1900, 2099

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_SPACE_CHARS = re.compile(r"[\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_WS = re.compile(r"\s+")


def _normalise(text: str) -> str:
    text = text[:MAX_INPUT]
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_CHARS.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = text.lower()
    return _WS.sub(" ", text).strip()


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

_VI_MONTHS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10,
    "mười một": 11, "một một": 11, "mười hai": 12, "chạp": 12,
}
_VI_MONTH_RE = "|".join(sorted((re.escape(k) for k in _VI_MONTHS), key=len, reverse=True))

_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_EN_MONTH_RE = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

_NUM_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "a": 1, "an": 1, "one": 1,
}

_WEEKDAY = (
    r"(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7]"
    r"|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)

# --------------------------------------------------------------------------
# Date patterns (one combined regex: the leftmost date wins)
# --------------------------------------------------------------------------

_ISO = (
    r"(?<![\d/.\-])(?P<iy>(?:19|20)\d\d)(?P<isep>[/.\-])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"
)
_DMY = (
    r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d)"
    r"(?!\d)(?![/.\-]\d)"
)
_WORDS = (
    r"(?<!\d)(?P<wd>\d{1,2})\s*(?:tháng|thg\.?)\s*(?P<wm>\d{1,2}|" + _VI_MONTH_RE + r")(?![\w])"
    r"\s*(?:,\s*|/\s*|-\s*)?(?:năm\s*)?(?P<wy>\d{4})(?!\d)"
)
_EN_DM = (
    r"(?<!\d)(?P<ed>\d{1,2})(?:st|nd|rd|th)?[\s\-]+(?:of\s+)?(?P<em>" + _EN_MONTH_RE + r")\b\.?"
    r"[\s\-,]+(?P<ey>\d{4})(?!\d)"
)
_EN_MD = (
    r"\b(?P<em2>" + _EN_MONTH_RE + r")\b\.?\s*(?P<ed2>\d{1,2})(?:st|nd|rd|th)?\b,?\s*(?P<ey2>\d{4})(?!\d)"
)
_DATE_RE = re.compile("|".join([_ISO, _DMY, _WORDS, _EN_DM, _EN_MD]))

# --------------------------------------------------------------------------
# Time of day, offsets, and what may join a time to its date
# --------------------------------------------------------------------------

_TIME = (
    r"(?<![\d:.])(?P<h>\d{1,2})(?:"
    r":(?P<m>\d\d)(?::(?P<s>\d\d)(?:[.,]\d+)?)?(?!\d)"
    r"|\s?[hg](?P<m2>\d\d)?(?:'|p(?:hút)?)?(?!\w)"
    r"|\s*giờ(?:\s*(?P<m3>\d{1,2})(?![/.\-]\d)(?:\s*phút)?(?:\s*(?P<s3>\d{1,2})\s*giây)?)?(?!\w)"
    r")(?:\s*(?P<ap>sa|ch|am|pm|a\.m\.?|p\.m\.?|sáng|trưa|chiều|tối|đêm)(?!\w))?"
)
_OFFSET = (
    r"(?:\s*\(?\s*(?:gmt|utc)\s*(?:(?P<os>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d\d))?)?\s*\)?"
    r"|\s?(?P<os2>[+-])(?P<oh2>\d\d):?(?P<om2>\d\d)(?!\d)"
    r"|(?P<z>z)(?!\w))?"
)
_AFTER_RE = re.compile(
    r"[)\]]?\s*(?:[,|\-(]\s*)*(?:(?:(?:vào\s*)?lúc|at|t)\s*)?" + _TIME + _OFFSET
)
_TIME_RE = re.compile(_TIME + _OFFSET)
_BEFORE_GAP_RE = re.compile(
    r"[\s,|\-(\[]*(?:(?:ngày|lúc|vào|on)\s*:?\s*[,\-]?\s*)*(?:" + _WEEKDAY + r"\s*[,\-]?\s*)?"
    r"(?:ngày\s*:?\s*)?[\s,|\-(\[]*"
)
_BEFORE_WINDOW = 48

# --------------------------------------------------------------------------
# Relative expressions
# --------------------------------------------------------------------------

_NUM = r"(?P<n>\d{1,4}|một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín|mười)"
_UNIT_VI = r"(?P<u>giây|phút|tiếng|giờ|ngày|tuần|tháng|năm)"
_REL_VI = re.compile(
    r"(?:(?<!\w)" + _NUM + r"\s*" + _UNIT_VI + r"(?:\s*đồng\s*hồ)?\s*trước(?!\w))"
    r"|(?:cách\s*đây\s*(?P<n2>\d{1,4}|một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín|mười)\s*"
    r"(?P<u2>giây|phút|tiếng|giờ|ngày|tuần|tháng|năm)(?!\w))"
)
_REL_VI_HM = re.compile(
    r"(?<!\w)(?P<h>\d{1,3})\s*(?:giờ|tiếng)\s*(?P<m>\d{1,2})\s*phút\s*trước(?!\w)"
)
_REL_EN = re.compile(
    r"(?<!\w)(?P<n>\d{1,4}|an?|one)\s*(?P<u>sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago\b"
)
_REL_WORD = re.compile(
    r"(?<!\w)(?P<w>vừa\s*xong|vừa\s*mới|just\s*now|hôm\s*nay|bữa\s*nay|today|hôm\s*qua|yesterday|hôm\s*kia)(?!\w)"
)
_UNITS = {
    "giây": "s", "sec": "s", "second": "s",
    "phút": "min", "min": "min", "minute": "min",
    "giờ": "h", "tiếng": "h", "hour": "h", "hr": "h",
    "ngày": "d", "day": "d", "tuần": "w", "week": "w",
    "tháng": "mo", "month": "mo", "năm": "y", "year": "y",
}

# --------------------------------------------------------------------------
# Fallback guard
# --------------------------------------------------------------------------

_DIGITS_RE = re.compile(r"\d+")
_EN_MONTH_WORD_RE = re.compile(r"\b(?:" + _EN_MONTH_RE + r")\b")
_HAS_TIME_RE = re.compile(r"\d\s*(?::\s*\d\d|[hg]\d\d|h\b|giờ)|\b(?:am|pm|sa|ch)\b")
_DDP = None


def _fallback_parser():
    global _DDP
    if _DDP is None:
        from dateparser.date import DateDataParser

        _DDP = DateDataParser(
            languages=["vi", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RETURN_AS_TIMEZONE_AWARE": True,
                "TIMEZONE": "Asia/Ho_Chi_Minh",
                "TO_TIMEZONE": "Asia/Ho_Chi_Minh",
                # Relative expressions are the fast path's job (it knows `now`);
                # anything dateparser resolves against this base is rejected.
                "RELATIVE_BASE": datetime(1900, 1, 1),
            },
        )
    return _DDP


def warm_fallback() -> None:
    """Build the dateparser fallback now (it is otherwise built on first use)."""
    _fallback_parser().get_date_data("13 tháng 7 năm 2024")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _make_date(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _date_from_match(mt: re.Match) -> date | None:
    g = mt.group
    if g("iy"):
        return _make_date(int(g("iy")), int(g("im")), int(g("id")))
    if g("d"):
        return _make_date(_year(g("y")), int(g("m")), int(g("d")))
    if g("wd"):
        wm = g("wm")
        month = int(wm) if wm.isdigit() else _VI_MONTHS[_WS.sub(" ", wm)]
        return _make_date(int(g("wy")), month, int(g("wd")))
    if g("ed"):
        return _make_date(int(g("ey")), _EN_MONTHS[g("em")[:3]], int(g("ed")))
    if g("em2"):
        return _make_date(int(g("ey2")), _EN_MONTHS[g("em2")[:3]], int(g("ed2")))
    return None


def _time_from_match(mt: re.Match):
    """(hour, minute, second, tzinfo or None) from a _TIME + _OFFSET match, or None if invalid."""
    g = mt.group
    h = int(g("h"))
    mi = g("m") or g("m2") or g("m3")
    se = g("s") or g("s3")
    mi = int(mi) if mi else 0
    se = int(se) if se else 0
    ap = g("ap")
    if ap:
        ap = ap.replace(".", "")
        if ap in ("sa", "am", "ch", "pm"):
            if not 1 <= h <= 12:
                if h == 0 and ap in ("sa", "am"):
                    pass
                elif 13 <= h <= 23 and ap in ("ch", "pm"):
                    pass  # "14:30 CH" is redundant but clear
                else:
                    return None
            if ap in ("sa", "am") and h == 12:
                h = 0
            elif ap in ("ch", "pm") and h < 12:
                h += 12
        elif ap == "trưa":
            if h < 11:
                h += 12
        elif ap in ("chiều", "tối"):
            if h < 12:
                h += 12
        elif ap == "đêm":
            if 6 <= h < 12:
                h += 12
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= se <= 59):
        return None
    tz = None
    if g("z"):
        tz = timezone.utc
    elif g("os") or g("os2"):
        sign = -1 if (g("os") or g("os2")) == "-" else 1
        oh = int(g("oh") or g("oh2"))
        om = int(g("om") or g("om2") or 0)
        if oh > 14 or om > 59:
            return None
        tz = timezone(sign * timedelta(hours=oh, minutes=om))
    elif mt.group(0).find("gmt") >= 0 or mt.group(0).find("utc") >= 0:
        tz = timezone.utc
    return h, mi, se, tz


def _combine(d: date, t) -> datetime:
    h, mi, se, tz = t
    if tz is None:
        return datetime(d.year, d.month, d.day, h, mi, se, tzinfo=VN_TZ)
    return datetime(d.year, d.month, d.day, h, mi, se, tzinfo=tz).astimezone(VN_TZ)


def _time_after(s: str, pos: int):
    mt = _AFTER_RE.match(s, pos)
    if mt is None:
        return None
    return _time_from_match(mt)


def _time_before(s: str, pos: int):
    start = max(0, pos - _BEFORE_WINDOW)
    last = None
    for mt in _TIME_RE.finditer(s, start, pos):
        if _BEFORE_GAP_RE.fullmatch(s, mt.end(), pos):
            last = mt
    if last is None:
        return None
    return _time_from_match(last)


def _attach_time(s: str, d: date, start: int, end: int):
    t = _time_after(s, end)
    if t is None:
        t = _time_before(s, start)
    return d if t is None else _combine(d, t)


def _resolve_now(now) -> datetime:
    if now is None:
        return datetime.now(VN_TZ)
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            return now.replace(tzinfo=VN_TZ)
        return now.astimezone(VN_TZ)
    if isinstance(now, date):
        return datetime(now.year, now.month, now.day, tzinfo=VN_TZ)
    raise TypeError("now must be a datetime, a date or None")


def _sub_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) - months
    y, m = divmod(total, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _num(raw: str) -> int:
    return int(raw) if raw.isdigit() else _NUM_WORDS[raw]


def _relative(s: str, now) -> date | datetime | None:
    mt = _REL_VI_HM.search(s)
    if mt is not None:
        now = _resolve_now(now).replace(microsecond=0)
        return now - timedelta(hours=int(mt.group("h")), minutes=int(mt.group("m")))
    mt = _REL_VI.search(s)
    if mt is not None:
        n, u = (mt.group("n"), mt.group("u")) if mt.group("n") else (mt.group("n2"), mt.group("u2"))
    else:
        mt = _REL_EN.search(s)
        n, u = (mt.group("n"), mt.group("u")) if mt is not None else (None, None)
    if n is not None:
        now = _resolve_now(now).replace(microsecond=0)
        k = _num(n)
        unit = _UNITS[u]
        if unit == "s":
            return now - timedelta(seconds=k)
        if unit == "min":
            return now - timedelta(minutes=k)
        if unit == "h":
            return now - timedelta(hours=k)
        if unit == "d":
            return (now - timedelta(days=k)).date()
        if unit == "w":
            return (now - timedelta(weeks=k)).date()
        if unit == "mo":
            return _sub_months(now.date(), k)
        return _sub_months(now.date(), 12 * k)
    mt = _REL_WORD.search(s)
    if mt is None:
        return None
    now = _resolve_now(now).replace(microsecond=0)
    w = _WS.sub(" ", mt.group("w"))
    if w in ("vừa xong", "vừa mới", "just now"):
        return now
    if w in ("hôm nay", "bữa nay", "today"):
        d = now.date()
    elif w in ("hôm qua", "yesterday"):
        d = (now - timedelta(days=1)).date()
    else:  # hôm kia
        d = (now - timedelta(days=2)).date()
    return _attach_time(s, d, mt.start(), mt.end())


def _fallback(s: str) -> date | datetime | None:
    s = s[:MAX_FALLBACK]
    numbers = _DIGITS_RE.findall(s)
    # A date needs a day, a month and a year: two numbers and an English month
    # name, or three numbers ("tháng" is followed by the month's own number) ...
    if len(numbers) < 2 or len(numbers) < 3 and not _EN_MONTH_WORD_RE.search(s):
        return None
    # ... and one of them must look like a year.
    if not any(len(x) == 2 or (len(x) == 4 and x[:2] in ("19", "20")) for x in numbers):
        return None
    result = _fallback_parser().get_date_data(s)
    value = result.date_obj
    if value is None or getattr(result, "period", "day") != "day":
        return None
    if not 1950 <= value.year <= MAX_YEAR:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    else:
        value = value.astimezone(VN_TZ)
    if value.time() == datetime.min.time() and not _HAS_TIME_RE.search(s):
        return value.date()
    return value.replace(microsecond=0)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def _parse(text, now) -> date | datetime | None:
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text[:MAX_INPUT * 4]).decode("utf-8", "replace")
    if not isinstance(text, str):
        return None
    s = _normalise(text)
    if not s:
        return None
    if not any(c.isdigit() for c in s):
        # No number: only a relative expression in words can be a date here.
        return _relative(s, now)
    seen_candidate = False
    for mt in _DATE_RE.finditer(s):
        d = _date_from_match(mt)
        if d is not None:
            return _attach_time(s, d, mt.start(), mt.end())
        seen_candidate = True
    if seen_candidate:
        # An explicit but impossible date (31/04/2025, 2025-13-01): do not let
        # the fallback reinterpret it as something else.
        return None
    rel = _relative(s, now)
    if rel is not None:
        return rel
    return _fallback(s)


def parse_date(text: str, now: datetime | None = None) -> date | datetime | None:
    """Parse a Vietnamese (or English) date string.

    Returns a ``date`` when the text gives no time of day, an aware ``datetime``
    in Asia/Ho_Chi_Minh when it does, and ``None`` when it holds no valid date.
    ``now`` anchors relative expressions ("3 giờ trước", "hôm qua"); it defaults
    to the current time in Asia/Ho_Chi_Minh (a naive ``now`` is taken as local
    Vietnamese time).  Never raises.
    """
    try:
        return _parse(text, now)
    except Exception:
        return None


def to_iso(value) -> str | None:
    """``date`` -> ``YYYY-MM-DD``; datetime -> ``YYYY-MM-DDTHH:MM:SS+07:00``; ``None`` -> ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"to_iso expects a date, a datetime or None, not {type(value).__name__}")

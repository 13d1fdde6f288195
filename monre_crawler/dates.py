"""Vietnamese dates as real pages print them.

``parse_date(text, now=None)`` reads the date line of a page ("Thứ Hai, 05/03/2021 09:30", "Cập nhật lúc
09:30' 05/03/2021", "Hà Nội, ngày 5 tháng 3 năm 2021", "5/3/2021 - 9:30 CH", "2 giờ trước", ...) and returns

* a ``datetime.date`` when the text gives a day, a month and a year but no time of day,
* an aware ``datetime.datetime`` in Asia/Ho_Chi_Minh when it also gives a time of day,
* ``None`` when it holds no full date. It never raises.

``to_iso(value)`` turns that into ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS+07:00``.

How a text is read, in order:

1. It is normalised: the first ``MAX_INPUT`` characters, HTML entities decoded, Unicode NFKC (so NFD
   accents and full-width digits become plain), odd spaces, dashes and primes made plain, lower case.
2. The first full date in it wins: day-first numbers (``5/3/2021``, ``05-03-2021``, ``05.03.2021``,
   ``05 / 03 / 21``, ``08 | 04 | 2024``), ISO (``2021-03-05T09:30:00+07:00``), words (``ngày 5 tháng 3
   năm 2021``, ``Tháng mười một 16, 2024``) and English (``Mar 5, 2021``). A date followed by its lunar
   equivalent in parentheses is the solar date; a lunar date is never taken for a solar one.
3. A time printed right after the date or right before it is attached to it (``09:30``, ``9h30``,
   ``9 giờ 30 phút``, ``9:30 SA``/``CH``/AM/PM, ``sáng``/``chiều``/``tối``, ``GMT+7``).
4. With no full date: "2 giờ trước", "hôm qua", "vừa xong" are read against ``now`` (the crawl's time).
   A relative phrase coarser than a day ("3 tuần trước", "2 năm trước") has no exact date: ``None``.
   "hôm nay" and its kind never override numbers printed beside them ("Hôm nay, 03/04" is ``None``:
   a day and a month without a year is not a date).
5. Only a text with an English month name that none of this understood goes to dateparser (the
   fallback, built on first use), and its answer is kept only if it is a whole date in 1950-2099 that
   does not depend on the day dateparser was run.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

__all__ = ["VN_TZ", "parse_date", "to_iso", "warm_fallback"]

try:  # pragma: no cover - depends on the machine's zone database
    from zoneinfo import ZoneInfo

    VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - no tz database: Vietnam has no daylight saving time
    VN_TZ = timezone(timedelta(hours=7), "+07")

#: Only the first this-many characters of a text are read.
MAX_INPUT = 4096
#: Only the first this-many normalised characters go to the dateparser fallback.
MAX_FALLBACK = 200
#: Years accepted from the text; a four-digit year outside them is not a date.
MIN_YEAR, MAX_YEAR = 1900, 2099


# ---------------------------------------------------------------------------------------------------
# 1. Normalising
# ---------------------------------------------------------------------------------------------------

# Odd spaces and invisible characters become a space, dashes a hyphen, primes and curly quotes an
# apostrophe ("09:30’").
PLAIN_CHARACTERS = str.maketrans(
    {c: " " for c in "\x85\u2028\u2029\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u200b\u200c\u200d\u2060\u202f\u205f\u3000\ufeff\u00ad"}
    | {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"}
    | {c: "'" for c in "\u2018\u2019\u201b\u2032\u00b4`"}
)

ODD_CHARACTERS = re.compile("[" + "".join(map(chr, PLAIN_CHARACTERS)) + "]")


def normalise(text: str) -> str:
    """The text as the patterns below expect it: NFKC, plain spaces, dashes and primes, lower case."""
    text = text[:MAX_INPUT]
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if ODD_CHARACTERS.search(text):  # (translate() is slow: only when needed)
            text = text.translate(PLAIN_CHARACTERS)
    elif "`" in text:
        text = text.replace("`", "'")
    text = text.lower()
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return " ".join(text.split())
    return text.strip()


# ---------------------------------------------------------------------------------------------------
# Words for months, numbers and weekdays
# ---------------------------------------------------------------------------------------------------

VI_MONTHS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "một một": 11, "mười hai": 12, "chạp": 12,
}
VI_MONTH_WORDS = "|".join(sorted((re.escape(word) for word in VI_MONTHS), key=len, reverse=True))

EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
EN_MONTH_WORDS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

NUMBER_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8,
    "chín": 9, "mười": 10, "a": 1, "an": 1, "one": 1,
}

WEEKDAY = (
    r"(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7]"
    r"|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)


# ---------------------------------------------------------------------------------------------------
# 2. Full dates. One pattern with one named branch per form; the leftmost date in the text wins.
# ---------------------------------------------------------------------------------------------------

# A four-digit year may have the time glued to it ("05/06/202114:20"); a two-digit year may not.
YEAR = r"(?:\d{4}(?=\d{1,2}:\d\d(?!\d))|\d{4}(?!\d)|\d\d(?!\d))"

# 5/3/2021, 05-03-2021, 05.03.2021, 05 / 03 / 21, 08 | 04 | 2024 (the same separator twice).
DAY_FIRST = (
    r"(?<![\d/.\-])(?P<d>\d{1,2}) ?(?P<sep>[/.\-|]) ?(?P<m>\d{1,2}) ?(?P=sep) ?(?P<y>" + YEAR + r")"
    r"(?![/.\-]\d)"
)
# 2021-03-05, 2021/3/5
YEAR_FIRST = (
    r"(?<![\d/.\-])(?P<iy>\d{4})(?P<isep>[/.\-])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"
)
# ngày 5 tháng 3 năm 2021, 5 tháng Ba, 2021, 5 thg 3 2021, 3 Th7, 2022
WORDS_DAY_FIRST = (
    r"(?<!\d)(?P<wd>\d{1,2}) ?(?:tháng|thg\.?|th(?=\.? ?\d)\.?) ?(?P<wm>\d{1,2}|" + VI_MONTH_WORDS + r")"
    r"(?!\w) ?[,/\-]? ?(?:năm ?)?(?P<wy>\d{4})(?!\d)"
)
# Tháng mười một 16, 2024; Th7 3rd, 2022 (how WordPress prints dates in Vietnamese)
WORDS_MONTH_FIRST = (
    r"(?<!\w)(?:tháng|thg\.?|th(?=\.? ?\d)\.?) ?(?P<vm>\d{1,2}|" + VI_MONTH_WORDS + r")(?!\w) ?"
    r"(?P<vd>\d{1,2})(?:st|nd|rd|th)?(?!\d) ?, ?(?P<vy>\d{4})(?!\d)"
)
# 5 March 2021, 5th of March, 2021, 05-Mar-2021
ENGLISH_DAY_FIRST = (
    r"(?<!\d)(?P<ed>\d{1,2})(?:st|nd|rd|th)?[ \-]+(?:of )?(?P<em>" + EN_MONTH_WORDS + r")\b\.?"
    r"[ \-,]+(?P<ey>\d{4})(?!\d)"
)
# Where a date can begin: a digit, "th" (tháng), an English month; and how far before its first digit
# ("tháng mười một 16, 2024", "september 5, 2021").
LONGEST_LEAD = 24
FORM_STARTS = r"(?=\d|th|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
# March 5, 2021; Mar. 5th 2021
ENGLISH_MONTH_FIRST = (
    r"\b(?P<em2>" + EN_MONTH_WORDS + r")\b\.? ?(?P<ed2>\d{1,2})(?:st|nd|rd|th)?\b,? ?(?P<ey2>\d{4})(?!\d)"
)


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or its year is out of range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def full_year(digits: str) -> int:
    """A four-digit year as is; a two-digit one in 1970-2069."""
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def month_number(word: str) -> int:
    return int(word) if word.isdigit() else VI_MONTHS[word]


def read_year_first(found: re.Match) -> date | None:
    return make_date(int(found["iy"]), int(found["im"]), int(found["id"]))


def read_day_first(found: re.Match) -> date | None:
    day, separator, month, year = found.group("d", "sep", "m", "y")
    if separator == "|" and len(year) != 4:
        return None  # "1 | 2 | 24" is a list of numbers, not a date
    year, month, day = full_year(year), int(month), int(day)
    if month > 12 and day <= 12:
        # Month first (8/13/2015, as English-language server software prints it) when day first cannot be right.
        month, day = day, month
    return make_date(year, month, day)


def read_words_day_first(found: re.Match) -> date | None:
    return make_date(int(found["wy"]), month_number(found["wm"]), int(found["wd"]))


def read_words_month_first(found: re.Match) -> date | None:
    return make_date(int(found["vy"]), month_number(found["vm"]), int(found["vd"]))


def read_english_day_first(found: re.Match) -> date | None:
    return make_date(int(found["ey"]), EN_MONTHS[found["em"][:3]], int(found["ed"]))


def read_english_month_first(found: re.Match) -> date | None:
    return make_date(int(found["ey2"]), EN_MONTHS[found["em2"][:3]], int(found["ed2"]))


# ---------------------------------------------------------------------------------------------------
# 2b. Lunar dates. "ngày 3/4 (tức ngày 12 tháng Hai năm Tân Sửu 2021)": the solar date is the date; the
# lunar one in parentheses only lends its year when the solar date has none.
# ---------------------------------------------------------------------------------------------------

CAN = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")
CHI = ("tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi", "thân", "dậu", "tuất", "hợi")
CAN_SPELLINGS = {"kỉ": "kỷ", "quí": "quý"}
CHI_SPELLINGS = {"tí": "tý", "mẹo": "mão", "tị": "tỵ"}
CAN_CHI = re.compile(
    r"(?<!\w)(?P<can>" + "|".join(CAN + tuple(CAN_SPELLINGS)) + r") (?P<chi>"
    + "|".join(CHI + tuple(CHI_SPELLINGS)) + r")(?!\w)"
)
LUNAR_WORDS = re.compile(r"âm lịch|(?<!\w)(?:âl|al|mùng|mồng)(?!\w)|tháng (?:giêng|chạp)")
# The parenthesis after a date that gives the same day in the other calendar.
EQUIVALENT = re.compile(r"\( ?(?:tức(?: là)?|nhằm|âm lịch|al|âl)(?!\w)[^()]*\)")
# A date followed by one of these is a lunar date.
LUNAR_AFTER = re.compile(r" ?(?:\(? ?(?:âm lịch|âl|al)(?!\w)|,? ?(?:năm )?" + CAN_CHI.pattern + r")")
# A day and month with no year, right before a parenthesis.
DAY_MONTH_AT_END = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2}) ?(?:[/.\-]|tháng) ?(?P<m>\d{1,2}) ?,? ?$"
)
LUNAR_MONTH = re.compile(r"tháng (?P<m>\d{1,2}|" + VI_MONTH_WORDS + r")(?!\w)")
FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def is_lunar(text: str) -> bool:
    return bool(LUNAR_WORDS.search(text) or CAN_CHI.search(text))


def can_chi_year(found: re.Match, now: datetime) -> int:
    """The latest year up to next year with that name in the 60-year cycle (1984 was Giáp Tý)."""
    can = CAN.index(CAN_SPELLINGS.get(found.group("can"), found.group("can")))
    chi = CHI.index(CHI_SPELLINGS.get(found.group("chi"), found.group("chi")))
    year = now.year + 1
    while (year - 4) % 10 != can or (year - 4) % 12 != chi:
        year -= 1
    return year


def without_lunar(s: str, now) -> tuple[str, date | None]:
    """The text with its lunar parentheses blanked out, and the solar date that a day and month just
    before such a parenthesis make with the lunar year (None if there is none)."""
    solar = None
    for paren in EQUIVALENT.finditer(s):
        inside = paren.group()
        before = s[max(0, paren.start() - 40):paren.start()]
        if is_lunar(before) and not is_lunar(inside):
            continue  # a lunar date with its solar equivalent in the parenthesis: keep that one
        day_month = DAY_MONTH_AT_END.search(before)
        if solar is None and day_month is not None:
            solar = solar_from_lunar_year(int(day_month.group("d")), int(day_month.group("m")), inside, now)
        s = s[:paren.start()] + " " * len(inside) + s[paren.end():]
    return s, solar


def solar_from_lunar_year(day: int, month: int, lunar: str, now) -> date | None:
    """The solar day/month in the year of the lunar date ``lunar``: the lunar year, or the next one
    for a January or February day that is still in the 11th or 12th lunar month."""
    year_digits = FOUR_DIGITS.search(lunar)
    if year_digits is not None:
        year = int(year_digits.group())
    else:
        name = CAN_CHI.search(lunar)
        if name is None:
            return None
        year = can_chi_year(name, resolve_now(now))
    lunar_month = LUNAR_MONTH.search(lunar)
    if lunar_month is not None and month <= 3 and month_number(lunar_month.group("m")) >= 10:
        year += 1
    return make_date(year, month, day)


# ---------------------------------------------------------------------------------------------------
# 3. Time of day, its offset, and what may stand between it and its date
# ---------------------------------------------------------------------------------------------------

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
TIME_GROUPS = ("hour", "minute", "minute2", "minute3", "second", "second3", "half", "gmt", "sign", "hours",
               "minutes", "sign2", "hours2", "minutes2", "utc")
# A time right after a date: "05/03/2021 09:30", "- 9:30 SA", "| 09:30", "lúc 9 giờ", "T09:30:00Z",
# "9 June 2025. 14:32".
TIME_JOIN = r"[)\]]? ?(?:[,|\-(] ?|\. )*(?:(?:vào )?lúc ?|at |t)?"
TIME_AFTER = re.compile(TIME_JOIN + TIME + OFFSET)
# A time anywhere (for a time printed before its date), "Cập nhật:14:32" too.
TIME_ANYWHERE = re.compile(r"(?=\d)(?<!\d)(?<!\d[:.])" + TIME + OFFSET)
# What may stand between a time and the date after it: "09:30 - ", "09:30' ", "17:45 ngày ",
# "09:15, Thứ Năm, ".
GAP_BEFORE_DATE = re.compile(
    r"[ ,|\-(\[]*(?:(?:ngày|lúc|vào|on) ?:? ?[,\-]? ?)*(?:" + WEEKDAY + r" ?[,\-]? ?)?(?:ngày ?:? ?)?[ ,|\-(\[]*"
)
# Every time of day has a digit followed by ":", "h", "g" or "giờ".
TIME_HINT = re.compile(r"\d ?[:hg]")
#: How far before a date a time is looked for.
BEFORE_WINDOW = 48
# What may stand between a date and the same date printed again with its time ("30/12/2020 - 30/12/2020 09:12").
REPEAT_GAP = re.compile(r"[ ,|\-]{1,6}")


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
    (hour, minute, minute2, minute3, second, second3, half, gmt, sign, hours, minutes, sign2, hours2, minutes2,
     utc) = found.group(*TIME_GROUPS)
    hour = int(hour)
    minute = int(minute or minute2 or minute3 or 0)
    second = int(second or second3 or 0)
    half = (half or "").replace(".", "")
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
    return Clock(found.start("hour"), found.end(), hour, minute, second, zone)


def time_after(s: str, position: int) -> Clock | None:
    found = TIME_AFTER.match(s, position)
    return time_of(found) if found is not None else None


def time_before(s: str, position: int) -> Clock | None:
    start = max(0, position - BEFORE_WINDOW)
    if not TIME_HINT.search(s, start, position):
        return None
    last = None
    for found in TIME_ANYWHERE.finditer(s, start, position):
        if GAP_BEFORE_DATE.fullmatch(s, found.end(), position):
            last = time_of(found) or last
    return last


def time_of_repeat(s: str, position: int, day: date) -> Clock | None:
    """The time printed after the same date printed again right away ("30/12/2020 - 30/12/2020 09:12")."""
    gap = REPEAT_GAP.match(s, position)
    if gap is None or not s[gap.end():gap.end() + 1].isdigit():
        return None
    again = FULL_DATE.match(s, gap.end())
    if again is None or again["hour"] is None or date_of(again) != day:
        return None
    return time_of(again)


def with_time(day: date, clock: Clock | None) -> date | datetime:
    if clock is None:
        return day
    if clock.zone is None:
        return datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, tzinfo=VN_TZ)
    moment = datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, tzinfo=clock.zone)
    return moment.astimezone(VN_TZ)


# ---------------------------------------------------------------------------------------------------
# 2+3. A full date and the time printed right after it, in one pattern (one search per text)
# ---------------------------------------------------------------------------------------------------

DATE_FORMS = {
    "day_first": (DAY_FIRST, read_day_first),
    "year_first": (YEAR_FIRST, read_year_first),
    "words_day_first": (WORDS_DAY_FIRST, read_words_day_first),
    "words_month_first": (WORDS_MONTH_FIRST, read_words_month_first),
    "english_day_first": (ENGLISH_DAY_FIRST, read_english_day_first),
    "english_month_first": (ENGLISH_MONTH_FIRST, read_english_month_first),
}
# One named group per form (the leftmost date wins), then the time if one follows. The lookahead on
# how a form begins lets the search skip other places fast.
FULL_DATE = re.compile(
    FORM_STARTS + "(?:" + "|".join(f"(?P<{name}>{form})" for name, (form, _) in DATE_FORMS.items()) + ")"
    "(?:" + TIME_JOIN + TIME + OFFSET + ")?"
)


def date_of(found: re.Match) -> date | None:
    """The day a FULL_DATE match names, or None when it names no real day."""
    for name, (_, read) in DATE_FORMS.items():
        if found[name] is not None:
            return read(found)
    return None


# ---------------------------------------------------------------------------------------------------
# 4. Relative phrases, read against the crawl's time
# ---------------------------------------------------------------------------------------------------

AMOUNT = r"\d{1,4}|một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín|mười"
VI_UNIT = r"giây|phút|tiếng|giờ|ngày|tuần|tháng|năm"
VI_AGO = re.compile(
    r"(?<!\w)(?P<n>" + AMOUNT + r") ?(?P<u>" + VI_UNIT + r")(?: đồng hồ)? ?trước(?!\w)"
    r"|cách đây (?P<n2>" + AMOUNT + r") ?(?P<u2>" + VI_UNIT + r")(?!\w)"
)
VI_HOURS_MINUTES_AGO = re.compile(r"(?<!\w)(?P<h>\d{1,3}) ?(?:giờ|tiếng) ?(?P<m>\d{1,2}) ?phút ?trước(?!\w)")
EN_AGO = re.compile(
    r"(?<!\w)(?P<n>\d{1,4}|an?|one) ?(?P<u>sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s? ago\b"
)
DAY_WORDS = re.compile(
    r"(?<!\w)(?P<w>vừa xong|vừa mới|just now|hôm nay|bữa nay|today|hôm qua|yesterday|hôm kia)(?!\w)"
)
DAY_WORD_HINT = re.compile("vừa|just|nay|today|hôm|yesterday")  # (plain words: searched fast)
UNITS = {
    "giây": "second", "sec": "second", "second": "second",
    "phút": "minute", "min": "minute", "minute": "minute",
    "giờ": "hour", "tiếng": "hour", "hour": "hour", "hr": "hour",
    "ngày": "day", "day": "day",
    "tuần": "week", "week": "week", "tháng": "month", "month": "month", "năm": "year", "year": "year",
}
SECONDS = {"second": 1, "minute": 60, "hour": 3600}
DIGIT = re.compile(r"\d")


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


def amount(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def relative(s: str, now) -> date | datetime | None:
    """What a relative phrase in ``s`` means at ``now``; None without one, or when it is coarser than a day."""
    ago = "trước" in s or "cách đây" in s
    found = VI_HOURS_MINUTES_AGO.search(s) if ago else None
    if found is not None:
        return resolve_now(now).replace(microsecond=0) - timedelta(
            hours=int(found.group("h")), minutes=int(found.group("m")))
    found = (VI_AGO.search(s) if ago else None) or (EN_AGO.search(s) if " ago" in s else None)
    if found is not None:
        count = found.group("n") or found.group("n2")
        unit = UNITS[found.group("u") or found.group("u2")]
        moment = resolve_now(now).replace(microsecond=0)
        if unit in SECONDS:
            return moment - timedelta(seconds=amount(count) * SECONDS[unit])
        if unit == "day":
            return (moment - timedelta(days=amount(count))).date()
        return None  # "3 tuần trước", "2 năm trước": no exact day
    if not DAY_WORD_HINT.search(s):
        return None
    found = DAY_WORDS.search(s)
    if found is None:
        return None
    moment = resolve_now(now).replace(microsecond=0)
    word = found.group("w")
    if word in ("vừa xong", "vừa mới", "just now"):
        return moment if not DIGIT.search(s) else None
    days_back = {"hôm qua": 1, "yesterday": 1, "hôm kia": 2}.get(word, 0)
    day = (moment - timedelta(days=days_back)).date()
    clock = time_after(s, found.end()) or time_before(s, found.start())
    # "Hôm nay, 03/04", "17 giờ hôm nay 4.10": numbers the word would silently override.
    rest = s if clock is None else s[:clock.start] + s[clock.end:]
    if DIGIT.search(rest):
        return None
    return with_time(day, clock)


# ---------------------------------------------------------------------------------------------------
# 5. The dateparser fallback, for English month names in forms the patterns above do not know
# ---------------------------------------------------------------------------------------------------

NUMBERS = re.compile(r"\d+")
# (A pattern of plain words is searched fast: a quick first test.)
ENGLISH_MONTH = re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
# An English month name next to a day: "Mar 20", "20th March" (not "may" in "máy may", "may mắn").
EN_MONTH_AND_DAY = re.compile(
    FORM_STARTS + r"(?:\b(?:" + EN_MONTH_WORDS + r")\b\.?,? ?\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}(?:st|nd|rd|th)?[ \-](?:of )?(?:" + EN_MONTH_WORDS + r")\b)"
)
HAS_TIME = re.compile(r"\d ?(?::\d\d|[hg]\d\d|h\b|giờ)|\b(?:am|pm|sa|ch)\b")
_dateparser = None


def _fallback_parser():
    """The module's one dateparser DateDataParser, built on first use."""
    global _dateparser
    if _dateparser is None:
        from dateparser.date import DateDataParser

        _dateparser = DateDataParser(
            languages=["vi", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RETURN_AS_TIMEZONE_AWARE": True,
                "TIMEZONE": "Asia/Ho_Chi_Minh",
                "TO_TIMEZONE": "Asia/Ho_Chi_Minh",
                # Relative phrases are read above, against the crawl's time; whatever dateparser reads
                # against this day is out of the accepted years and dropped.
                "RELATIVE_BASE": datetime(1900, 1, 1),
            },
        )
    return _dateparser


def warm_fallback() -> None:
    """Build the dateparser fallback now (it is otherwise built on first use)."""
    _fallback_parser().get_date_data("13 July 2024")


def fallback(s: str) -> date | datetime | None:
    s = s[:MAX_FALLBACK]
    if not ENGLISH_MONTH.search(s) or not EN_MONTH_AND_DAY.search(s):
        return None  # every Vietnamese and numeric form is read above: dateparser would only guess
    if not any(len(n) == 2 or (len(n) == 4 and n[:2] in ("19", "20")) for n in NUMBERS.findall(s)):
        return None  # no year
    result = _fallback_parser().get_date_data(s)
    value = result.date_obj
    if value is None or getattr(result, "period", "day") != "day" or not 1950 <= value.year <= MAX_YEAR:
        return None
    value = value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)
    if value.time() == datetime.min.time() and not HAS_TIME.search(s):
        return value.date()
    return value.replace(microsecond=0)


# ---------------------------------------------------------------------------------------------------
# Reading a text, in the order the module docstring gives
# ---------------------------------------------------------------------------------------------------


def first_date(s: str, start: int = 0) -> tuple[date | datetime | None, bool]:
    """The first full date in ``s`` (from ``start`` on) with its time, and whether an impossible date was printed."""
    impossible = False
    for found in FULL_DATE.finditer(s, start):
        day = date_of(found)
        if day is None:
            impossible = True
            continue
        more = found.end() < len(s)  # (most date lines end with their date: skip what looks after it)
        if more and LUNAR_AFTER.match(s, found.end()):
            continue  # "ngày 15/7/2024 âm lịch": not the solar date
        clock = time_of(found) if found["hour"] is not None else None
        if clock is None and found.start() > 0:
            clock = time_before(s, found.start())
        if clock is None and more:
            clock = time_of_repeat(s, found.end(), day)
        return with_time(day, clock), False
    return None, impossible


def read(text, now) -> date | datetime | None:
    """parse_date without its safety net."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text[:MAX_INPUT * 4]).decode("utf-8", "replace")
    if not isinstance(text, str):
        return None
    s = normalise(text)
    if not s:
        return None
    first_digit = DIGIT.search(s)
    if first_digit is None:
        return relative(s, now)  # no number: only "hôm qua", "vừa xong" and their kind can be dates
    solar = None
    if "(" in s and EQUIVALENT.search(s):
        s, solar = without_lunar(s, now)
    found, impossible = first_date(s, max(0, first_digit.start() - LONGEST_LEAD))
    if found is not None:
        return found
    if solar is not None:
        return solar
    if impossible:
        return None  # 31/04/2025 is nobody's date: no guessing what else it could mean
    return relative(s, now) or fallback(s)


# ---------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------


def parse_date(text: str, now: datetime | None = None) -> date | datetime | None:
    """The date a Vietnamese (or English) date string gives.

    A ``date`` when the text gives no time of day, an aware ``datetime`` in Asia/Ho_Chi_Minh when it
    does, ``None`` when it holds no full date. ``now`` anchors relative phrases ("3 giờ trước",
    "hôm qua"); it defaults to the current time in Vietnam, and a naive ``now`` is Vietnamese local
    time. Never raises.
    """
    try:
        return read(text, now)
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

"""Step 2 of reading a date: the full dates, one pattern with one named branch per form (the leftmost date
in the text wins), the time printed right after a date in the same pattern, and a reader per form; and the
same pattern without the forms that begin with a word, which most texts are read with (faster)."""

from __future__ import annotations

import re
from datetime import date
from typing import Callable, NamedTuple

from .clock import OFFSET, TIME, TIME_JOIN, Clock, time_of
from .compiled import compile_fast
from .words import EN_MONTH_WORDS, EN_MONTHS, LUNAR_AFTER_UNNAMED, NUMBER, VI_MONTH_WORDS, month_number

#: Years accepted from the text; a four-digit year outside them is not a date.
MIN_YEAR, MAX_YEAR = 1900, 2099

# A four-digit year may have the time glued to it ("05/06/202114:20"); a two-digit year may not.
YEAR = r"(?:\d{4}(?=\d{1,2}:\d\d(?!\d))|\d{4}(?!\d)|\d\d(?!\d))"

# The forms that begin with a number, each as (what may not stand right before it, the group of that number,
# the number's digits, the rest of the form): written out by ``begins_with_number`` for FULL_DATE, and after
# their first digit by ``after_first_digit`` for DIGIT_DATE (below).
# 5/3/2021, 05-03-2021, 05.03.2021, 05 / 03 / 21, 08 | 04 | 2024 (the same separator twice).
DAY_FIRST = (
    r"[\d/.\-]", "d", r"\d{1,2}", r"\d?",
    r" ?(?P<sep>[/.\-|]) ?(?P<m>\d{1,2}) ?(?P=sep) ?(?P<y>" + YEAR + r")(?![/.\-]\d)",
)
# 2021-03-05, 2021/3/5
YEAR_FIRST = (r"[\d/.\-]", "iy", r"\d{4}", r"\d{3}", r"(?P<isep>[/.\-])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)")
# ngày 5 tháng 3 năm 2021, 5 tháng Ba, 2021, 5 thg 3 2021, 3 Th7, 2022
WORDS_DAY_FIRST = (
    r"\d", "wd", r"\d{1,2}", r"\d?",
    r" ?(?:tháng|thg\.?|th(?=\.? ?\d)\.?) ?(?P<wm>\d{1,2}|" + VI_MONTH_WORDS + r")"
    r"(?!\w) ?[,/\-]? ?(?:năm ?)?(?P<wy>\d{4})(?!\d)",
)
# Tháng mười một 16, 2024; Th7 3rd, 2022 (how WordPress prints dates in Vietnamese)
WORDS_MONTH_FIRST = (
    r"(?<!\w)(?:tháng|thg\.?|th(?=\.? ?\d)\.?) ?(?P<vm>\d{1,2}|" + VI_MONTH_WORDS + r")(?!\w) ?"
    r"(?P<vd>\d{1,2})(?:st|nd|rd|th)?(?!\d) ?, ?(?P<vy>\d{4})(?!\d)"
)
# 5 March 2021, 5th of March, 2021, 05-Mar-2021
ENGLISH_DAY_FIRST = (
    r"\d", "ed", r"\d{1,2}", r"\d?",
    r"(?:st|nd|rd|th)?[ \-]+(?:of )?(?P<em>" + EN_MONTH_WORDS + r")\b\.?[ \-,]+(?P<ey>\d{4})(?!\d)",
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
    year = NUMBER[digits]
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def begins_with_number(form: tuple[str, str, str, str, str]) -> str:
    """A form that begins with a number, as a pattern of its own."""
    behind, name, digits, _, rest = form
    return f"(?<!{behind})(?P<{name}>{digits}){rest}"


def after_first_digit(form: tuple[str, str, str, str, str]) -> str:
    """The same form once its first digit is read (DIGIT_DATE reads it, and that no digit stands before it)."""
    behind, name, _, more_digits, rest = form
    return ("" if behind == r"\d" else f"(?<!{behind}\\d)") + f"(?P<{name}>{more_digits}){rest}"


# The readers. A form's first number is read from where the match begins: in DIGIT_DATE its group lacks its
# first digit (in FULL_DATE both are the same).
def read_day_first(found: re.Match) -> date | None:
    # (full_year and make_date written out: the commonest form, read without two calls)
    separator, digits, month = found.group("sep", "y", "m")
    year = NUMBER[digits]
    if len(digits) == 2:
        if separator == "|":
            return None  # "1 | 2 | 24" is a list of numbers, not a date
        year += 2000 if year < 70 else 1900
    elif not MIN_YEAR <= year <= MAX_YEAR:
        return None
    month, day = NUMBER[month], NUMBER[found.string[found.start():found.end("d")]]
    if month > 12 and day <= 12:
        # Month first (8/13/2015, as English-language server software prints it) when day first cannot be right.
        month, day = day, month
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_year_first(found: re.Match) -> date | None:
    return make_date(NUMBER[found.string[found.start():found.end("iy")]], NUMBER[found["im"]], NUMBER[found["id"]])


def read_words_day_first(found: re.Match) -> date | None:
    return make_date(NUMBER[found["wy"]], month_number(found["wm"]), NUMBER[found.string[found.start():found.end("wd")]])


def read_words_month_first(found: re.Match) -> date | None:
    return make_date(NUMBER[found["vy"]], month_number(found["vm"]), NUMBER[found["vd"]])


def read_english_day_first(found: re.Match) -> date | None:
    return make_date(NUMBER[found["ey"]], EN_MONTHS[found["em"][:3]], NUMBER[found.string[found.start():found.end("ed")]])


def read_english_month_first(found: re.Match) -> date | None:
    return make_date(NUMBER[found["ey2"]], EN_MONTHS[found["em2"][:3]], NUMBER[found["ed2"]])


NUMBER_FORMS = {
    "day_first": (DAY_FIRST, read_day_first),
    "year_first": (YEAR_FIRST, read_year_first),
    "words_day_first": (WORDS_DAY_FIRST, read_words_day_first),
    "english_day_first": (ENGLISH_DAY_FIRST, read_english_day_first),
}
DATE_FORMS = {  # (in the order FULL_DATE tries them; a form of words never begins where one of numbers does)
    "day_first": (begins_with_number(DAY_FIRST), read_day_first),
    "year_first": (begins_with_number(YEAR_FIRST), read_year_first),
    "words_day_first": (begins_with_number(WORDS_DAY_FIRST), read_words_day_first),
    "words_month_first": (WORDS_MONTH_FIRST, read_words_month_first),
    "english_day_first": (begins_with_number(ENGLISH_DAY_FIRST), read_english_day_first),
    "english_month_first": (ENGLISH_MONTH_FIRST, read_english_month_first),
}
# The time right after a date; then, looked at without a call of their own, whether the date is lunar
# ("15/7 âm lịch": LUNAR_AFTER) and whether the same date may follow with its time ("30/12/2020 - 30/12/2020
# 09:12": time_of_repeat's gap, then a digit).
TIME_AFTER_DATE = (
    "(?:" + TIME_JOIN + TIME + OFFSET + ")?"
    "(?:(?=(?P<lunar>" + LUNAR_AFTER_UNNAMED + ")))?"
    r"(?:(?=(?P<again>[ ,|\-]{1,6}+\d)))?"
)
# One named group per form (the leftmost date wins), then the time if one follows. The lookahead on
# how a form begins lets the search skip other places fast.
FULL_DATE = compile_fast(
    FORM_STARTS + "(?:" + "|".join(f"(?P<{name}>{form})" for name, (form, _) in DATE_FORMS.items()) + ")"
    + TIME_AFTER_DATE
)
# The same without the forms that begin with a word ("tháng 3 16, 2024", "march 5, 2021"): it begins with a
# digit that no digit stands before, so that the search skips from digit to digit in C (FULL_DATE, which
# begins with a lookahead, is entered at every position: twice the time on a long sentence). Its first
# branch, ``words``, stops it where a form of words may end, at a year after a comma ("16, 2024", "16,2024")
# or after a space after a day or its ordinal ("march 5 2021", "mar 5th 2021"): every form of words holds
# one, and no form of numbers can begin inside one before that year, so a text where DIGIT_DATE finds a
# date before any ``words`` (or at the same place) is read as FULL_DATE would read it.
# After its first digit, a lookahead on what every branch needs next (three more digits, a separator, "th",
# an ordinal, or a space or "-" and a month) leaves a number that begins no date ("lúc 20 giờ") at once.
DIGIT_DATE = compile_fast(
    r"\d(?<!\d\d)(?=\d\d\d|\d?(?:[/.\-|tsnr]| [/.\-|t]|[ \-]+[jfmasond]))(?:(?P<words>\d\d\d(?:(?<=\d \d\d\d\d)|(?<=\d[snrt][tdh] \d\d\d\d)|(?<=,\d\d\d\d)|(?<=, \d\d\d\d)))|"
    + "|".join(f"(?P<{name}>{after_first_digit(form)})" for name, (form, _) in NUMBER_FORMS.items())
    + ")" + TIME_AFTER_DATE
)
#: What date_of gives for DIGIT_DATE's ``words``: read the text with FULL_DATE.
WORDS_FIRST = object()


class Dates(NamedTuple):
    """A full-date pattern with the group numbers date_of and first_date read (looking the groups up by name
    cost more than reading the date)."""

    pattern: re.Pattern
    forms: tuple[tuple[int, Callable[[re.Match], date | None]], ...]
    hour: int
    lunar: int
    again: int


def dates_of(pattern: re.Pattern, forms: dict) -> Dates:
    groups = pattern.groupindex
    return Dates(pattern, tuple((groups[name], read) for name, (_, read) in forms.items()), groups["hour"],
                 groups["lunar"], groups["again"])


ALL_FORMS = dates_of(FULL_DATE, DATE_FORMS)
NUMBER_FORMS_ONLY = dates_of(DIGIT_DATE, NUMBER_FORMS | {"words": (None, lambda found: WORDS_FIRST)})


def date_of(found: re.Match, forms=ALL_FORMS.forms) -> date | None:
    """The day a FULL_DATE (or, with its forms, DIGIT_DATE) match names, or None when it names no real day
    (or WORDS_FIRST)."""
    for group, read in forms:
        if found.start(group) >= 0:
            return read(found)
    return None


# What may stand between a date and the same date printed again with its time ("30/12/2020 - 30/12/2020 09:12").
REPEAT_GAP = re.compile(r"[ ,|\-]{1,6}")


def time_of_repeat(s: str, position: int, day: date) -> Clock | None:
    """The time printed after the same date printed again right away ("30/12/2020 - 30/12/2020 09:12")."""
    gap = REPEAT_GAP.match(s, position)
    if gap is None or not s[gap.end():gap.end() + 1].isdigit():
        return None
    again = FULL_DATE.match(s, gap.end())
    if again is None or again.start(ALL_FORMS.hour) < 0 or date_of(again) != day:
        return None
    return time_of(again)

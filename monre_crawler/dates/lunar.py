"""Lunar dates. "ngày 3/4 (tức ngày 12 tháng Hai năm Tân Sửu 2021)": the solar date is the date; the lunar
one in parentheses only lends its year when the solar date has none, and a lunar date is never taken for a
solar one."""

from __future__ import annotations

import re
from datetime import date, datetime

from .clock import resolve_now
from .forms import make_date
from .words import (CAN, CAN_CHI_WORDS, CAN_SPELLINGS, CHI, CHI_SPELLINGS, EQUIVALENT_WORDS, LUNAR_AFTER_WORDS,
                    VI_MONTH_WORDS, month_number)

CAN_CHI = re.compile(CAN_CHI_WORDS)
LUNAR_WORDS = re.compile(r"âm lịch|(?<!\w)(?:âl|al|mùng|mồng)(?!\w)|tháng (?:giêng|chạp)")
# The parenthesis after a date that gives the same day in the other calendar.
EQUIVALENT = re.compile(r"\( ?" + EQUIVALENT_WORDS + r"[^()]*\)")
# A date followed by one of these is a lunar date (read_shape looks; the full-date patterns look themselves).
LUNAR_AFTER = re.compile(LUNAR_AFTER_WORDS)
# A day and month with no year, right before a parenthesis.
DAY_MONTH_AT_END = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2}) ?(?:[/.\-]|tháng) ?(?P<m>\d{1,2}) ?,? ?$"
)
LUNAR_MONTH = re.compile(r"tháng (?P<m>\d{1,2}|" + VI_MONTH_WORDS + r")(?!\w)")
FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def is_lunar(text: str) -> bool:
    """Whether the text speaks of the lunar calendar ("âm lịch", "mùng", a can-chi year name)."""
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

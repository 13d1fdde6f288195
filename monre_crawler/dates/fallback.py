"""Step 5 of reading a date: the guarded dateparser fallback, for English month names in forms the patterns
do not know. Only a text with an English month name next to a day and something like a year is handed to
dateparser, and its answer is kept only if it is a whole date in 1950-2099 that does not depend on the day
dateparser was run."""

from __future__ import annotations

import re
from datetime import date, datetime

from .clock import VN_TZ
from .forms import FORM_STARTS, MAX_YEAR
from .words import EN_MONTH_WORDS

#: Only the first this-many normalised characters go to the dateparser fallback.
MAX_FALLBACK = 200

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


def shared_parser():
    """The package's one dateparser DateDataParser, built on first use."""
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
                # Relative phrases are read by .relative, against the crawl's time; whatever dateparser
                # reads against this day is out of the accepted years and dropped.
                "RELATIVE_BASE": datetime(1900, 1, 1),
            },
        )
    return _dateparser


def read_with_dateparser(s: str, parser=shared_parser) -> date | datetime | None:
    """What dateparser reads in ``s``, or None when the guards stop ``s`` or the answer is no whole date.

    ``parser()`` gives the DateDataParser; it is called only for a text the guards let through.
    """
    s = s[:MAX_FALLBACK]
    if not ENGLISH_MONTH.search(s) or not EN_MONTH_AND_DAY.search(s):
        return None  # every Vietnamese and numeric form is read by the patterns: dateparser would only guess
    if not any(len(n) == 2 or (len(n) == 4 and n[:2] in ("19", "20")) for n in NUMBERS.findall(s)):
        return None  # no year
    result = parser().get_date_data(s)
    value = result.date_obj
    if value is None or getattr(result, "period", "day") != "day" or not 1950 <= value.year <= MAX_YEAR:
        return None
    value = value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)
    if value.time() == datetime.min.time() and not HAS_TIME.search(s):
        return value.date()
    return value.replace(microsecond=0)

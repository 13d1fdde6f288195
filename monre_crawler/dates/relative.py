"""Step 4 of reading a date: relative phrases ("2 giờ trước", "cách đây 3 ngày", "hôm qua", "vừa xong",
"2 hours ago"), read against the crawl's time; one coarser than a day ("3 tuần trước") has no exact date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .characters import DIGIT
from .clock import resolve_now, time_after, time_before, with_time
from .words import NUMBER_WORDS

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
# What a text read_relative or the dateparser fallback finds anything in holds: "trước", "cách đây", "ago", a
# day word's "nay", "hôm", "vừa", "day", "just", or the start of an English month. One look for all of them
# (each branch begins with its own letter) spares a text without any both looks of their own.
RELATIVE_OR_ENGLISH = re.compile(
    "trước|cách đây|a(?:go|pr|ug)|n(?:ay|ov)|hôm|vừa|d(?:ay|ec)|j(?:ust|an|u[nl])|feb|ma[ry]|sep|oct"
)
UNITS = {
    "giây": "second", "sec": "second", "second": "second",
    "phút": "minute", "min": "minute", "minute": "minute",
    "giờ": "hour", "tiếng": "hour", "hour": "hour", "hr": "hour",
    "ngày": "day", "day": "day",
    "tuần": "week", "week": "week", "tháng": "month", "month": "month", "năm": "year", "year": "year",
}
SECONDS = {"second": 1, "minute": 60, "hour": 3600}


def amount(word: str) -> int:
    """A count printed in digits or in words ("3", "ba", "an")."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def read_relative(s: str, now) -> date | datetime | None:
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
    if not ("nay" in s or "hôm" in s or "vừa" in s or "day" in s or "just" in s):
        return None  # (what every day word holds, looked for faster than DAY_WORDS or one pattern of them)
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

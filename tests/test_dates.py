"""Tests for monre_crawler.dates: a table of (text, now, expected) and property tests.

`now` is always passed in explicitly; nothing here reads the global clock.
"""

from __future__ import annotations

import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monre_crawler import dates
from monre_crawler.dates import VN_TZ, parse_date, to_iso

from .utils import load_date_table

FILES = Path(__file__).parent / "files"
TABLE_FILES = ("vi-date-examples.tsv", "vi-date-cases.tsv")


def load_table(path: Path):
    now, rows = load_date_table(path)
    return [pytest.param(text, now, expected, id=f"{path.name}:{lineno}") for lineno, text, expected in rows]


TABLE = [row for name in TABLE_FILES for row in load_table(FILES / name)]
NOW = datetime(2025, 3, 20, 15, 30, tzinfo=VN_TZ)


@pytest.fixture
def now() -> datetime:
    return NOW


def test_table_is_big_enough():
    assert len(TABLE) >= 150


@pytest.mark.parametrize(("text", "now", "expected"), TABLE)
def test_table(text, now, expected):
    got = parse_date(text, now)
    assert (to_iso(got) or "NONE") == expected
    if expected == "NONE":
        assert got is None
    elif "T" in expected:
        assert isinstance(got, datetime)
        assert got.isoformat().endswith("+07:00")
    else:
        assert type(got) is date


# --- return types, to_iso, now handling ------------------------------------------------


def test_types_and_iso(now):
    d = parse_date("20/03/2025", now)
    assert type(d) is date and to_iso(d) == "2025-03-20"
    dt = parse_date("20/03/2025 09:15", now)
    assert isinstance(dt, datetime) and dt.utcoffset() == timedelta(hours=7)
    assert dt.isoformat() == "2025-03-20T09:15:00+07:00" == to_iso(dt)
    assert to_iso(None) is None
    assert to_iso(datetime(2025, 3, 20, 2, 15, tzinfo=timezone.utc)) == "2025-03-20T09:15:00+07:00"


@pytest.mark.parametrize(
    "anchor",
    [
        datetime(2025, 3, 20, 15, 30),  # naive: taken as Vietnamese local time
        datetime(2025, 3, 20, 8, 30, tzinfo=timezone.utc),  # aware elsewhere: converted
    ],
)
def test_now_variants(anchor):
    assert to_iso(parse_date("3 giờ trước", anchor)) == "2025-03-20T12:30:00+07:00"
    assert parse_date("hôm qua", anchor) == date(2025, 3, 19)


def test_now_anchors_relative_only(now):
    other = datetime(2020, 1, 1, 12, 0, tzinfo=VN_TZ)
    assert parse_date("20/03/2025", other) == parse_date("20/03/2025", now)
    assert parse_date("hôm nay", other) == date(2020, 1, 1)


def test_vua_xong_is_now(now):
    assert parse_date("vừa xong", now) == now


def test_fallback_handles_rarer_forms(now):
    # Not one of the fast path's forms: handed to the dateparser fallback.
    got = parse_date("Thu Mar 20 09:15:00 2025", now)
    assert to_iso(got) == "2025-03-20T09:15:00+07:00"


def test_fallback_errors_are_swallowed(monkeypatch, now):
    def broken():
        raise RuntimeError("fallback exploded")

    monkeypatch.setattr(dates, "_fallback_parser", broken)
    assert parse_date("Thu Mar 20 09:15:00 2025", now) is None


def test_fallback_not_called_for_junk_or_common_forms(monkeypatch, now):
    calls = []
    monkeypatch.setattr(dates, "_fallback_parser", lambda: calls.append(1))
    for text in ["Theo Báo Tài nguyên và Môi trường", "Tin liên quan", "2025", "Năm 2025", "15",
                 "Lượt xem: 1234", "Thứ Năm, 20/03/2025 09:15", "ngày 13 tháng 7 năm 2024",
                 "3 giờ trước", "Jul 13, 2024", "Ngày đăng: 20/03/2025 | 09:15"]:
        parse_date(text, now)
    assert calls == []


# --- never raises ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [None, "", " ", 0, 12.5, b"20/03/2025", ["20/03/2025"], object(), "\x00" * 50, "31/04/2025",
     "29/02/2023", "9" * 5000, "20/03/" * 20000, "ngày " * 20000, "&#99999999999;", "\ud800",
     "1/1/1 1:1:1 " * 1000],
)
def test_junk_never_raises(junk, now):
    got = parse_date(junk, now)
    assert got is None or isinstance(got, date)


def test_100kb_of_junk_is_quick(now):
    junk = ("Lorem ipsum 12 34 số 1171-KH/ĐU ::: --- /// " * 3000)[:100_000]
    start = time.perf_counter()
    assert parse_date(junk, now) is None
    assert time.perf_counter() - start < 1.0


def test_bad_now_does_not_raise():
    assert parse_date("hôm qua", now="yesterday") is None  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_never_raises(text):
    got = parse_date(text, NOW)
    assert got is None or type(got) is date or (isinstance(got, datetime) and got.tzinfo is not None)


_ALPHABET = st.sampled_from(list("0123456789/-.:, hHgTZ+()ngàytháng năm thứ giờ phút SA CH am pm trước"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_date_like_text_never_raises(text):
    got = parse_date(text, NOW)
    assert got is None or isinstance(got, date)


# --- every valid date in every numeric form comes back as itself -----------------------

FORMS = [
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d:%d/%m/%Y}",
    lambda d: f"{d:%d-%m-%Y}",
    lambda d: f"{d:%d.%m.%Y}",
    lambda d: f"{d:%d/%m/%y}",
    lambda d: f"{d:%Y-%m-%d}",
    lambda d: f"{d:%Y/%m/%d}",
]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
SHORT_WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.sampled_from(range(len(FORMS))),
    st.sampled_from(["none", "long", "short", "number"]),
    st.sampled_from(["", "after", "before"]),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.sampled_from([" ", " - ", " | ", ", "]),
    st.booleans(),
)
def test_numeric_forms_round_trip(d, form, weekday, time_pos, t, joiner, nfd):
    text = FORMS[form](d)
    if weekday == "long":
        text = f"{WEEKDAYS[d.weekday()]}, {text}"
    elif weekday == "short":
        text = f"{SHORT_WEEKDAYS[d.weekday()]}, {text}"
    elif weekday == "number" and d.weekday() < 6:
        text = f"Thứ {d.weekday() + 2}, {text}"
    hhmm = f"{t:%H:%M}"
    if time_pos == "after":
        text = f"{text}{joiner}{hhmm}"
    elif time_pos == "before":
        text = f"{hhmm}{joiner}{text}"
    if nfd:
        text = unicodedata.normalize("NFD", text)
    got = parse_date(text, NOW)
    if time_pos:
        assert got == datetime.combine(d, t, tzinfo=VN_TZ), text
        assert to_iso(got) == f"{d.isoformat()}T{hhmm}:00+07:00"
    else:
        assert type(got) is date and got == d, text


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.booleans())
def test_word_form_round_trip(d, with_place):
    text = f"ngày {d.day} tháng {d.month} năm {d.year}"
    if with_place:
        text = f"Hà Nội, {text}"
    assert parse_date(text, NOW) == d


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1990, max_value=2040),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=29, max_value=35),
    st.sampled_from(range(len(FORMS))),
)
def test_impossible_dates_are_none(y, m, day, form):
    try:
        date(y, m, day)
    except ValueError:
        pass
    else:
        return
    text = FORMS[form](type("D", (), {"day": day, "month": m, "year": y,
                                      "__format__": lambda self, spec: _fmt(self, spec)})())
    assert parse_date(text, NOW) is None, text


def _fmt(d, spec):
    return (spec.replace("%d", f"{d.day:02d}").replace("%m", f"{d.month:02d}")
            .replace("%Y", f"{d.year:04d}").replace("%y", f"{d.year % 100:02d}"))

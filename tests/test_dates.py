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


# --- the families real pages print (issue 17), each with its exact value --------------------------------

FAMILIES = {
    "prime after the minutes": [
        ("09:30’ 05/03/2021", "2021-03-05T09:30:00+07:00"),
        ("09:30' 05/03/2021", "2021-03-05T09:30:00+07:00"),
        ("16:13′ - 10/04/2021", "2021-04-10T16:13:00+07:00"),
        ("Thứ 6, 05/03/2021 - 09:30’", "2021-03-05T09:30:00+07:00"),
        ("05/03/2021 lúc 9h30’", "2021-03-05T09:30:00+07:00"),
    ],
    "words and time glued to the date": [
        ("Xã hội05/06/202114:20", "2021-06-05T14:20:00+07:00"),
        ("Đất đai20/06/2024", "2024-06-20"),
        ("Chuyển đổi dữ liệu26.04.2018", "2018-04-26"),
        ("Thời sự05/06/20219:05", "2021-06-05T09:05:00+07:00"),
    ],
    "solar date with its lunar equivalent": [
        ("ngày 3/4 (tức ngày 12 tháng Hai năm Tân Sửu 2021)", "2021-04-03"),
        ("ngày 3/2 (tức ngày 22 tháng Chạp năm Nhâm Dần 2022)", "2023-02-03"),
        ("ngày 3/2 (tức ngày 22 tháng Chạp năm Nhâm Dần)", "2023-02-03"),  # the can-chi name gives the year
        ("thứ Bảy 14/2/2026 (tức 27 tháng Chạp, năm Ất Tỵ)", "2026-02-14"),
        ("ngày 22 tháng Giêng năm Tân Sửu (tức ngày 5/3/2021)", "2021-03-05"),
        ("ngày 15/7/2024 âm lịch (tức 18/8/2024)", "2024-08-18"),
        ("ngày 15/8/2021 âm lịch", "NONE"),
        ("Rằm tháng Giêng năm Tân Sửu", "NONE"),
    ],
    "spaces and pipes around the separators": [
        ("05 / 06 / 19", "2019-06-05"),
        ("05 / 06 / 2019 09:30", "2019-06-05T09:30:00+07:00"),
        ("Đăng ngày:13/09/ 2022", "2022-09-13"),
        ("Ngày đăng: 08 | 04 | 2024", "2024-04-08"),
        ("1 | 2 | 24", "NONE"),
    ],
    "a day and month without a year": [
        ("Hôm nay, 03/04", "NONE"),
        ("Hôm nay (27.1) là tròn 7 năm", "NONE"),
        ("17 giờ hôm nay 4.10, tâm bão số 11", "NONE"),
        ("Sáng 20/3, Bộ TN&MT", "NONE"),
        ("Chiều ngày 28/7, tại trụ sở UBND", "NONE"),
        ("Tháng 5/2013, Sở đã cho chạy thử", "NONE"),
        ("Hôm nay, 09:15", "2025-03-20T09:15:00+07:00"),
        ("hôm qua lúc 14:30", "2025-03-19T14:30:00+07:00"),
    ],
    "relative phrases": [
        ("2 giờ trước", "2025-03-20T13:30:00+07:00"),
        ("Cập nhật 45 phút trước", "2025-03-20T14:45:00+07:00"),
        ("1 giờ 30 phút trước", "2025-03-20T14:00:00+07:00"),
        ("hôm qua", "2025-03-19"),
        ("2 ngày trước", "2025-03-18"),
        ("3 năm trước", "NONE"),
        ("2 tháng trước", "NONE"),
        ("3 tuần trước", "NONE"),
        ("cách đây 1 tuần", "NONE"),
        ("3 years ago", "NONE"),
        ("2 hours ago", "2025-03-20T13:30:00+07:00"),
    ],
    "weekday prefixes, labels and offsets": [
        ("Thứ Hai, 05/03/2021 09:30", "2021-03-05T09:30:00+07:00"),
        ("Thứ hai, 5/3/2021, 09:30 (GMT+7)", "2021-03-05T09:30:00+07:00"),
        ("Cập nhật lúc 09:30 ngày 05/03/2021", "2021-03-05T09:30:00+07:00"),
        ("Cập nhật: 05/03/2021 - 09:30:00 (GMT+7)", "2021-03-05T09:30:00+07:00"),
        ("05/03/2021 09:30 GMT+7", "2021-03-05T09:30:00+07:00"),
        ("thứ tư, 22/9/2021 14:20 GMT+07(PLM)", "2021-09-22T14:20:00+07:00"),
        ("Thứ Hai, 8/3/2021 - 07:05 AM (GMT+7)", "2021-03-08T07:05:00+07:00"),
        ("30/12/2020 -  30/12/2020 09:12", "2020-12-30T09:12:00+07:00"),
    ],
    "words": [
        ("ngày 5 tháng 3 năm 2021", "2021-03-05"),
        ("Thứ Sáu, ngày 05 tháng 03 năm 2021 - 09:30", "2021-03-05T09:30:00+07:00"),
        ("Thứ bảy, Tháng mười một 16, 2024", "2024-11-16"),
        ("CN. Th7 3rd, 2022", "2022-07-03"),
        ("4 Tháng Tư, 2025", "2025-04-04"),
        ("Hồi 18 giờ 30 phút ngày 24/9/2024", "2024-09-24T18:30:00+07:00"),
        ("Tháng Ba 2023", "NONE"),
        ("số p.h 1, Tháng Ba 2023", "NONE"),
    ],
    "numbers and ISO": [
        ("05-03-2021", "2021-03-05"),
        ("05.03.2021", "2021-03-05"),
        ("2021-03-05T09:30:00+07:00", "2021-03-05T09:30:00+07:00"),
        ("2021-03-05T02:30:00.000Z", "2021-03-05T09:30:00+07:00"),
        ("8/13/2015 2:59:23 PM", "2015-08-13T14:59:23+07:00"),  # month first only when day first is impossible
        ("Wed, 26 Jul 2017 19:41:14 +0700", "2017-07-26T19:41:14+07:00"),
    ],
    "twelve-hour clocks and parts of the day": [
        ("5/3/2021 - 9:30 SA", "2021-03-05T09:30:00+07:00"),
        ("5/3/2021 - 9:30 CH", "2021-03-05T21:30:00+07:00"),
        ("05/03/2021 9:30:00 PM", "2021-03-05T21:30:00+07:00"),
        ("Ngày 05/03/2021 lúc 09:30 sáng", "2021-03-05T09:30:00+07:00"),
        ("5/3/2021 3 giờ chiều", "2021-03-05T15:00:00+07:00"),
        ("8 giờ tối 5/3/2021", "2021-03-05T20:00:00+07:00"),
        ("Cập nhật: 9:30 sáng 5/3/2021", "2021-03-05T09:30:00+07:00"),
    ],
    "odd characters": [
        ("０５/０３/２０２１ ０９：３０", "2021-03-05T09:30:00+07:00"),  # full-width
        ("05/03/2021\u00a009:30", "2021-03-05T09:30:00+07:00"),  # no-break space
        ("05/03/2021\u200b09:30", "2021-03-05T09:30:00+07:00"),  # zero-width space
        ("05/03/2021 \u2013 09:30", "2021-03-05T09:30:00+07:00"),  # en dash
        ("Thu\u031b\u0301 Hai, nga\u0300y 5 tha\u0301ng 3 na\u0306m 2021", "2021-03-05"),  # NFD
    ],
}
FAMILY_CASES = [pytest.param(text, expected, id=f"{family}: {text}")
                for family, cases in FAMILIES.items() for text, expected in cases]


@pytest.mark.parametrize(("text", "expected"), FAMILY_CASES)
def test_families(monkeypatch, text, expected, now):
    calls = []
    monkeypatch.setattr(dates, "_fallback_parser", lambda: calls.append(text))
    assert (to_iso(parse_date(text, now)) or "NONE") == expected
    assert calls == []  # read by the fast path: none of these reach dateparser


def test_relative_phrases_follow_now():
    later = datetime(2026, 1, 1, 8, 0, tzinfo=VN_TZ)
    assert to_iso(parse_date("2 giờ trước", later)) == "2026-01-01T06:00:00+07:00"
    assert parse_date("hôm qua", later) == date(2025, 12, 31)
    assert parse_date("3 năm trước", later) is None


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
                 "3 giờ trước", "Jul 13, 2024", "Ngày đăng: 20/03/2025 | 09:15",
                 "Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca", "Trang 1 2 3 4 5 2024", "máy may 12 2024",
                 "Hôm qua (25.1), ban tổ chức SEA Games 33"]:
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
    lambda d: f"{d:%d} / {d:%m} / {d:%y}",
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
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.sampled_from(["'", "’", "′"]),
    st.sampled_from(["", "Xã hội", "Tin tức - "]),
)
def test_prime_and_glued_forms_round_trip(d, t, prime, words):
    moment = datetime.combine(d, t, tzinfo=VN_TZ)
    assert parse_date(f"{t:%H:%M}{prime} {d:%d/%m/%Y}", NOW) == moment
    assert parse_date(f"{words}{d:%d/%m/%Y}{t:%H:%M}", NOW) == moment


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

"""The mae.gov.vn profile's URL rules and the backfill's bookkeeping (no network)."""

from __future__ import annotations

import pytest

from monre_crawler.backfill import Backfill
from monre_crawler.sites import mae

BASE = "https://mae.gov.vn"


@pytest.mark.parametrize("url, expected", [
    # the observed forms (site model)
    ("https://mae.gov.vn/nganh-thuy-san-can-tap-trung-tao-ot-pha-ve-khoa-hoc-cong-nghe-19022.htm", 19022),
    ("https://mae.gov.vn/thuy-san-kiem-ngu/ngung-hieu-luc-thi-hanh-quy-dinh-kich-thuoc-toi-thieu-20498.htm", 20498),
    ("https://mae.gov.vn/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=22238", 22238),
    ("https://dcc.mae.gov.vn/bo-nong-nghiep-va-moi-truong-3881.htm", 3881),
    ("/smpt_publishing_uc/khaithac/tintuc/pintintuc.aspx?itemid=21376", 21376),
    ("https://mae.gov.vn/Nganh-Thuy-San-19022.htm", 19022),
    # not articles
    ("https://mae.gov.vn/", None),
    ("https://mae.gov.vn/gioi-thieu.htm", None),
    ("https://mae.gov.vn/tin-123.htm", None),  # fewer than 4 digits
    ("https://mae.gov.vn/a/b/slug-19022.htm", None),  # two path levels
    ("https://mae.gov.vn/slug-19022.html", None),
    ("https://mae.gov.vn/Pages/chitietvanbandh.aspx?ItemID=224", None),
    ("https://mae.gov.vn/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=abc", None),
    ("https://mae.gov.vn/noidung/Lists/VBQPPL/Attachments/514/1_DanhMuc_TT_DiaDanh_BanHanh.pdf", None),
])
def test_article_id(url, expected):
    assert mae.article_id(url) == expected


def test_url_forms():
    short = f"{BASE}/nganh-thuy-san-19022.htm"
    long = f"{BASE}/thuy-san-kiem-ngu/nganh-thuy-san-19022.htm"
    printed = mae.print_url(BASE, 19022)
    assert printed == f"{BASE}/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=19022"
    assert mae.is_short_form(short) and not mae.is_short_form(long) and not mae.is_short_form(printed)
    assert mae.is_article_url(long) and not mae.is_article_url(printed) and mae.is_print_url(printed)
    assert mae.url_category_slug(long) == "thuy-san-kiem-ngu"
    assert mae.url_category_slug(short) is None
    assert {mae.article_key(mae.article_id(u)) for u in (short, long, printed)} == {"mae-19022"}


@pytest.mark.parametrize("url, expected", [
    ("https://mae.gov.vn/thuy-san.htm", True),
    ("https://mae.gov.vn/tin-tuc/", True),
    ("https://www.mae.gov.vn/chuyen-muc?id=3", True),
    ("https://mae.gov.vn/", False),
    ("https://mae.gov.vn/slug-19022.htm", False),
    ("https://other.example/thuy-san.htm", False),
    ("https://dcc.mae.gov.vn/thuy-san.htm", False),
    ("mailto:a@mae.gov.vn", False),
    ("https://mae.gov.vn/tim-kiem.htm", False),
    ("https://mae.gov.vn/lien-he.htm", False),
    ("https://mae.gov.vn/Uploads/x.htm", False),
    ("https://mae.gov.vn/files/report.pdf", False),
    ("https://mae.gov.vn/noidung/Lists/VBQPPL/Attachments/1/a.pdf", False),
    ("https://mae.gov.vn/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=1", False),
])
def test_section_candidates(url, expected):
    assert mae.is_section_candidate(url, "mae.gov.vn") is expected


def test_section_slug():
    assert mae.section_slug("https://mae.gov.vn/thuy-san-kiem-ngu.htm?page=2") == "thuy-san-kiem-ngu"
    assert mae.section_slug("https://mae.gov.vn/tin-tuc/Thuy-San/") == "thuy-san"


def drain(backfill, exists, size=10):
    """Run a backfill to its end: every probe answers whether ``exists(id)``. Returns the probed ids."""
    probed = []
    for _ in range(10000):
        batch = backfill.next_batch(size)
        if not batch:
            if backfill.done:
                return probed
            continue
        assert batch == sorted(batch, reverse=True)
        probed += batch
        for item in batch:
            backfill.record(item, exists(item))
    raise AssertionError("the backfill never ends")


def test_backfill_walks_down_skipping_known_ids_to_the_floor():
    known = {100, 99, 95}
    backfill = Backfill(100, floor=90, max_ids=1000, max_gap=50, skip=lambda ids: set(ids) & known)
    probed = drain(backfill, exists=lambda i: i % 2 == 0, size=3)
    assert probed == [98, 97, 96, 94, 93, 92, 91]
    assert backfill.stop_reason == "floor"
    assert (backfill.found, backfill.missing, backfill.skipped) == (4, 3, 3)


def test_backfill_stops_after_max_gap_misses_in_a_row():
    backfill = Backfill(1000, max_ids=10000, max_gap=20)
    probed = drain(backfill, exists=lambda i: i > 950, size=7)
    assert backfill.stop_reason == "gap"
    assert min(probed) <= 950 - 20 + 1  # at least max_gap misses were probed …
    assert min(probed) > 950 - 20 - 7  # … and at most one batch more


def test_backfill_gaps_shorter_than_max_gap_are_crossed():
    holes = set(range(500, 530))  # 30 missing ids in a row, then more items
    backfill = Backfill(600, floor=400, max_ids=10000, max_gap=40)
    probed = drain(backfill, exists=lambda i: i not in holes)
    assert backfill.stop_reason == "floor" and min(probed) == 401


def test_backfill_errors_are_not_gaps():
    backfill = Backfill(100, max_ids=10000, max_gap=5)
    probed = drain(backfill, exists=lambda i: None if i > 50 else False, size=4)
    assert backfill.stop_reason == "gap" and min(probed) < 50


def test_backfill_probes_at_most_max_ids():
    backfill = Backfill(10**6, max_ids=25, max_gap=10**6)
    probed = drain(backfill, exists=lambda i: True)
    assert len(probed) == 25 and backfill.stop_reason == "limit"


def test_backfill_validates_its_bounds():
    with pytest.raises(ValueError):
        Backfill(10, max_gap=0)

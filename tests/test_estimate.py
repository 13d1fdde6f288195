"""The arithmetic of the progress line's estimate of what is left (``monre_crawler/estimate.py``), and the line
``CrawlProgress.message`` builds from it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from monre_crawler import estimate
from monre_crawler.extensions import CrawlRunRecorder
from monre_crawler.listing import PagerExtent
from monre_crawler.progress import CrawlProgress
from monre_crawler.state import CrawlState


def crawl_state(full: bool = False) -> CrawlState:
    return CrawlState("https://monre.gov.vn", None, full)


def read(state: CrawlState, category: str, pages: range, entries: int, extent: PagerExtent | None) -> None:
    state.categories_started.add(category)
    for page in pages:
        state.read_listing_page(category, page, entries, extent)


# --- what is left ----------------------------------------------------------------------------------------------
def test_pages_left_in_categories_whose_pager_showed_its_last_page_are_exact():
    state = crawl_state()
    read(state, "A", range(1, 5), 20, PagerExtent(10, True))  # page 4 of 10: 6 left
    read(state, "B", range(1, 2), 10, PagerExtent(3, True))  # page 1 of 3: 2 left
    known = estimate.left(state, total=2)
    assert (known.pages, known.categories, known.exact, known.unknown) == (8, 2, True, 0)
    assert known.per_page == 18  # (4 × 20 + 1 × 10) / 5 pages read
    assert known.articles == 144


def test_a_window_that_does_not_reach_the_last_page_makes_a_lower_bound():
    state = crawl_state()
    read(state, "A", range(1, 5), 20, PagerExtent(10, True))
    read(state, "B", range(1, 6), 20, PagerExtent(7, False))  # "3 4 [5] 6 7 »": at least 2 left
    known = estimate.left(state, total=2)
    assert (known.pages, known.categories, known.exact) == (8, 2, False)


def test_done_unstarted_numberless_and_lost_categories():
    state = crawl_state()
    read(state, "done", range(1, 4), 20, PagerExtent(3, True))
    state.categories_done.add("done")
    read(state, "no number", range(1, 3), 20, None)  # a pager of "next" links only
    read(state, "at its window's end", range(1, 6), 20, PagerExtent(5, False))  # nothing beyond page 5 shown yet
    read(state, "lost", range(1, 2), 20, PagerExtent(9, True))
    state.lose("https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=lost&Page=2", "HTTP 500", "lost", page=2)
    read(state, "running", range(1, 3), 20, PagerExtent(9, True))
    known = estimate.left(state, total=8)  # 3 categories not started yet
    assert (known.pages, known.categories, known.exact) == (7, 1, True)  # "running" only
    assert known.unknown == 2 + 3


def test_an_incremental_run_does_not_know_how_far_a_crawled_category_pages():
    state = crawl_state(full=False)
    read(state, "A", range(1, 2), 20, PagerExtent(500, True))
    state.categories_complete_before.add("A")  # stops at its first page already stored
    assert (estimate.left(state, 1).pages, estimate.left(state, 1).unknown) == (0, 1)
    state.full = True  # -a full=1 reads every page
    assert (estimate.left(state, 1).pages, estimate.left(state, 1).unknown) == (499, 0)


def test_nothing_read_yet():
    known = estimate.left(crawl_state(), total=12)
    assert (known.pages, known.categories, known.unknown, known.per_page, known.articles) == (0, 0, 12, None, None)


def test_a_pager_showing_a_higher_number_later_raises_the_bound():
    state = crawl_state()
    read(state, "A", range(1, 2), 20, PagerExtent(5, False))
    read(state, "A", range(2, 4), 20, PagerExtent(6, False))
    read(state, "A", range(4, 5), 20, PagerExtent(6, True))
    assert state.paging["A"].pages == 6 and state.paging["A"].last_known and state.paging["A"].left == 2


# --- the pace: a window of time ---------------------------------------------------------------------------------
def test_the_pace_is_that_of_the_window_not_of_the_whole_run():
    pace = estimate.Pace(window=600)
    pace.add(0, 0, 0)
    pace.add(600, 6000, 100)  # fast at first: 10 requests a second, 60 per listing page
    pace.add(1200, 6600, 120)  # then 1 request a second, 30 per listing page
    assert pace.span == 600
    assert pace.seconds_for(10) == pytest.approx(10 * 30 / 1)  # the last 10 minutes' pace only


def test_a_window_without_a_listing_page_uses_the_runs_requests_per_page():
    pace = estimate.Pace(window=600)
    pace.add(0, 0, 0)
    pace.add(600, 2000, 100)  # 20 requests per page over the run
    pace.add(1200, 2600, 100)  # articles of one huge listing: no listing page, 1 request a second
    assert pace.seconds_for(10) == pytest.approx(10 * 26 / 1)


def test_no_pace_without_requests():
    pace = estimate.Pace()
    pace.add(0, 0, 0)
    assert pace.seconds_for(5) is None  # one sample
    pace.add(60, 0, 0)
    assert pace.seconds_for(5) is None  # nothing fetched in the window
    assert pace.seconds_for(0) == 0


# --- in words ---------------------------------------------------------------------------------------------------
def test_describe_an_exact_estimate():
    known = estimate.Left(pages=1234, categories=5, exact=True, unknown=3, per_page=19.5)
    assert estimate.describe(known, 7.2 * 3600, 600) == (
        "1,234 listing pages left in 5 categories (about 24,000 articles at 19.5 per page), about 7.2 h at the "
        "pace of the last 10 min; 3 categories' size not yet known")


def test_describe_a_lower_bound():
    known = estimate.Left(pages=2, categories=1, exact=False, unknown=1, per_page=4.0)
    assert estimate.describe(known, 42, 5) == (
        "at least 2 listing pages left in 1 category (about 8 articles at 4 per page), at least 42 s at the pace "
        "of the last 5 s; 1 category's size not yet known")


def test_describe_what_is_not_known():
    assert estimate.describe(estimate.Left(0, 0, True, 12, None), None, 0) == "12 categories' size not yet known"
    assert estimate.describe(estimate.Left(3, 1, True, 0, 20), None, 60) == (
        "3 listing pages left in 1 category (about 60 articles at 20 per page), time left not known yet")
    assert estimate.describe(estimate.Left(0, 0, True, 0, 20), 0, 60) == ""  # every category paged


# --- the progress line ------------------------------------------------------------------------------------------
def progress(state: CrawlState, stats: dict):
    store = SimpleNamespace(counts={"new": 30, "updated": 1, "unchanged": 2, "duplicate": 0})
    crawler = SimpleNamespace(stats=SimpleNamespace(get_value=lambda key, default=None: stats.get(key, default)),
                              get_extension=lambda cls: SimpleNamespace(store=store) if cls is CrawlRunRecorder else None)
    return CrawlProgress(crawler, interval=60)


def test_the_progress_line_says_what_is_left():
    state = crawl_state()
    read(state, "A", range(1, 3), 20, PagerExtent(12, True))
    ext = progress(state, {"monre/categories": 3, "monre/listing_pages": 2, "downloader/request_count": 43})
    ext.pace.add(0, 0, 0)
    text, values = ext.message(SimpleNamespace(state=state, sizes_categories=True), now=60)
    assert text == ("0 of 3 categories done, 2 listing pages read, 33 articles stored (30 new, 1 updated), "
                    "43 requests; 10 listing pages left in 1 category (about 200 articles at 20 per page), "
                    "about 5 min at the pace of the last 60 s; 2 categories' size not yet known")
    assert values["requests"] == 43


def test_a_spider_that_reads_no_pager_numbers_says_so():
    state = crawl_state()
    read(state, "A", range(1, 3), 20, None)
    ext = progress(state, {"monre/listing_pages": 2, "downloader/request_count": 43})
    text, _ = ext.message(SimpleNamespace(state=state, sizes_categories=False), now=60)
    assert text.endswith("43 requests; what is left is not estimated for this portal")

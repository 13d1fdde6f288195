"""What a listing page's pager shows of its category's size (``listing.pager_extent``): the highest page number,
and whether it is the last page. On saved pages (``tests/files``) and on the stand-in's listing pages."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from monre_crawler.listing import PagerExtent, pager_extent
from standin import Site, pages

from .utils import FILES, file_response

BASE = "https://monre.gov.vn/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai"
POSTBACK = "javascript:__doPostBack('ctl00$PlaceHolderMain$g_3f1c$ctl00$pager','{}')"


def with_pager(pager_html: str, url: str = BASE) -> HtmlResponse:
    """The saved plain-link listing page with another pager in place of its own."""
    html = (FILES / "listing-links.html").read_text(encoding="utf-8")
    start = html.index('<div class="pager">')
    end = html.index("</div>", start) + len("</div>")
    return HtmlResponse(url=url, body=(html[:start] + pager_html + html[end:]).encode(), encoding="utf-8")


def link(page: int, text: str | None = None, title: str = "") -> str:
    title = f' title="{title}"' if title else ""
    return f'<a href="/Pages/ChuyenMuc.aspx?cm=%C4%90%E1%BA%A5t%20%C4%91ai&amp;Page={page}"{title}>{text or page}</a>'


# --- saved pages ---------------------------------------------------------------------------------------------
def test_a_postback_pager_on_its_first_page_shows_at_least_three_pages():
    # "[1] 2 3": the page after 3 may exist (the pager may show a window of numbers)
    response = file_response("listing-postback.html", BASE)
    assert pager_extent(response, 1) == PagerExtent(highest=3, last=False)


def test_a_link_pager_on_its_last_page_shows_its_last_page():
    response = file_response("listing-links.html", BASE + "&Page=2")
    assert pager_extent(response, 2) == PagerExtent(highest=2, last=True)


def test_a_page_without_a_pager_shows_no_page_number():
    assert pager_extent(with_pager(""), 1) is None


# --- pagers the saved page does not show ---------------------------------------------------------------------
def test_a_window_of_numbers_is_a_lower_bound():
    pager = '<div class="pager"><span class="current">1</span> ' + " ".join(link(p) for p in range(2, 6)) \
        + " " + link(2, "»") + "</div>"
    assert pager_extent(with_pager(pager), 1) == PagerExtent(highest=5, last=False)


def test_a_jump_to_the_highest_number_shows_the_last_page():
    pager = '<div class="pager"><span class="current">1</span> ' + " ".join(link(p) for p in (2, 3)) \
        + " … " + link(100) + " " + link(2, "»") + "</div>"
    assert pager_extent(with_pager(pager), 1) == PagerExtent(highest=100, last=True)


def test_a_dots_link_to_the_next_set_of_pages_counts_but_is_not_a_jump():
    # an ASP.NET pager: "1 … 6 7 [8] 9 10 …", the last "…" posting back page 11
    pager = ('<div class="pager">' + f'<a href="{POSTBACK.format(1)}">1</a> <a href="{POSTBACK.format(5)}">...</a> '
             + " ".join(f'<a href="{POSTBACK.format(p)}">{p}</a>' for p in (6, 7)) + ' <span class="current">8</span> '
             + " ".join(f'<a href="{POSTBACK.format(p)}">{p}</a>' for p in (9, 10))
             + f' <a href="{POSTBACK.format(11)}">...</a></div>')
    assert pager_extent(with_pager(pager), 8) == PagerExtent(highest=11, last=False)


@pytest.mark.parametrize("text, title", [("Cuối", ""), ("Trang cuối", ""), ("»»", ""), ("›|", "Trang cuối")])
def test_a_last_page_link_gives_the_number_of_pages(text, title):
    # the window reaches page 40 too: only the "last page" link says that it is the last
    pager = '<div class="pager"><span class="current">36</span> ' + " ".join(link(p) for p in range(37, 41)) \
        + " " + link(37, "»") + " " + link(40, text, title) + "</div>"
    assert pager_extent(with_pager(pager), 36) == PagerExtent(highest=40, last=True)
    assert pager_extent(with_pager(pager.replace(f">{text}<", ">?<").replace(title or "-", "-")), 36) == \
        PagerExtent(highest=40, last=False)


def test_a_postback_last_page_link_gives_the_number_of_pages():
    pager = (f'<div class="pager"><span class="current">55</span> <a href="{POSTBACK.format(56)}">56</a> '
             f'<a href="{POSTBACK.format(57)}">57</a> <a href="{POSTBACK.format("Page$57")}">Cuối</a></div>')
    assert pager_extent(with_pager(pager), 55) == PagerExtent(highest=57, last=True)


def test_a_postback_argument_with_other_numbers_is_no_page_number():
    pager = ('<div class="pager"><span class="current">1</span> '
             f'<a href="{POSTBACK.format("ctl00$ctl02")}">»</a></div>')
    assert pager_extent(with_pager(pager), 1) == PagerExtent(highest=1, last=False)


# --- the stand-in portal's pager: a window of PAGER_WINDOW numbers and "»" -----------------------------------------
@pytest.fixture(scope="module")
def site():
    return Site.generate(n_articles=120, seed=3, per_page=1)


def standin_extent(site, category: str, page: int, **options) -> PagerExtent | None:
    html, shown = pages.render_listing(site, category, page, **options)
    return pager_extent(HtmlResponse(url=BASE, body=html.encode(), encoding="utf-8"), shown)


@pytest.mark.parametrize("style", ["postback", "links"])
def test_the_standin_window_does_not_reach_the_last_page(site, style):
    category = next(c for c, s in site.categories.items() if s == style and site.n_pages(c) > pages.PAGER_WINDOW + 3)
    n = site.n_pages(category)
    assert standin_extent(site, category, 1) == PagerExtent(highest=pages.PAGER_WINDOW, last=False)
    # near the end the window shows the last number, but nothing says it is the last
    assert standin_extent(site, category, n - 2) == PagerExtent(highest=n, last=False)
    assert standin_extent(site, category, n) == PagerExtent(highest=n, last=True)


@pytest.mark.parametrize("style", ["postback", "links"])
def test_the_standin_last_page_link_gives_the_number_of_pages(site, style):
    category = next(c for c, s in site.categories.items() if s == style and site.n_pages(c) > pages.PAGER_WINDOW + 3)
    n = site.n_pages(category)
    assert standin_extent(site, category, 1, last_link=True) == PagerExtent(highest=n, last=True)
    assert standin_extent(site, category, 3, last_link=True) == PagerExtent(highest=n, last=True)
    assert standin_extent(site, category, n - 2, last_link=True) == PagerExtent(highest=n, last=True)


def test_the_standin_endless_pager_is_never_known_to_end(site):
    category = next(iter(site.categories))
    n = site.n_pages(category)
    assert standin_extent(site, category, n + 5, endless=True) == PagerExtent(highest=n + 6, last=False)

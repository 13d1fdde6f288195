"""The spider's callbacks on saved pages (City Bureau style), with a temporary archive: one assertion each."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from monre_crawler.items import ArticleItem, ListingSighting
from monre_crawler.listing import ListingEntry
from monre_crawler.spiders.monre import MonreSpider
from monre_crawler.urls import url_id

from .utils import file_response, open_store

BASE = "https://monre.gov.vn"
LISTING_URL = f"{BASE}/Pages/ChuyenMuc.aspx?cm=T%C3%A0i%20nguy%C3%AAn%20n%C6%B0%E1%BB%9Bc"
SEED_URL = f"{BASE}/Pages/tang-cuong-va-doi-moi-cong-tac-dan-van.aspx"
CATEGORY = "Tài nguyên nước"


@pytest.fixture
def spider(tmp_path):
    crawler = get_crawler(MonreSpider, settings_dict={"MONRE_MAX_PAGES": 5000})
    spider = MonreSpider.from_crawler(crawler, base_url=BASE)
    spider.store = open_store(tmp_path / "monre.db", lock=False)
    yield spider
    spider.store.close()


def listing_page_one(spider):
    response = file_response("listing-postback.html", LISTING_URL)
    return list(spider.parse_listing(response, category=CATEGORY, page=1, seen_pages=frozenset()))


def article_requests(results):
    return [r for r in results if isinstance(r, scrapy.Request) and r.callback.__name__ == "parse_article"]


def test_listing_requests_every_article_not_stored(spider):
    assert len(article_requests(listing_page_one(spider))) == 4


def test_listing_requests_carry_the_article_id(spider):
    request = article_requests(listing_page_one(spider))[0]
    assert request.cb_kwargs["article_id"] == url_id(request.url)


def test_listing_posts_back_for_the_next_page(spider):
    (following,) = [r for r in listing_page_one(spider) if r.callback.__name__ == "parse_listing"]
    assert (following.method, following.cb_kwargs["page"]) == ("POST", 2)


def test_listing_marks_the_category_started_and_unfinished(spider):
    listing_page_one(spider)
    assert (CATEGORY in spider.state.categories_started, spider.store.category_complete(CATEGORY)) == (True, False)


def test_listing_page_seen_before_ends_the_category(spider):
    first = list(spider.parse_listing(file_response("listing-postback.html", LISTING_URL), category=CATEGORY, page=1,
                                      seen_pages=frozenset()))
    seen = frozenset(first[-1].cb_kwargs["seen_pages"])
    again = list(spider.parse_listing(file_response("listing-postback.html", LISTING_URL), category=CATEGORY,
                                      page=2, seen_pages=seen))
    assert (again, CATEGORY in spider.state.categories_done) == ([], True)


def test_listing_of_stored_articles_yields_a_sighting_not_requests(spider):
    for request in article_requests(listing_page_one(spider)):
        spider.store.add_article({"id": request.cb_kwargs["article_id"], "url": request.url, "title": "t",
                                  "content_hash": request.url, "categories": [CATEGORY]})
    spider.store.flush()
    spider.state.pending.clear()
    results = listing_page_one(spider)
    assert ([type(r) for r in results if not isinstance(r, scrapy.Request)], article_requests(results)) == \
        ([ListingSighting], [])


def test_an_article_listed_again_is_fetched_once_with_both_categories(spider):
    article_id = article_requests(listing_page_one(spider))[0].cb_kwargs["article_id"]
    response = file_response("listing-postback.html", LISTING_URL)
    again = list(spider.parse_listing(response, category="Khác", page=1, seen_pages=frozenset()))
    assert (article_requests(again), spider.state.pending[article_id]) == ([], [CATEGORY, "Khác"])


@pytest.fixture
def item(spider):
    spider.state.pending[url_id(SEED_URL)] = [CATEGORY]
    entry = ListingEntry(url=SEED_URL, title="Tăng cường", date_text="01/07/2024")
    (result,) = spider.parse_article(file_response("article.html", SEED_URL), article_id=url_id(SEED_URL),
                                     url=SEED_URL, category=CATEGORY, listing=entry)
    return result


def test_article_item_type(item):
    assert isinstance(item, ArticleItem)


def test_article_item_id(item):
    assert item.id == url_id(SEED_URL)


def test_article_item_url(item):
    assert item.url == SEED_URL


def test_article_item_categories(item):
    assert item.categories == [CATEGORY]


def test_article_item_listing_date(item):
    assert item.listing_date_text == "01/07/2024"


def test_article_item_title(item):
    assert item.title.startswith("Tăng cường")


def test_article_item_layout(item):
    assert item.template == "2024"


def test_article_item_found(item):
    assert item.found == {"title": "selector", "date": "selector", "body": "selector"}


def test_article_no_longer_pending(item, spider):
    assert url_id(SEED_URL) not in spider.state.pending

"""Per-page CPU cost of our own code, offline: the spider's callbacks and the pipelines on saved pages.

    python bench/bench_pages.py [--articles 300] [--repeat 3] [--profile out.prof]

Generates the stand-in portal, renders its listing and article pages in memory (no HTTP, no Scrapy
engine), then times, in CPU microseconds per page: parsing (``response.selector``), ``is_error_page``,
``listing_entries`` + ``next_page``, ``extract_article``, and the pipelines (dates, hash, SQLite into a
temporary file). The numbers move only when our code does: use them for before/after of an optimisation.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy.http import HtmlResponse, Request  # noqa: E402

from monre_crawler import extract, listing  # noqa: E402
from monre_crawler.items import ArticleItem  # noqa: E402
from monre_crawler.pipelines.content_hash import ContentHashPipeline  # noqa: E402
from monre_crawler.pipelines.dates import DatesPipeline  # noqa: E402
from standin import Portal, Site  # noqa: E402
from monre_crawler.store import Store  # noqa: E402
from scrapy.settings import Settings  # noqa: E402


class _Stats:
    def inc_value(self, *a, **k):
        pass


def fetch_pages(n: int):
    import urllib.request
    from urllib.parse import urljoin

    site = Site.generate(n_articles=n, seed=0)
    listings, articles = [], []
    with Portal(site) as portal:
        home = urllib.request.urlopen(portal.url + "/").read()
        resp = HtmlResponse(portal.url + "/", body=home, encoding="utf-8")
        cats = [urljoin(portal.url, h) for h in resp.css("ul.main-menu a::attr(href)").getall() if "ChuyenMuc" in h]
        seen = set()
        for cat in cats:  # pages 1, 2, … of each category through the plain-link pager parameter
            for number in range(1, 4):
                url = f"{cat}&Page={number}"
                body = urllib.request.urlopen(url).read()
                listings.append((url, body))
                page = HtmlResponse(url, body=body, encoding="utf-8")
                for entry in listing.listing_entries(page):
                    path = entry.url.split("?")[0].lower()
                    if len(articles) < n and path not in seen:
                        seen.add(path)
                        articles.append((entry.url.split("?")[0], urllib.request.urlopen(entry.url).read(), entry))
    return listings, articles


def timed(label, func, items, repeat, results):
    best = None
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            func(item)
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
    results.append((label, best / len(items) * 1e6))


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--articles", type=int, default=300)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--profile")
    a = p.parse_args(argv)
    listings, articles = fetch_pages(a.articles)

    def responses(pages):
        return [HtmlResponse(url, body=body, encoding="utf-8", request=Request(url)) for url, body, *_ in pages]

    results = []
    timed("parse (lxml, via parsel)", lambda page: HtmlResponse(page[0], body=page[1], encoding="utf-8").selector,
          articles, a.repeat, results)
    arts = responses(articles)
    for r in arts:
        _ = r.selector  # parse outside the timings below
    timed("is_error_page (article)", extract.is_error_page, arts, a.repeat, results)
    lists = responses(listings)
    for r in lists:
        _ = r.selector
    timed("listing_entries+next_page", lambda r: (listing.listing_entries(r), listing.next_page(r, 1)), lists,
          a.repeat, results)
    pairs = list(zip(arts, [e for *_, e in articles]))
    timed("extract_article", lambda p: extract.extract_article(p[0], p[1].title, p[1].date_text), pairs,
          a.repeat, results)

    items = []
    for r, e in pairs:
        f = extract.extract_article(r, e.title, e.date_text)
        items.append(ArticleItem(id=r.url, url=r.url, title=f.title, summary=f.summary, body_text=f.body_text,
                                 body_html=f.body_html, date_text=f.date_text, listing_date_text=e.date_text,
                                 source=f.source, image_urls=f.image_urls, attachments=f.attachments,
                                 categories=["x"], template=f.template, found=f.found))
    dates, hashes = DatesPipeline(_Stats()), ContentHashPipeline()
    timed("dates+content_hash pipelines", lambda i: hashes.process_item(dates.process_item(i)), items, a.repeat,
          results)

    def store_all(_):  # a fresh archive each pass; opening it is not timed
        nonlocal store
        for item in items:
            store.add_article(dataclasses.asdict(item))
        store.flush()

    tmp = tempfile.TemporaryDirectory()
    best = None
    for i in range(a.repeat):
        settings = Settings()
        settings.setmodule("monre_crawler.settings")
        settings.set("SQLITE_PATH", str(Path(tmp.name) / f"b{i}.db"))
        store = Store.from_settings(settings)
        start = time.process_time()
        store_all(None)
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
        store.close()
    results.append(("SQLite store (per article)", best / len(items) * 1e6))
    print(f"{len(articles)} article pages, {len(listings)} listing pages; CPU µs per page (best of {a.repeat})")
    for label, us in results:
        print(f"  {label:<32} {us:>8.0f}")
    if a.profile:
        prof = cProfile.Profile()
        prof.enable()
        for r, e in pairs:
            extract.is_error_page(r)
            extract.extract_article(r, e.title, e.date_text)
        prof.disable()
        prof.dump_stats(a.profile)


if __name__ == "__main__":
    main()

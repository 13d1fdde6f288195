"""The baseline of ``bench/bench_crawl.py``: a bare Scrapy spider that fetches the pages ``monre`` fetches.

Home page → every category in the menu → every page of each category (the ASP.NET postback pager through
``form2request``, as the real spider, or plain links) → every listed article, yielding a raw dict per
article (its URL and the length of its text). No extraction, no dates, no deduplication beyond Scrapy's
own, no database. Run from a folder outside the project, so that no project setting applies:

    scrapy runspider bench/bare_spider.py -a base_url=http://127.0.0.1:8765 [-a stats_file=out.json]
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import scrapy
from form2request import form2request

POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, stats_file: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = base_url.rstrip("/")
        self.stats_file = stats_file

    async def start(self):
        yield scrapy.Request(self.base_url + "/", callback=self.parse_home)

    def parse_home(self, response):
        for href in response.css("ul.main-menu a::attr(href)").getall():
            if "chuyenmuc.aspx" in href.lower():
                yield response.follow(href, callback=self.parse_listing, cb_kwargs={"page": 1})

    def parse_listing(self, response, page: int):
        for href in response.css("div.row.item .item-title a::attr(href)").getall():
            # The listings link an article several ways (case, ?Source=…): fetch each article once.
            path = urlsplit(response.urljoin(href)).path.lower()
            if path.startswith("/pages/") and path.endswith(".aspx"):
                yield scrapy.Request(self.base_url + path, callback=self.parse_article, priority=10)
        for link in response.css("div.pager a"):
            if link.css("::text").get("").strip() != str(page + 1):
                continue
            href = link.attrib.get("href", "")
            postback = POSTBACK.search(href)
            if postback:
                data = {"__EVENTTARGET": postback[1], "__EVENTARGUMENT": postback[2]}
                yield form2request(response.css("form")[0], data, click=False).to_scrapy(
                    callback=self.parse_listing, cb_kwargs={"page": page + 1})
            else:
                yield response.follow(href, callback=self.parse_listing, cb_kwargs={"page": page + 1})
            break

    def parse_article(self, response):
        yield {"url": response.url, "length": len(response.text)}

    def closed(self, reason):
        if self.stats_file:
            with open(self.stats_file, "w") as f:
                json.dump({k: v for k, v in self.crawler.stats.get_stats().items()
                           if isinstance(v, (int, float, str))}, f)

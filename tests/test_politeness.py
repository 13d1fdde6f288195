"""The README promises the portal at least DOWNLOAD_DELAY (1 s) between requests: measured over HTTP."""

from __future__ import annotations

from standin import Portal, Site

from .conftest import crawl


def test_at_least_one_second_between_requests(tmp_path):
    site = Site.generate(n_articles=3, seed=2, per_page=4)
    category = next(iter(site.categories))
    polite = {"DOWNLOAD_DELAY": "1", "AUTOTHROTTLE_ENABLED": "1", "CONCURRENT_REQUESTS": "2",
              "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}  # the project's own politeness settings, not the tests' FAST
    with Portal(site) as portal:
        result = crawl(portal.url, tmp_path / "monre.db", f"categories={category}", settings=polite)
        arrivals = portal.arrivals
    assert result.returncode == 0, result.stderr[-2000:]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert len(gaps) >= 5  # robots.txt, home, listing, articles
    # Scrapy's default jitter (0.5-1.5 x DOWNLOAD_DELAY) would make some of these gaps ~0.5 s.
    assert min(gaps) >= 0.95, [round(g, 3) for g in gaps]

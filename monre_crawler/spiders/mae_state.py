"""The mae spider's crawl state: the shared :class:`~monre_crawler.state.CrawlState`, plus what discovery by URL
form, the frame detection and the backfill by id keep during a run (ids fetched and linked, the URL forms of
each id, the boxes of links and the texts seen on several pages), and ``state_key``, the ``crawl_state`` key
of a section. The spider (:mod:`monre_crawler.spiders.mae`) and its section and backfill parts
(:mod:`monre_crawler.spiders.mae_sections`, :mod:`monre_crawler.spiders.mae_backfill`) share it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..backfill import Backfill
from ..sites import mae as site
from ..state import CrawlState

DISCOVERIES = ("home", "section", "article_links", "backfill")


def state_key(name: str) -> str:
    """A section's key in ``crawl_state``, which is shared with monre.gov.vn's categories."""
    prefix = f"{site.PORTAL}: "
    return name if name.startswith(prefix) else prefix + name


@dataclass
class MaeCrawlState(CrawlState):
    """The shared crawl state, plus what discovery by URL form and the backfill by id keep."""

    backfill: str | None = None  # -a backfill (None: the MAE_BACKFILL setting)
    backfill_mode: str = "off"  # what this run does: off, new, all, a number, or "auto: new" / "auto: all"
    stored_max_before: int = 0  # the highest id stored before this run
    max_seen: int = 0  # the highest id linked in this run
    fetched: set[int] = field(default_factory=set)  # ids requested in this run (any URL form, print view)
    forms: dict[int, set[str]] = field(default_factory=dict)  # id -> the URLs it was linked under in this run
    found_by: Counter = field(default_factory=Counter)  # articles fetched, by the discovery that found them first
    linked: dict[str, set[int]] = field(default_factory=dict)  # discovery -> the ids it linked
    sections: dict[str, str] = field(default_factory=dict)  # section slug -> category name
    hints: dict[int, str] = field(default_factory=dict)  # id -> the first text (or image alt) of a link to it
    # box (the ids of the articles linked in one container) -> where it was shown: "home", "article" (an
    # article page), "section: <name>"; a box shown in two places besides a section is the site's frame
    boxes: dict[frozenset, set[str]] = field(default_factory=dict)
    articles_read: int = 0  # article pages read (not print views)
    page_texts: Counter = field(default_factory=Counter)  # folded heading / <title> texts -> pages showing them
    doc_titles: Counter = field(default_factory=Counter)  # folded <title>s of article pages -> pages
    repeated: set[str] = field(default_factory=set)  # the texts of either counted twice or more

    def count_texts(self, counter: Counter, texts) -> None:
        for text in texts:
            counter[text] += 1
            if counter[text] == 2:
                self.repeated.add(text)

    def site_texts(self) -> frozenset[str]:
        """Texts that name no article: headings and ``<title>`` parts of several listing pages (the site's
        name, box headings), ``<title>``s of several article pages that none of their headings prints (a
        print view's generic one)."""
        return frozenset(self.repeated)
    probes: Backfill | None = None
    refetching: bool = False  # a page linked articles: the lost and re-checked articles are requested
    news_places = "section or article link on the home page"  # what a home page of the portal shows

    def found_news_places(self) -> int:
        """Sections that listed articles, and articles the home page linked."""
        return len(self.categories_started) + len(self.linked.get("home", ()))

    def news_found(self) -> int:
        """The article links read (stored or not), and the articles the backfill found by id."""
        return self.listed + self.found_by["backfill"]

    @property
    def arguments(self) -> dict:
        return {**super().arguments, "backfill": self.backfill or self.backfill_mode}  # the argument, or the setting

    def category_key(self, name: str) -> str:
        """A lost page's sections are not done: under their ``crawl_state`` key."""
        return state_key(name)

    def discovery(self) -> dict:
        """Which discovery found the articles fetched in this run, what each linked, what the backfill did
        (``crawl_runs.fields`` → ``discovery``)."""
        counts: dict = {via: self.found_by[via] for via in DISCOVERIES}
        counts["linked"] = {via: len(self.linked.get(via, ())) for via in DISCOVERIES[:3]}
        counts["sections"] = len(self.categories_started)
        counts["backfill_mode"] = self.backfill_mode
        if self.probes is not None:
            counts["backfill_probes"] = self.probes.summary()
        return counts

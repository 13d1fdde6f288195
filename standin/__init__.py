"""Stand-in MONRE portal: a local HTTP server imitating monre.gov.vn for tests, demo and benchmark.

* :mod:`.model` - data model (:class:`Article`, :class:`Site`), deterministic generator,
  fault plans and the expected values tests compare a crawl against;
* :mod:`.pages` - HTML rendering (home, listings with both pager styles, articles in the
  2024 / 2021 / "unknown" templates, error pages);
* :mod:`.server` - :class:`Portal`, a ThreadingHTTPServer with fault switches;
* ``python -m standin`` - serve a generated site until Ctrl-C.
"""
from .model import CATEGORIES, FAULTS, Article, Expected, FaultPlan, Site, seed_article, slugify

__all__ = ["Article", "Site", "FaultPlan", "Expected", "CATEGORIES", "FAULTS", "seed_article", "slugify", "Portal"]


def __getattr__(name):
    if name == "Portal":
        from .server import Portal
        return Portal
    raise AttributeError(name)

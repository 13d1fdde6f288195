"""The ``monre`` spider: every news category of the ministry's portal, monre.gov.vn, through all its pages."""

from __future__ import annotations

from ..sites.monre import PROFILE
from .base import PortalSpider


class MonreSpider(PortalSpider):
    """Crawl the news of the Ministry of Natural Resources and Environment (monre.gov.vn).

    The shared mechanics (:class:`~monre_crawler.spiders.base.PortalSpider`) with the portal's profile
    (:mod:`monre_crawler.sites.monre`). Spider arguments (``-a NAME=VALUE``), documented in full in
    :class:`~monre_crawler.spiders.base.PortalSpider`:

    ``base_url``
        The portal to crawl. Default: ``https://monre.gov.vn``.
    ``categories``
        Comma-separated category names to crawl (case and diacritics ignored). Default: every category.
    ``full``
        ``1`` to fetch every listed article again; ``0`` (default) for an incremental run.

    Every run also re-checks stored articles for edits and removals (recent ones; all with ``full=1``).
    """

    name = "monre"
    profile = PROFILE

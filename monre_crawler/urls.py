"""Canonical article URLs and the stable ids derived from them.

One canonical URL is one article row. SharePoint serves ``/Pages/x.aspx`` and ``/pages/X.aspx`` as the
same page, and links carry back-link (``Source``) and tracking (``utm_*``) parameters, so:

- :func:`canonical_url` puts a link on ``base_url``'s scheme and host, drops fragments and the parameters
  that never select content (the portal profile's ``keeps_param`` says which: on monre.gov.vn, ``Source``
  and ``utm_*``) and normalises percent-encoding (keeping the path's letter case, for display);
- :func:`url_id` hashes the canonical path and query, lower-cased: the same page linked any of those
  ways gets the same id, and the id does not change if the portal moves between http and https.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from .text import short_hash

def canonical_url(url: str, base_url: str, keeps_param: Callable[[str], bool] = lambda name: True) -> str:
    """The canonical form of ``url`` (absolute, or relative to ``base_url``'s site), without the query
    parameters for which ``keeps_param(name)`` is false."""
    parts = urlsplit(url)
    base = urlsplit(base_url)
    scheme, netloc = parts.scheme, parts.netloc
    if not netloc or netloc.lower().removeprefix("www.") == base.netloc.lower().removeprefix("www."):
        scheme, netloc = base.scheme, base.netloc
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if keeps_param(k)])
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def url_id(canonical: str) -> str:
    """Stable 16-hex-digit id of a canonical URL: its path and query, case-folded."""
    parts = urlsplit(canonical)
    key = parts.path.lower() + ("?" + parts.query.lower() if parts.query else "")
    return short_hash(key)

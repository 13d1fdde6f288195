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

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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


# --- Which URLs may be stored or rendered -----------------------------------------------------------------
# Everything the portal serves is untrusted: a link or image the archive keeps ends up as an ``href`` or
# ``src`` in a reader's browser, where ``javascript:``, ``vbscript:`` or ``data:`` would run the portal's
# script in Datasette's origin. Only absolute http(s) URLs are kept; everything else is dropped (the caller
# logs and counts it). Browsers remove ASCII tabs and newlines anywhere in a URL and C0 controls and spaces
# around it before reading the scheme (WHATWG URL), so ``java\tscript:`` is ``javascript:``: we do the same
# before judging, and judge the URL after it is made absolute.
SAFE_SCHEMES = frozenset({"http", "https"})
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_url(url, base: str | None = None) -> str | None:
    """``url`` made absolute against ``base``, when it is an http(s) URL with a host; else None.

    ``None`` for ``javascript:``, ``vbscript:``, ``data:``, ``file:``, ``mailto:`` and any other scheme,
    however it is spelled (upper case, spaces around it, tabs or newlines inside it), for URLs with control
    characters, and for relative URLs without a ``base``. A protocol-relative ``//host/x`` takes ``base``'s
    scheme.
    """
    if not isinstance(url, str):
        return None
    url = url.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
    if not url or _CONTROL.search(url):
        return None
    try:
        absolute = urljoin(base, url) if base else url
        parts = urlsplit(absolute)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range (http://h:99999999/), as Request would
    except ValueError:  # e.g. an invalid IPv6 literal, a bad port
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not host:
        return None
    return absolute


def is_safe_url(url) -> bool:
    """Whether ``url`` is already an absolute http(s) URL (what every stored URL must be)."""
    return url is not None and safe_url(url) == url


def is_portal_url(url: str, base_url: str) -> bool:
    """Whether ``url`` is an http(s) URL of the portal ``base_url`` (``www.`` or not): attached documents
    are fetched only from there."""
    if not is_safe_url(url):
        return False
    parts = urlsplit(url)
    portal = urlsplit(base_url).hostname or ""
    return parts.hostname.lower().removeprefix("www.") == portal.lower().removeprefix("www.")

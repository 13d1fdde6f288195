"""Text normalisation shared by extraction, hashing and storage.

Vietnamese text reaches us as NFC or NFD, with ``&nbsp;`` indents, zero-width characters and, on broken
pages, bytes that are not UTF-8. Everything the crawler
compares, hashes or stores goes through :func:`clean` first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# \s in a str pattern already covers U+00A0 (&nbsp;) and the other Unicode spaces. Only runs of two or more
# and single characters other than " " need replacing: the same result as \s+ -> " ", with far fewer
# replacements (most of a page's whitespace is single spaces).
_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")
# Characters that carry nothing a reader sees: zero-width spaces/joiners, BOMs, soft hyphens, and U+FFFD,
# which decoding puts where a page had bytes that were not UTF-8 (the spider logs and counts those pages).
# A character class, not str.translate with a dict: translate looks up every character of the text in a
# Python dict, 4-5x slower than the regex on a page-sized string.
# C0 controls other than whitespace (and DEL) are invisible too, and not allowed in XML or in lxml's trees.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC, invisible characters dropped, runs of whitespace (``&nbsp;`` included) collapsed."""
    if not text:
        return ""
    text = nfc(text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def short_hash(*parts: str, length: int = 16) -> str:
    """A stable hex digest of the NFC form of ``parts`` (joined by a separator that text never holds)."""
    digest = hashlib.sha256("\x1f".join(nfc(p or "") for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


def fold(text: str) -> str:
    """Fold Vietnamese to unmarked lower-case ASCII-ish text: ``Đất đai`` -> ``dat dai``.

    Used where a comparison must ignore diacritics (category names given on the command line).
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def for_message(text: str | None, limit: int = 80) -> str:
    """Untrusted text (a page's title, a portal's error) made fit for one line of a message: :func:`clean`,
    control and format characters (line breaks, bidirectional overrides, …) turned into spaces, at most
    ``limit`` characters (cut with ``…``)."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn") else c
                   for c in nfc(text or ""))
    text = clean(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

"""Step 1 of reading a date: the text made plain, as the patterns of the other modules expect it."""

from __future__ import annotations

import html
import re
import unicodedata

#: Only the first this-many characters of a text are read.
MAX_INPUT = 4096

# Odd spaces and invisible characters become a space, dashes a hyphen, primes and curly quotes an
# apostrophe ("09:30’").
PLAIN_CHARACTERS = str.maketrans(
    {c: " " for c in "\x85\u2028\u2029\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u200b\u200c\u200d\u2060\u202f\u205f\u3000\ufeff\u00ad"}
    | {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"}
    | {c: "'" for c in "\u2018\u2019\u201b\u2032\u00b4`"}
)

ODD_CHARACTERS = re.compile("[" + "".join(map(chr, PLAIN_CHARACTERS)) + "]")
# An odd character or white space other than a plain space: what a text needs more than lower case for.
UNUSUAL = re.compile("[" + "".join(map(chr, PLAIN_CHARACTERS)) + "\n\t\r\f\v]")

# A digit: a text without one holds no date, only a relative word ("hôm qua"); a date begins near the first.
DIGIT = re.compile(r"\d")


def plain_character(found: re.Match) -> str:
    return PLAIN_CHARACTERS[ord(found[0])]


def normalise(text: str) -> str:
    """The text as the patterns expect it: NFKC, plain spaces, dashes and primes, lower case."""
    text = text[:MAX_INPUT]
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if UNUSUAL.search(text) is None:  # (the common case: one look for what the lines below look for)
        text = text.lower()
        return " ".join(text.split()) if "  " in text else text.strip()
    text = ODD_CHARACTERS.sub(plain_character, text)  # (translate() is slower than this: odd characters are few)
    text = text.lower()
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return " ".join(text.split())
    return text.strip()

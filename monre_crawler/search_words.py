"""What a reader types, as a full-text query: one way for the search boxes, the canned searches and the feeds.

The indexes (``articles_fts``, ``documents_fts``, schema.py) hold the text with đ/Đ folded to d/D in their
``folded`` column, cut into words by FTS5's ``unicode61 remove_diacritics 2`` tokenizer, which also folds
case and the other marks. A typed query is made the same way:

- :func:`fold`: NFC (what cannot be UTF-8, a lone surrogate, as ``?``); the invisible characters that
  ``text.clean`` drops from stored text (zero-width spaces and joiners, BOM, soft hyphen) dropped; control
  characters (NUL, tab, line breaks, …) made spaces; đ/Đ folded to d/D.
- :func:`words`: the folded text cut into words by the index's own tokenizer (an FTS5 table of the same
  tokenizer in memory, one per thread), so that every character it takes for a separator (space,
  hyphen, slash, dot, comma, parentheses, quotes, apostrophe, underscore, …) separates words, and no
  word holds one. The words come back as the tokenizer folds them (lower case, no marks), in the order
  typed, each once.
- :func:`words_query`: each word as a quoted FTS5 string, all of them required (FTS5's implicit AND):
  nothing typed is FTS5 syntax (``AND``, ``OR``, ``NEAR(``, ``*``, ``^``, ``:`` are words or
  separators), and ``đất-đai`` means what ``đất đai`` means (both words, anywhere), not a phrase.
  ``''`` when no word is left.
- :func:`match_words`, the SQL function ``monre_words(text)`` (:func:`register`; the Datasette plugin
  ``plugins/monre_search.py`` registers it on every connection): :func:`words_query`, or a query that
  matches nothing when no word is left. The canned queries of ``metadata.yml`` match
  ``… match monre_words(:q)``: the argument is a constant, so SQLite calls it once per query.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata

TOKENIZE = "unicode61 remove_diacritics 2"  # the indexes' tokenizer (schema.py: articles_fts, documents_fts)
FUNCTION = "monre_words"
MATCH_NOTHING = '""'  # an empty FTS5 phrase: no row, and no error (an empty query is a syntax error)

# Dropped as text.clean drops them from what is stored (a word pasted with a zero-width joiner is found).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_local = threading.local()


def fold(text: str) -> str:
    """What the index holds: NFC, invisible characters dropped, control characters as spaces, đ/Đ as d/D."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate (not UTF-8) as "?", a separator
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return text.replace("đ", "d").replace("Đ", "D")


def _tokenizer() -> sqlite3.Connection:
    """This thread's in-memory FTS5 table of the indexes' tokenizer, with its vocabulary of instances."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE VIRTUAL TABLE typed USING fts5(x, tokenize='{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE typed_words USING fts5vocab(typed, 'instance')")
        _local.conn = conn
    return conn


def words(text: str) -> list[str]:
    """The words of ``text`` as the index's tokenizer cuts and folds them, in the order typed, each once."""
    folded = fold(text)
    if not folded.strip():
        return []
    conn = _tokenizer()
    conn.execute("BEGIN")
    try:  # written, read back word by word, and rolled back: the table stays empty
        conn.execute("INSERT INTO typed(rowid, x) VALUES (1, ?)", [folded])
        found = [term for (term,) in conn.execute("SELECT term FROM typed_words ORDER BY offset")]
    finally:
        conn.execute("ROLLBACK")
    return list(dict.fromkeys(found))


def words_query(text: str) -> str:
    """Each word as a quoted FTS5 string, every word required; ``''`` when no word is left."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words(text))


def match_words(text) -> str:
    """The SQL function ``monre_words``: :func:`words_query`, or a query that matches nothing."""
    if text is None:
        return MATCH_NOTHING
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return words_query(str(text)) or MATCH_NOTHING


def register(conn: sqlite3.Connection) -> None:
    """Give a connection ``monre_words(text)`` (the canned queries of metadata.yml call it)."""
    conn.create_function(FUNCTION, 1, match_words, deterministic=True)

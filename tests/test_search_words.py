"""What a reader types, as a full-text query (monre_crawler/search_words.py): the search boxes, the canned
searches and the feeds all cut it into words the same way, as the index's tokenizer cuts the stored text.

Unit tests of the splitter on an in-memory FTS5 table of the index's tokenizer, and the canned queries of
metadata.yml run on a plain sqlite3 connection of a real crawl (``crawled_db``). The same inputs over HTTP
(the search box, the canned queries, the feeds): tests/test_reading.py.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monre_crawler import search_words
from monre_crawler.schema import DOCUMENTS_FTS_SQL, FTS_SQL
from monre_crawler.search_words import MATCH_NOTHING, TOKENIZE, fold, match_words, words, words_query

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("typed, expected", [
    ("đất đai", ["dat", "dai"]),
    ("Đất Đai", ["dat", "dai"]),
    ("ĐẤT ĐAI", ["dat", "dai"]),
    ("dat dai", ["dat", "dai"]),
    (unicodedata.normalize("NFD", "đất đai"), ["dat", "dai"]),
    ("đất-đai", ["dat", "dai"]),
    ("dat-dai", ["dat", "dai"]),
    ("đất/đai", ["dat", "dai"]),
    ("đất.đai", ["dat", "dai"]),
    ("(đất-đai)", ["dat", "dai"]),
    ("(đất.đai)", ["dat", "dai"]),
    ("đất, đai!", ["dat", "dai"]),
    ('"đất đai"', ["dat", "dai"]),
    ('"đất"đai', ["dat", "dai"]),
    ("'đất' 'đai'", ["dat", "dai"]),
    ("đất_đai", ["dat", "dai"]),
    ("đất–đai", ["dat", "dai"]),  # an en dash
    ("đất\x00đai", ["dat", "dai"]),
    ("đất\tđai\n", ["dat", "dai"]),
    ("đất\x07đai\x1f", ["dat", "dai"]),
    ("đất\u200bđai", ["datdai"]),  # a zero-width space: dropped, as text.clean drops it from stored text
    ("\ud800đất", ["dat"]),  # a lone surrogate (not UTF-8): a separator
    ("môi trường", ["moi", "truong"]),
    ("Đo đạc", ["do", "dac"]),
    ("tài nguyên nước", ["tai", "nguyen", "nuoc"]),
    ("QĐ-BTNMT 2023", ["qd", "btnmt", "2023"]),
    ("đất đai đất", ["dat", "dai"]),  # each word once
    ("AND", ["and"]),
    ("đất OR đai", ["dat", "or", "dai"]),
    ("NEAR(đất đai, 2)", ["near", "dat", "dai", "2"]),
    ("đất*", ["dat"]),
    ("^đất", ["dat"]),
    ("title: đất", ["title", "dat"]),
    ("-môi +trường", ["moi", "truong"]),
    ("'; drop table articles; --", ["drop", "table", "articles"]),
    ("", []),
    ("   ", []),
    ("\x00", []),
    ('"', []),
    ("(-.,/!?*^:)", []),
])
def test_the_typed_text_is_cut_into_the_words_of_the_index(typed, expected):
    assert words(typed) == expected


def test_each_word_is_quoted_and_required():
    assert words_query("đất-đai") == '"dat" "dai"'
    assert words_query('NEAR("đất"') == '"near" "dat"'
    assert words_query("?!") == ""
    assert match_words("đất-đai") == '"dat" "dai"'
    assert match_words("?!") == match_words("") == match_words(None) == MATCH_NOTHING
    assert match_words("đất".encode()) == '"dat"'


@pytest.mark.parametrize("typed, folded", [
    ("đất đai", "dất dai"),  # (the tokenizer folds the other marks and case)
    ("ĐẤT", "DẤT"),
    (unicodedata.normalize("NFD", "Đường"), "Dường"),
    ("a\x00b\tc\r\nd", "a b c  d"),
    ("a\u00adb\ufeff", "ab"),
])
def test_fold_is_what_the_index_holds(typed, folded):
    assert fold(typed) == folded


def test_the_tokenizer_is_the_indexes_own():
    for create in (FTS_SQL[0], DOCUMENTS_FTS_SQL[0]):
        assert f"tokenize='{TOKENIZE}'" in create, create


# --- matching, on an index as the archive's -----------------------------------------------------------------
@pytest.fixture(scope="module")
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(folded, tokenize='{TOKENIZE}')")
    search_words.register(conn)
    texts = {
        1: "Luật Đất đai năm 2024",  # the phrase
        2: "Đất nước và dải đai xanh",  # both words, apart
        3: "đất-đai, (đất.đai)",  # the phrase, punctuated
        4: "Đai ốc",  # one word only
        5: "Môi trường",
    }
    conn.executemany("INSERT INTO t(rowid, folded) VALUES (?, ?)",
                     [(i, text.replace("đ", "d").replace("Đ", "D")) for i, text in texts.items()])
    yield conn
    conn.close()


def found(conn, typed: str) -> set[int]:
    return {rowid for (rowid,) in conn.execute("SELECT rowid FROM t WHERE t MATCH monre_words(?)", [typed])}


@pytest.mark.parametrize("typed", ["đất đai", "dat dai", "đất-đai", "dat/dai", "(đất.đai)", '"đất đai"', "đất, đai!",
                                   "ĐẤT\x00ĐAI", "đai đất", "đất\tđai"])
def test_every_way_of_typing_two_words_finds_both_words_anywhere(index, typed):
    assert found(index, typed) == {1, 2, 3}  # not the phrase alone: 2 has both words apart


@pytest.mark.parametrize("typed", ["", "  ", "\x00", "-", '"', "(", ")", "*", "^", ":", "AND", "OR", "NOT", "NEAR(",
                                   "NEAR(đất", "đất OR", "OR đất", '"đất', "đất*)", "t: đất", "{folded}: đất",
                                   "đ" * 300, "đất-" * 75])
def test_nothing_typed_is_fts_syntax(index, typed):
    # No sqlite3.OperationalError (an FTS5 syntax error): what the words find, or nothing when none is left.
    assert found(index, typed) == (found(index, " ".join(words(typed))) if words(typed) else set())


def test_operators_are_words(index):
    assert found(index, "đất OR môi") == set()  # "or" is a word no text holds, not FTS5's OR
    assert found(index, "NEAR(đất đai)") == set()


# Vietnamese letters, separators, and any character a URL or SQLite can carry (a lone surrogate cannot: see above).
_TYPED = st.text(st.sampled_from(list("đĐdaấtẤưƯờơnước -/.,()_'\"\x00\t")) | st.characters(exclude_categories=["Cs"]),
                 max_size=40)


@settings(max_examples=300, deadline=None)
@given(_TYPED)
def test_each_word_is_one_token_of_the_index(typed):
    """Every word, tokenized again by the index's tokenizer, is itself: a quoted word is never a phrase."""
    for word in words(typed):
        assert words(word) == [word], (typed, word)


@settings(max_examples=200, deadline=None)
@given(_TYPED, _TYPED)
def test_a_text_is_found_when_it_holds_every_word(typed, text):
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(folded, tokenize='{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        search_words.register(conn)
        conn.execute("INSERT INTO t(rowid, folded) VALUES (1, ?)", [fold(text)])
        held = {term for (term,) in conn.execute("SELECT term FROM v")}
        assert bool(found(conn, typed)) == bool(words(typed) and set(words(typed)) <= held), (typed, text)
    finally:
        conn.close()


def test_words_on_many_threads():
    results, errors = {}, []

    def work(i):
        try:
            results[i] = [words_query(f"đất-đai {i} môi.trường") for _ in range(200)]
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(set(r) == {f'"dat" "dai" "{i}" "moi" "truong"'} for i, r in results.items())


# --- the canned queries of metadata.yml ------------------------------------------------------------------------
def canned_searches() -> dict[str, str]:
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["monre"]["queries"]
    return {name: q["sql"] for name, q in queries.items() if re.search(r"\bmatch\b", q["sql"], re.I)}


def test_every_canned_search_matches_the_words_of_q():
    searches = canned_searches()
    assert {"search", "feed_search", "search_documents"} <= set(searches)
    for name, sql in searches.items():
        matches = re.findall(r"\bmatch\s+(\S+)", sql, re.I)
        assert matches and all(m.startswith("monre_words(:q)") for m in matches), (name, matches)
        assert "replace(:q" not in sql and "substr(:q" not in sql, name


@pytest.fixture
def archive(crawled_db):
    conn = sqlite3.connect(f"file:{crawled_db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.mark.parametrize("name", ["search", "feed_search", "search_documents"])
def test_a_canned_search_uses_the_index_and_makes_the_words_once(archive, name):
    sql = canned_searches()[name]
    calls = []

    def counted(text):
        calls.append(text)
        return match_words(text)

    archive.create_function(search_words.FUNCTION, 1, counted, deterministic=True)
    plan = [row["detail"] for row in archive.execute("EXPLAIN QUERY PLAN " + sql, {"q": "đất-đai", "portal": ""})]
    assert any(re.match(r"SCAN (articles|documents)_fts VIRTUAL TABLE INDEX \d+:M", d) for d in plan), plan
    rows = archive.execute(sql, {"q": "đất-đai", "portal": ""}).fetchall()
    assert calls == ["đất-đai"]  # one call per query, not one per row
    if name != "search_documents":  # (the crawl's documents hold other words)
        assert rows


@pytest.mark.parametrize("name", ["search", "feed_search", "search_documents"])
def test_a_canned_search_finds_the_same_for_any_punctuation(archive, name):
    search_words.register(archive)
    sql = canned_searches()[name]
    key = "document" if name == "search_documents" else "article"

    def run(q):
        return sorted(tuple(row[key] for row in archive.execute(sql, {"q": q, "portal": ""})))

    for a, b in (("dat dai", "đất-đai"), ("môi trường", "(môi.trường)"), ("tài nguyên", '"tài/nguyên"')):
        assert run(a) == run(b), (a, b)
    assert run("(-.,/!?)") == run("") == run("\x00") == []

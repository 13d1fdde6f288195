"""The speed-ups of monre_crawler.dates that must not change a match: optional groups compiled as branches
(compiled.py) and the table of numbers (words.NUMBER). Their effect on whole answers is checked by
bench/compare_dates.py against an earlier version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monre_crawler.dates import clock, fast, forms
from monre_crawler.dates.characters import normalise
from monre_crawler.dates.compiled import WRITTEN, optional_groups_as_branches
from monre_crawler.dates.words import NUMBER

from .utils import load_date_table

FILES = Path(__file__).parent / "files"


@pytest.mark.parametrize("pattern, expected", [
    (r"a(?:bc)?d", r"a(?:bc|)d"),
    (r"a(bc)?d", r"a(?:(bc)|)d"),
    (r"(?P<x>\d\d)?", r"(?:(?P<x>\d\d)|)"),
    (r"(?:a|b)?", r"(?:a|b|)"),
    (r"((?:a)?b)?", r"(?:((?:a|)b)|)"),           # nested
    (r"(?:ab)??c(?:de)?+", r"(?:ab)??c(?:de)?+"),   # lazy and possessive left as they are
    (r"a ?\(?b\)?", r"a ?\(?b\)?"),                 # single characters and escaped parentheses
    (r"[)(]?(?:x)?", r"[)(]?(?:x|)"),               # parentheses in a class
    (r"[]a)]?(?:x)?", r"[]a)]?(?:x|)"),             # "]" first in a class
    (r"(?=(?P<l>ab))?", r"(?:(?=(?P<l>ab))|)"),
])
def test_optional_groups_are_written_as_branches(pattern, expected):
    assert optional_groups_as_branches(pattern) == expected


def test_unbalanced_pattern_is_refused():
    with pytest.raises((ValueError, IndexError)):
        optional_groups_as_branches("(a")


def date_texts() -> list[str]:
    texts = []
    for path in sorted(FILES.glob("vi-date-*.tsv")):
        texts += [normalise(text) for _, text, _ in load_date_table(path)[1]]
    return texts


@pytest.mark.parametrize("module, name", [
    (fast, "SHAPE"), (forms, "DIGIT_DATE"), (forms, "FULL_DATE"), (clock, "TIME_AFTER"), (clock, "TIME_ANYWHERE"),
    (clock, "GAP_BEFORE_DATE"),
], ids=lambda value: value if isinstance(value, str) else value.__name__.rsplit(".", 1)[-1])
def test_compiled_patterns_match_as_written(module, name):
    """Each pattern compiled with its optional groups as branches finds what the pattern as written finds (same
    span, same groups, same last group) on every normalised text of the date tables, from three places in each."""
    pattern = getattr(module, name)
    written = re.compile(WRITTEN[pattern])
    assert written.pattern != pattern.pattern and written.groupindex == pattern.groupindex
    compared = 0
    for text in date_texts():
        for position in {0, len(text) // 3, len(text) // 2}:
            for method in ("search", "match"):
                a, b = getattr(written, method)(text, position), getattr(pattern, method)(text, position)
                assert (a and (a.span(), a.groups(), a.lastindex)) == (b and (b.span(), b.groups(), b.lastindex)), \
                    (name, method, text, position)
                compared += 1
    assert compared > 1000


def test_number_table_is_int():
    for digits, number in NUMBER.items():
        assert number == int(digits)
    assert NUMBER["2150"] == 2150 and NUMBER["007"] == 7 and NUMBER["٣"] == 3  # not in the table: int()
    assert "2150" not in NUMBER  # (computed, not kept)

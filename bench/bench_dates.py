"""Benchmark monre_crawler.dates.parse_date against plain dateparser, side by side in one run.

    python bench/bench_dates.py [--repeat N] [--show-misses] [--only] [EXTRA.tsv ...]

For each set (the examples file, our own cases, the two held-out sets, and any table given on
the command line in the same TSV format, e.g. a held-out set kept outside the project) it prints
the count, the accuracy and the strings per second of

* ``parse_date(text, now)``, and
* plain ``dateparser.parse(text, languages=["vi"], settings={"DATE_ORDER": "DMY",
  "RELATIVE_BASE": now})`` (RELATIVE_BASE is only added so that relative strings
  are judged against the same ``now``: without it plain dateparser could never
  be right on them),

and the speed ratio.  How dateparser's answers are scored (made as fair as we can):

* expected NONE: right when dateparser returns None;
* expected a date (no time of day in the text): right when dateparser's datetime
  has that calendar date, whatever its time (it always returns a datetime, with
  00:00 or the current time filled in; we do not hold that against it);
* expected a datetime: right when dateparser's datetime, read as Vietnamese local
  time when naive or converted to +07:00 when aware, equals it to the second.

parse_date is scored strictly: ``to_iso(result)`` must equal the expected value,
so a date must be a ``date`` and a time of day an aware +07:00 ``datetime``.

Speed: after one warm-up pass each (which also builds parse_date's lazy dateparser
fallback and dateparser's own caches), the two parsers take turns over the whole set
``--repeat`` times (parse_date ten passes a turn, dateparser one), so that both see the
same machine; each pass is timed in CPU time (``time.process_time``) and the median pass
of each is reported.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402

from monre_crawler import dates  # noqa: E402
from monre_crawler.dates import VN_TZ, parse_date, to_iso  # noqa: E402
from tests.utils import load_date_table  # noqa: E402

SETS = [
    ("examples", ROOT / "tests" / "files" / "vi-date-examples.tsv"),
    ("own cases", ROOT / "tests" / "files" / "vi-date-cases.tsv"),
    ("holdout", ROOT / "bench" / "dates-holdout.tsv"),
    ("real", ROOT / "bench" / "dates-real.tsv"),
    ("independent", ROOT / "bench" / "dates-independent.tsv"),  # collected by someone who never saw the parser
]


def load(path: Path):
    now, rows = load_date_table(path)
    return now, [(text, expected) for _, text, expected in rows]


def score_ours(result, expected: str) -> bool:
    return (to_iso(result) or "NONE") == expected


def score_dateparser(result, expected: str) -> bool:
    if expected == "NONE":
        return result is None
    if result is None:
        return False
    if "T" not in expected:
        return result.date() == date.fromisoformat(expected)
    if result.tzinfo is None:
        result = result.replace(tzinfo=VN_TZ)
    return result.astimezone(VN_TZ).replace(microsecond=0) == datetime.fromisoformat(expected)


def one_pass(fn, texts, times: int = 1) -> float:
    """CPU seconds for one pass of ``fn`` over ``texts`` (the mean of ``times`` back-to-back passes)."""
    start = time.process_time()
    for _ in range(times):
        for t in texts:
            fn(t)
    return (time.process_time() - start) / times


def timed_pair(ours, plain, texts, repeat: int) -> tuple[float, float]:
    """The median pass of each parser, in CPU time; the passes alternate so that both see the same machine.

    CPU time rather than wall time: on a shared machine the wall clock also counts the time other
    processes hold the CPU, which makes a short pass (parse_date's) look faster than a long one
    (dateparser's) in a lucky moment. A parse_date pass is ten passes back to back, long enough for
    the clock.
    """
    one_pass(ours, texts)  # warm-up
    one_pass(plain, texts)
    ours_passes, plain_passes = [], []
    for _ in range(repeat):
        ours_passes.append(one_pass(ours, texts, 10))
        plain_passes.append(one_pass(plain, texts))
    return statistics.median(ours_passes), statistics.median(plain_passes)


def count_fallbacks(texts, now) -> int:
    """How many of the texts reach parse_date's dateparser fallback (its guard let them through)."""
    calls = 0
    ddp = dates._fallback_parser()
    real = ddp.get_date_data

    def counting(*a, **kw):
        nonlocal calls
        calls += 1
        return real(*a, **kw)

    ddp.get_date_data = counting
    try:
        for t in texts:
            parse_date(t, now)
    finally:
        del ddp.get_date_data
    return calls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--repeat", type=int, default=7, help="timed passes per parser and set (the median is kept)")
    ap.add_argument("--show-misses", action="store_true", help="print the strings each parser gets wrong")
    ap.add_argument("--only", action="store_true", help="measure only the tables given on the command line")
    ap.add_argument("tables", nargs="*", type=Path, help="more date tables (text<TAB>expected[<TAB>source])")
    args = ap.parse_args()
    sets = ([] if args.only else SETS) + [(path.stem[:10], path) for path in args.tables]

    t0 = time.perf_counter()
    dates.warm_fallback()
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"dateparser {dateparser.__version__}; fallback built in {1000 * (time.perf_counter() - t0):.0f} ms")
    header = (f"{'set':<10} {'n':>4} | {'parse_date acc':>14} {'strings/s':>10} {'fallbacks':>9} | "
              f"{'dateparser acc':>14} {'strings/s':>10} | {'speed-up':>8}")
    print(header)
    print("-" * len(header))
    totals = {"n": 0, "ours_ok": 0, "dp_ok": 0, "ours_t": 0.0, "dp_t": 0.0}
    for name, path in sets:
        now, rows = load(path)
        texts = [t for t, _ in rows]

        def ours(t, now=now):
            return parse_date(t, now)

        dp_settings = {"DATE_ORDER": "DMY", "RELATIVE_BASE": now.replace(tzinfo=None)}

        def plain(t, s=dp_settings):
            return dateparser.parse(t, languages=["vi"], settings=s)

        ours_ok = [score_ours(ours(t), e) for t, e in rows]
        dp_ok = [score_dateparser(plain(t), e) for t, e in rows]
        ours_t, dp_t = timed_pair(ours, plain, texts, args.repeat)
        n = len(rows)
        fb = count_fallbacks(texts, now)
        print(f"{name:<10} {n:>4} | {100 * sum(ours_ok) / n:>13.1f}% {n / ours_t:>10.0f} {fb:>9} | "
              f"{100 * sum(dp_ok) / n:>13.1f}% {n / dp_t:>10.0f} | {dp_t / ours_t:>7.0f}x")
        if args.show_misses:
            for (t, e), a, b in zip(rows, ours_ok, dp_ok):
                if not a:
                    print(f"    parse_date miss: {t!r} -> {to_iso(ours(t))} (want {e})")
                if not b:
                    print(f"    dateparser miss: {t!r} -> {plain(t)} (want {e})")
        totals["n"] += n
        totals["ours_ok"] += sum(ours_ok)
        totals["dp_ok"] += sum(dp_ok)
        totals["ours_t"] += ours_t
        totals["dp_t"] += dp_t
    n = totals["n"]
    print("-" * len(header))
    print(f"{'all':<10} {n:>4} | {100 * totals['ours_ok'] / n:>13.1f}% {n / totals['ours_t']:>10.0f} {'':>9} | "
          f"{100 * totals['dp_ok'] / n:>13.1f}% {n / totals['dp_t']:>10.0f} | "
          f"{totals['dp_t'] / totals['ours_t']:>7.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

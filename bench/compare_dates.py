"""Do two versions of ``monre_crawler.dates`` give the same answers? (For changes meant to be speed only.)

    python bench/compare_dates.py [OLD [NEW]] [--count N] [--seed S] [--show K]

OLD and NEW are each a directory holding ``monre_crawler/`` (a checkout, a copy) or a git revision of this
repository (``main``, ``HEAD~2``, a commit; extracted with ``git archive`` into a temporary directory). OLD
defaults to ``main``, NEW to this working tree. Each version runs in its own process (two packages of one
name cannot share one) over the same strings, with the same ``now``, and gives ``type(result).__name__`` and
``to_iso(result)`` for each; the script prints how many strings were compared and how many differ (and the
first ``--show`` differences), and exits 1 when any differ.

The strings: every text of the date tables (``tests/files/*.tsv``, ``bench/dates-*.tsv``), then ``--count``
generated ones (deterministic for a seed), biased towards what the parser's speed-ups touch and their near
misses: day-first and year-first numbers with every separator (right, impossible, month-first, two-digit
years, glued to words or digits), dates in Vietnamese and English words (day first and month first, with and
without commas, ordinals, ``th7``), ``, 2024`` and 4-digit numbers near other numbers, times before and after
(``09:30``, ``9h30``, ``9 giờ 30 phút``, ``SA``/``CH``, offsets), repeated dates, lunar words and parentheses,
relative phrases and day words, long sentences with or without a date, text to normalise (entities, NFD, odd
spaces, dashes and primes, tabs and newlines, upper case, full-width and other Unicode digits), and random
edits of the tables' strings.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2024-07-13T10:00:00+07:00"

WORKER = r"""
import json, sys
from datetime import datetime
sys.path.insert(0, sys.argv[1])
from monre_crawler.dates import parse_date, to_iso
now = datetime.fromisoformat(sys.argv[2])
texts = json.load(open(sys.argv[3], encoding="utf-8"))
with open(sys.argv[4], "w", encoding="utf-8") as out:
    for text in texts:
        value = parse_date(text, now)
        out.write(type(value).__name__ + " " + str(to_iso(value)) + "\n")
"""

# ---------------------------------------------------------------------------------------------- generator

FILLER = (
    "Bộ Tài nguyên và Môi trường tổ chức hội nghị tổng kết công tác năm tại Hà Nội với sự tham gia của "
    "đại biểu các tỉnh thành phố trên cả nước theo kế hoạch số của ủy ban nhân dân tỉnh về việc triển khai "
    "nhiệm vụ trọng tâm cho thấy mức độ ô nhiễm không khí tăng cao trong mùa khô the day of the month may "
    "march on the meeting chỉ số giá tiêu dùng tăng so với tháng trước đó sáng chiều tối nay hôm thứ nhất"
).split()
WORDS = [
    "ngày", "Ngày", "tháng", "Tháng", "thg", "th", "Th", "năm", "Năm", "lúc", "vào", "hồi", "sáng", "chiều",
    "tối", "trưa", "đêm", "giờ", "phút", "giây", "Thứ Năm", "Thứ 2", "thứ hai", "Chủ nhật", "CN", "T5", "Cập nhật:",
    "Ngày đăng:", "Đăng lúc", "Hà Nội,", "Số:", "Kế hoạch số 12/KH-UBND", "QĐ-BTNMT", "hôm nay", "Hôm qua",
    "hôm kia", "bữa nay", "vừa xong", "vừa mới", "just now", "today", "yesterday", "trước", "cách đây",
    "âm lịch", "(âm lịch)", "âl", "AL", "mùng", "mồng", "tháng Giêng", "tháng Chạp", "Tân Sửu", "Giáp Thìn",
    "năm Quý Mão", "kỉ tị", "Canh Tí", "(tức", "(nhằm", "(tức là", ")", "(", "[", "]", "GMT+7", "(GMT+07:00)",
    "UTC", "Z", "+0700", "-05:00", "SA", "CH", "AM", "pm", "p.m.", "a.m", "st", "nd", "rd", "th", "of", "at",
    "on", "Jan", "January", "feb", "Mar", "march", "Apr", "May", "may", "June", "jul", "Aug", "Sept", "sep",
    "Oct", "Nov", "november", "Dec", "December", "Monday", "Thursday", "thu", "Sun", "mười", "mười một",
    "một", "hai", "ba", "bốn", "tư", "bảy", "bẩy", "chạp", "giêng", "Tiếng", "tiếng", "đồng hồ", "weeks",
    "hours ago", "ago", "days", "tuần", "Xã hội", "Đất đai", "HOTLINE:", "0982.095.095", "v1.2.3", "&amp;",
    "&nbsp;", "&#8211;", "&lt;", "TP.HCM", "(TNO)", "-", "|", ",", ".", "/", ":", "'", "’", "–", "…",
]
ODD = [
    "\xa0", "\u2009", "\u200b", "\u202f", "\u3000", "\ufeff", "\xad", "\u2013", "\u2014", "\u2212", "\u2019",
    "\u2032", "`", "\xb4", "\x85", "\u2028", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "  ", "   ",
]
EN_MONTHS = ["jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul",
             "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec",
             "december", "mars", "jane", "decade", "octo"]
VI_MONTHS = ["giêng", "một", "hai", "ba", "tư", "bốn", "năm", "sáu", "bảy", "bẩy", "tám", "chín", "mười",
             "mười một", "một một", "mười hai", "chạp", "mươi"]
CHAR_EDITS = list("0123456789/.-|,: ()'thgnamTHĐđ") + ["\xa0", "\u2019", " ", "  ", "tháng", "năm", "2024",
                                                       ", 2021", "th", "giờ", "h", "g"]


def number(r: random.Random, low: int, high: int, pad: bool = True) -> str:
    n = r.randint(low, high)
    return f"{n:02d}" if pad and r.random() < 0.5 else str(n)


def year(r: random.Random) -> str:
    roll = r.random()
    if roll < 0.7:
        return str(r.randint(1990, 2030))
    if roll < 0.85:
        return f"{r.randint(0, 99):02d}"
    return str(r.choice([r.randint(1880, 1999), r.randint(2030, 2120), r.randint(0, 99999)]))


def day_first(r: random.Random) -> str:
    sep = r.choice("/-.|/////-..")
    s1 = r.choice(["", "", "", " "])
    s2 = s1 if r.random() < 0.9 else r.choice(["", " "])
    sep2 = sep if r.random() < 0.92 else r.choice("/-.|")
    return (number(r, 0, 35) + s1 + sep + s1 + number(r, 0, 14) + s2 + sep2 + s2 + year(r)
            + (r.choice(["/5", ".1", "-2", "5", "14:20", "1:05"]) if r.random() < 0.05 else ""))


def year_first(r: random.Random) -> str:
    sep = r.choice("/-.-")
    return str(r.randint(1890, 2110)) + sep + number(r, 0, 14) + (sep if r.random() < 0.93 else "/") + number(r, 0, 33)


def words_day_first(r: random.Random) -> str:
    month = number(r, 0, 14) if r.random() < 0.6 else r.choice(VI_MONTHS)
    head = r.choice(["", "", "ngày ", "Ngày ", "ngày: "])
    mid = r.choice(["tháng", "tháng", "Tháng", "thg", "thg.", "th", "th.", "THÁNG"])
    gap = r.choice([" ", " ", "", "  "])
    tail = r.choice([" năm ", " năm ", ", ", " ", "/", "-", " năm", ",", " , ", "năm "])
    return head + number(r, 0, 33) + gap + mid + r.choice([" ", " ", ""]) + month + tail + year(r)


def words_month_first(r: random.Random) -> str:
    month = number(r, 0, 14) if r.random() < 0.5 else r.choice(VI_MONTHS)
    mid = r.choice(["Tháng ", "tháng ", "Th", "th", "Th.", "thg ", "Thg", "th "])
    return (mid + month + r.choice([" ", " ", ""]) + number(r, 0, 33, pad=False) + r.choice(["", "", "st", "nd", "rd", "th"])
            + r.choice([", ", ",", " , ", " ", ""]) + year(r))


def english(r: random.Random) -> str:
    month = r.choice(EN_MONTHS)
    month = r.choice([month, month.title(), month.upper(), month[:3] + "."])
    day = number(r, 0, 33, pad=r.random() < 0.3) + r.choice(["", "", "st", "nd", "rd", "th"])
    comma = r.choice([", ", ",", " ", " , ", "", ". "])
    if r.random() < 0.5:
        return month + r.choice([" ", " ", "", ". "]) + day + comma + year(r)
    return day + r.choice([" ", " of ", "-", " - ", ""]) + month + r.choice([" ", ", ", "-", " ,"]) + year(r)


def clock(r: random.Random) -> str:
    hour, minute = number(r, 0, 26), number(r, 0, 62)
    body = r.choice([
        f"{hour}:{minute}", f"{hour}:{minute}", f"{hour}:{minute}:{number(r, 0, 61)}", f"{hour}h{minute}",
        f"{hour}h", f"{hour}g{minute}", f"{hour} giờ {minute} phút", f"{hour} giờ", f"{hour}:{minute}'",
        f"{hour}:{minute}’", f"{hour}:{minute}:00.123", f"{hour}H{minute}", f"{hour}:{minute}{number(r, 0, 9)}",
    ])
    if r.random() < 0.3:
        body += r.choice([" SA", " CH", " AM", " PM", "pm", " p.m.", " sáng", " chiều", " tối", " đêm", " trưa"])
    if r.random() < 0.15:
        body += r.choice([" GMT+7", " (GMT+7)", " (GMT+07:00)", " GMT", " UTC", " +0700", "+07:00", "Z", " GMT+8",
                          " GMT -5", " +2500", " GMT +7"])
    return body


def relative(r: random.Random) -> str:
    n = r.choice([str(r.randint(0, 60)), "một", "hai", "ba", "mười", "an", "a", "one"])
    return r.choice([
        f"{n} {r.choice(['giây', 'phút', 'giờ', 'tiếng', 'ngày', 'tuần', 'tháng', 'năm'])} trước",
        f"cách đây {n} {r.choice(['giây', 'phút', 'giờ', 'ngày', 'tuần', 'năm'])}",
        f"{n} giờ {r.randint(0, 70)} phút trước",
        f"{n} {r.choice(['second', 'min', 'minutes', 'hour', 'hrs', 'day', 'weeks', 'month', 'years'])} ago",
    ])


def lunar(r: random.Random) -> str:
    return r.choice(["(", "( ", ""]) + r.choice(["tức ", "tức là ", "nhằm ", "âm lịch ", "al ", ""]) + r.choice([
        f"ngày {r.randint(1, 30)} tháng {r.choice(VI_MONTHS + [str(r.randint(1, 12))])} năm {r.choice(['Tân Sửu', 'Giáp Thìn', 'Quý Mão', 'Canh Tý'])}",
        f"{r.randint(1, 30)}/{r.randint(1, 12)} âm lịch", f"mùng {r.randint(1, 10)} tháng Giêng",
        f"ngày {r.randint(1, 30)} tháng {r.randint(1, 12)} năm {year(r)}", f"{r.randint(1, 30)}/{r.randint(1, 12)} Âm lịch",
    ]) + r.choice([")", ")", "", " )"])


def line(r: random.Random) -> str:
    """A date line as pages print them: a label or weekday, a time before or after, an offset, words after."""
    date = r.choice([day_first, day_first, day_first, words_day_first, words_month_first, english, year_first])(r)
    head = r.choice(["", "", "", "Thứ Năm, ", "Cập nhật: ", "Ngày đăng: ", "Xã hội", "(HNM) - Ngày ", "Số 12/KH ",
                     "Hà Nội, ngày ", "CN ", "T5, ", "Updated ", "Published: ", "Hôm nay, ", "- ", "(", "1 ",
                     "(tức ngày ", "(Nhằm ", "( âm lịch ", "(al) ", "(AL ", "(tin) ", "Tin (ảnh) "])
    join = r.choice([" ", " - ", " | ", "|", ", ", " , ", " lúc ", "T", "  ", "", " ngày ", ". "])
    roll = r.random()
    if roll < 0.35:
        date = date + join + clock(r)
    elif roll < 0.55:
        date = clock(r) + join + date
    tail = r.choice(["", "", "", "", " (GMT+7)", " GMT+7", ")", " âm lịch", " Tân Sửu", ", Bộ TN&MT tổ chức",
                     " 2 giờ trước", " (tức ngày 12 tháng Hai năm Tân Sửu 2021)", " chiều", " SA", " 12", "."])
    return head + date + tail


PIECES = [
    (day_first, 14), (year_first, 3), (words_day_first, 6), (words_month_first, 5), (english, 6), (clock, 10),
    (relative, 3), (lunar, 2), (lambda r: r.choice(WORDS), 18), (lambda r: " ".join(r.sample(FILLER, r.randint(1, 12))), 10),
    (lambda r: str(r.randint(0, 99999)), 6), (lambda r: number(r, 0, 40) + r.choice("/.-") + number(r, 0, 14), 4),
    (lambda r: r.choice(["", ", ", " , ", ","]) + year(r), 4), (lambda r: r.choice(ODD), 3),
]
JOINS = [" ", " ", " ", " ", "", ", ", " - ", " | ", "|", " lúc ", " ngày ", "T", ". ", "; ", "\n", "  ", " – ",
         "\xa0", "&nbsp;", " (", ") ", ": ", "/", "-", ".", ","]


def piece(r: random.Random) -> str:
    total = sum(w for _, w in PIECES)
    roll = r.uniform(0, total)
    for make, weight in PIECES:
        roll -= weight
        if roll <= 0:
            return make(r)
    return PIECES[0][0](r)


def dress(r: random.Random, s: str) -> str:
    """Upper or title case, NFD, full-width or other Unicode digits, entities, odd spaces and dashes."""
    roll = r.random()
    if roll < 0.06:
        s = s.upper()
    elif roll < 0.1:
        s = s.title()
    if r.random() < 0.05:
        s = unicodedata.normalize("NFD", s)
    if r.random() < 0.03:
        base = r.choice([0xFF10, 0x0660, 0x0966, 0x1D7CE])  # full-width, Arabic-Indic, Devanagari, math bold
        s = "".join(chr(base + ord(c) - 48) if c.isdigit() and c.isascii() and r.random() < 0.7 else c for c in s)
    if r.random() < 0.08:
        s = "".join(r.choice(ODD) if c == " " and r.random() < 0.4 else c for c in s)
    if r.random() < 0.04:
        s = s.replace("-", r.choice(["\u2013", "\u2014", "&#8211;", "\u2212"]))
    if r.random() < 0.02:
        s = r.choice(["&amp;", "&lt;p&gt;", "&#x20;", "&quot;", "&"]) + s
    return s


def edit(r: random.Random, s: str) -> str:
    """A few random insertions, deletions and replacements (near misses of a real string)."""
    chars = list(s)
    for _ in range(r.randint(1, 4)):
        where = r.randint(0, len(chars))
        roll = r.random()
        if roll < 0.4 or not chars:
            chars.insert(where, r.choice(CHAR_EDITS))
        elif roll < 0.7:
            del chars[min(where, len(chars) - 1)]
        else:
            chars[min(where, len(chars) - 1)] = r.choice(CHAR_EDITS)
    return "".join(chars)


def generate(r: random.Random, tables: list[str]) -> str:
    roll = r.random()
    if roll < 0.2 and tables:
        return dress(r, edit(r, r.choice(tables)))
    if roll < 0.3:  # a long sentence, with or without a date inside
        words = r.sample(FILLER, r.randint(10, len(FILLER) - 1))
        for _ in range(r.randint(0, 3)):
            words.insert(r.randint(0, len(words)), piece(r))
        return dress(r, " ".join(words))
    if roll < 0.3005:  # over MAX_INPUT
        return ("x " * r.randint(2000, 2100)) + day_first(r)
    if roll < 0.55:
        return dress(r, line(r))
    parts = [piece(r) for _ in range(r.randint(1, 6))]
    text = parts[0]
    for part in parts[1:]:
        text += r.choice(JOINS) + part
    if r.random() < 0.1:  # the same date printed again with a time
        text = text + r.choice([" - ", ", ", " | ", " "]) + text + " " + clock(r)
    return dress(r, text)


def table_texts() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.utils import load_date_table

    texts = []
    for path in sorted((ROOT / "tests" / "files").glob("*.tsv")) + sorted((ROOT / "bench").glob("dates-*.tsv")):
        try:
            texts += [text for _, text, _ in load_date_table(path)[1]]
        except ValueError:
            continue  # not a date table
    return texts


# ------------------------------------------------------------------------------------------------- runner

def package_dir(spec: str, scratch: Path) -> Path:
    """A directory holding monre_crawler/: ``spec`` itself, or the git revision ``spec`` extracted."""
    path = Path(spec)
    if (path / "monre_crawler" / "dates").is_dir():
        return path.resolve()
    target = scratch
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", spec, "monre_crawler"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def answers(directory: Path, texts_file: Path, scratch: Path) -> list[str]:
    out = scratch / "answers.txt"
    subprocess.run([sys.executable, "-c", WORKER, str(directory), NOW, str(texts_file), str(out)], check=True)
    return out.read_text(encoding="utf-8").split("\n")[:-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("old", nargs="?", default="main", help="a directory holding monre_crawler/ or a git revision")
    ap.add_argument("new", nargs="?", default=str(ROOT), help="the same (default: this working tree)")
    ap.add_argument("--count", type=int, default=200_000, help="generated strings (besides the tables')")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--show", type=int, default=20, help="differences to print")
    args = ap.parse_args()
    tables = table_texts()
    r = random.Random(args.seed)
    texts = tables + [generate(r, tables) for _ in range(args.count)]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        texts_file = scratch / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        (scratch / "old").mkdir()
        (scratch / "new").mkdir()
        old = answers(package_dir(args.old, scratch / "old"), texts_file, scratch)
        new = answers(package_dir(args.new, scratch / "new"), texts_file, scratch)
    assert len(old) == len(new) == len(texts)
    differ = [(t, a, b) for t, a, b in zip(texts, old, new) if a != b]
    dated = sum(not a.startswith("NoneType") for a in new)
    print(f"compared {len(texts)} strings ({len(tables)} from the tables, {args.count} generated, seed {args.seed}; "
          f"{dated} with a date): {len(differ)} differ")
    for text, a, b in differ[:args.show]:
        print(f"  {text!r}: {args.old} {a} / {args.new} {b}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What reading one attached document costs: ``monre_crawler.documents.analyse`` on generated files.

    python bench/bench_documents.py [--pages 300] [--big-pages 2200] [--paragraphs 5000] [--rows 100000]

Makes Vietnamese documents of several sizes (PDF with fpdf2 and DejaVu Sans, as ``standin/files/make.py``
does; DOCX with python-docx; XLSX with openpyxl; a zip bomb), then reads each in its own subprocess and
reports wall seconds, peak RSS of that process (``ru_maxrss``: the interpreter and the libraries included),
status, pages and characters of text, and the note on what was cut or refused.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINE = "Báo cáo tổng kết công tác quản lý đất đai, tài nguyên nước và môi trường biển đảo năm {n}."


def make_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    from standin.files.make import FONT

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    for page in range(pages):
        pdf.add_page()
        for line in range(30):
            pdf.cell(0, 7, LINE.format(n=page * 30 + line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(paragraphs: int) -> bytes:
    import docx

    document = docx.Document()
    for n in range(paragraphs):
        document.add_paragraph(LINE.format(n=n))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows: int) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Số liệu")
    for n in range(rows):
        sheet.append([n, "Cà Mau", "Rừng ngập mặn", n * 1.5, "Ghi chú"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))  # 300 MB of zeros, ~300 KB packed
    return out.getvalue()


def read_one(path: str, extension: str) -> None:
    from monre_crawler import documents

    data = Path(path).read_bytes()
    started = time.perf_counter()
    result = documents.analyse(data, extension)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 3), "status": result.status, "pages": result.pages,
                      "chars": len(result.text or ""), "note": result.note,
                      "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--big-pages", type=int, default=2200)
    parser.add_argument("--paragraphs", type=int, default=5000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--one", nargs=2, metavar=("PATH", "EXT"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, metavar=("INDEX", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        read_one(*args.one)
        return 0
    cases = [
        ("PDF, 2 pages (standin/files)", ".pdf", lambda: (ROOT / "standin/files/bao-cao-dat-dai.pdf").read_bytes()),
        (f"PDF, {args.pages} pages", ".pdf", lambda: make_pdf(args.pages)),
        (f"PDF, {args.big_pages} pages", ".pdf", lambda: make_pdf(args.big_pages)),
        (f"DOCX, {args.paragraphs:,} paragraphs", ".docx", lambda: make_docx(args.paragraphs)),
        (f"XLSX, {args.rows:,} rows x 5", ".xlsx", lambda: make_xlsx(args.rows)),
        ("DOCX zip bomb (300 MB unpacked)", ".docx", make_bomb),
    ]
    if args.make:  # in a process of its own: the reader's peak RSS must not inherit the maker's
        index, path = args.make
        Path(path).write_bytes(cases[int(index)][2]())
        return 0
    options = [f"--pages={args.pages}", f"--big-pages={args.big_pages}", f"--paragraphs={args.paragraphs}",
               f"--rows={args.rows}"]
    print("| document | size | read s | peak RSS MB | status | pages | characters | note |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for index, (name, extension, _) in enumerate(cases):
            path = Path(folder) / f"doc{extension}"
            subprocess.run([sys.executable, __file__, *options, "--make", str(index), str(path)], check=True)
            out = subprocess.run([sys.executable, __file__, "--one", str(path), extension], capture_output=True,
                                 text=True, check=True).stdout
            r = json.loads(out)
            print(f"| {name} | {path.stat().st_size:,} | {r['seconds']} | {r['rss_mb']} | {r['status']} | "
                  f"{r['pages'] if r['pages'] is not None else ''} | {r['chars']:,} | {r['note']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

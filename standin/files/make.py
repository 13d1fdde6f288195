"""Make the small real documents the stand-in serves as attachments (run by hand; the files are committed).

    .venv/bin/python -m standin.files.make

Needs the dev dependency fpdf2 (requirements-dev.txt) and the DejaVu Sans font (Debian: fonts-dejavu-core),
which the PDFs embed (subset) so that their text layer has every Vietnamese mark.
"""

from __future__ import annotations

import io
import struct
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# The words the tests search for (without marks) are in these texts, each in one document only.
PDF_TEXT = [
    "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "Báo cáo tổng kết công tác quản lý đất đai năm 2023",
    "Ô nhiễm không khí tại các đô thị lớn đã được kiểm soát tốt hơn.",
    "Quy hoạch sử dụng đất phải bảo đảm tiết kiệm, hiệu quả và bền vững.",
]
PDF_PAGE_2 = ["Phụ lục: danh mục khu bảo tồn đầm lầy ngập mặn", "Đường bờ biển, rừng phòng hộ và đa dạng sinh học."]
DOCX_TEXT = [
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt kế hoạch ứng phó sự cố tràn dầu trên biển",
    "Điều 1. Phê duyệt kế hoạch kèm theo Quyết định này.",
]
DOCX_TABLE = [["Đơn vị", "Nhiệm vụ"], ["Cục Biển và Hải đảo", "Giám sát chất lượng nước biển ven bờ"]]
XLSX_ROWS = [
    ["Tỉnh", "Diện tích rừng ngập mặn (ha)", "Ghi chú"],
    ["Cà Mau", 56_000, "Mũi Cà Mau"],
    ["Quảng Ninh", 19_000, "Vịnh Hạ Long"],
]
LOST_MARKS_TEXT = [
    "Bo Tai nguyen va Moi truong thong bao ket qua thuc hien ke hoach cua cac don vi trong nam.",
    "Cac tinh thanh pho da hoan thanh viec cap giay chung nhan quyen su dung dat cho nguoi dan.",
    "So lieu duoc tong hop theo bao cao cua So Tai nguyen va Moi truong cac dia phuong.",
]


def make_pdf(lines_by_page, *, text: bool = True) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=timezone.utc))  # reproducible bytes
    pdf.add_font("DejaVu", fname=str(FONT))
    for lines in lines_by_page:
        pdf.add_page()
        if text:
            pdf.set_font("DejaVu", size=12)
            for line in lines:
                pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        else:  # a "scan": drawings only, no text layer
            pdf.set_fill_color(120, 120, 120)
            for i, _ in enumerate(lines):
                pdf.rect(20, 20 + 12 * i, 160, 6, style="F")
    return bytes(pdf.output())


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    for line in DOCX_TEXT:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=2)
    for row in DOCX_TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Rừng ngập mặn"
    for row in XLSX_ROWS:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_ole(stream: str) -> bytes:
    """A minimal OLE compound file (header, one FAT sector, one directory sector) whose root storage holds
    an empty stream named ``stream`` ("WordDocument" for a .doc): enough to be what a legacy Office file is
    to a sniffer, with no content to read."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, sector, mini
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", header, 76, 0)  # first DIFAT entry: the FAT is sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)  # sector 0: FAT; sector 1: directory (end)
    directory = bytearray(512)

    def entry(index, name, kind, child=0xFFFFFFFF):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        base = 128 * index
        directory[base:base + len(raw)] = raw
        struct.pack_into("<HBB", directory, base + 64, len(raw), kind, 1)
        struct.pack_into("<III", directory, base + 68, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<II", directory, base + 116, 0xFFFFFFFE, 0)

    entry(0, "Root Entry", 5, child=1)
    entry(1, stream, 2)
    return bytes(header + fat + directory)


FILES = {
    "bao-cao-dat-dai.pdf": lambda: make_pdf([PDF_TEXT, PDF_PAGE_2]),
    "quyet-dinh-tran-dau.docx": make_docx,
    "rung-ngap-man.xlsx": make_xlsx,
    "cong-van-cu.doc": lambda: make_ole("WordDocument"),
    "bang-cu.xls": lambda: make_ole("Workbook"),
    "ban-scan.pdf": lambda: make_pdf([["x", "x", "x"]], text=False),
    "mat-dau.pdf": lambda: make_pdf([LOST_MARKS_TEXT]),
}


def main() -> int:
    if not FONT.exists():
        sys.exit(f"{FONT} is missing: apt-get install fonts-dejavu-core")
    for name, make in FILES.items():
        data = make()
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

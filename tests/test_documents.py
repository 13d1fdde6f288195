"""Unit tests of monre_crawler.documents: type sniffing, text extraction, readability, on real small files.

The files are the stand-in's attachments (``standin/files/``, made by its ``make.py``); the
odd ones (broken, fake, bombs, NFD) are made here.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monre_crawler import documents as d

FILES = Path(__file__).resolve().parent.parent / "standin" / "files"


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


# --- sniff --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kind", [
    ("bao-cao-dat-dai.pdf", d.PDF),
    ("quyet-dinh-tran-dau.docx", d.DOCX),
    ("rung-ngap-man.xlsx", d.XLSX),
    ("cong-van-cu.doc", d.DOC),
    ("bang-cu.xls", d.XLS),
])
def test_sniff_tells_the_real_type(name, kind):
    assert d.sniff(data(name)) is kind


def test_sniff_believes_the_bytes_not_the_extension():
    assert d.sniff(data("quyet-dinh-tran-dau.docx"), ".doc") is d.DOCX
    assert d.sniff(data("bao-cao-dat-dai.pdf"), ".xlsx") is d.PDF


def test_sniff_finds_a_pdf_header_after_leading_junk():
    assert d.sniff(b"\r\n\x00junk" + data("bao-cao-dat-dai.pdf")) is d.PDF


def test_sniff_uses_the_claimed_extension_for_an_ole_file_without_a_known_stream():
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert d.sniff(blob, ".xls") is d.XLS
    assert d.sniff(blob, ".doc") is d.DOC
    assert d.sniff(blob) is d.OLE


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><head><title>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang</title></head></html>",
    b"\xef\xbb\xbf\n  <html lang='vi'><body>Runtime Error</body></html>",
    b"<?xml version='1.0'?>\n<!-- SharePoint -->\n<html xmlns='http://www.w3.org/1999/xhtml'></html>",
])
def test_sniff_an_html_page_is_not_a_document(body):
    kind = d.sniff(body, ".pdf")
    assert kind is d.HTML and not kind.document


def test_sniff_empty_and_unknown_bytes_are_not_documents():
    assert d.sniff(b"") is d.EMPTY and not d.EMPTY.document
    assert d.sniff(b"just some text, not a PDF") is d.UNKNOWN and not d.UNKNOWN.document


def test_sniff_a_plain_zip_is_an_archive():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bao-cao.txt", "x")
    assert d.sniff(out.getvalue()) is d.ZIP


# --- extract_text -----------------------------------------------------------------------------------------
def test_pdf_text_keeps_every_vietnamese_mark_and_counts_pages():
    result = d.extract_text(data("bao-cao-dat-dai.pdf"), d.PDF)
    assert "Báo cáo tổng kết công tác quản lý đất đai năm 2023" in result.text
    assert "Đường bờ biển, rừng phòng hộ và đa dạng sinh học." in result.text
    assert result.pages == 2
    assert not result.error and result.note == ""


def test_pdf_text_is_nfc():
    text = d.extract_text(data("bao-cao-dat-dai.pdf"), d.PDF).text
    assert text == unicodedata.normalize("NFC", text)


def test_docx_text_has_paragraphs_and_table_cells_in_order():
    text = d.extract_text(data("quyet-dinh-tran-dau.docx"), d.DOCX).text
    lines = text.split("\n")
    assert lines[:3] == ["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch ứng phó sự cố tràn dầu trên biển",
                         "Điều 1. Phê duyệt kế hoạch kèm theo Quyết định này."]
    assert "Giám sát chất lượng nước biển ven bờ" in lines


def test_docx_text_in_nfd_comes_out_nfc():
    import docx

    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Môi trường biển đảo"))
    out = io.BytesIO()
    document.save(out)
    assert d.extract_text(out.getvalue(), d.DOCX).text == "Môi trường biển đảo"


def test_xlsx_text_has_every_sheet_and_cell():
    result = d.extract_text(data("rung-ngap-man.xlsx"), d.XLSX)
    assert result.text.split("\n") == ["# Rừng ngập mặn", "Tỉnh\tDiện tích rừng ngập mặn (ha)\tGhi chú",
                                       "Cà Mau\t56000\tMũi Cà Mau", "Quảng Ninh\t19000\tVịnh Hạ Long"]
    assert result.pages is None


@pytest.mark.parametrize("name, kind", [("cong-van-cu.doc", d.DOC), ("bang-cu.xls", d.XLS)])
def test_legacy_office_files_are_kept_without_text_and_say_so(name, kind):
    result = d.extract_text(data(name), kind)
    assert result.text is None and not result.error
    assert "without text" in result.note


def test_a_broken_pdf_costs_that_document_without_raising():
    broken = data("bao-cao-dat-dai.pdf")[:400]
    result = d.extract_text(broken, d.PDF)
    assert result.error and result.text is None
    assert result.note.startswith("cannot read the PDF")


def test_a_broken_docx_costs_that_document_without_raising():
    result = d.extract_text(b"PK\x03\x04" + b"\x00" * 64, d.DOCX)
    assert result.error and "damaged ZIP" in result.note


def test_pdf_pages_are_capped():
    result = d.extract_text(data("bao-cao-dat-dai.pdf"), d.PDF, max_pages=1)
    assert "đất đai" in result.text and "Phụ lục" not in result.text
    assert result.pages == 2 and result.note == "text of the first 1 of 2 pages only"


def test_pdf_reading_stops_after_max_seconds():
    result = d.extract_text(data("bao-cao-dat-dai.pdf"), d.PDF, max_seconds=0)
    assert result.text == "" and result.note == "text of the first 0 of 2 pages only (reading took over 0 s)"


def test_docx_reading_stops_after_max_seconds():
    import docx

    document = docx.Document()
    for n in range(2500):
        document.add_paragraph(f"Đoạn {n}")
    out = io.BytesIO()
    document.save(out)
    result = d.extract_text(out.getvalue(), d.DOCX, max_seconds=0)
    assert result.text.split("\n")[-1] == "Đoạn 998"
    assert result.note == "text of the first 999 paragraphs only (reading took over 0 s)"


def test_xlsx_reading_stops_after_max_seconds():
    import openpyxl

    workbook = openpyxl.Workbook()
    for n in range(2500):
        workbook.active.append([n, "Cà Mau"])
    out = io.BytesIO()
    workbook.save(out)
    result = d.extract_text(out.getvalue(), d.XLSX, max_seconds=0)
    assert result.text.split("\n")[-1] == "998\tCà Mau"
    assert result.note == "text of sheet 'Sheet' cut at row 999 (reading took over 0 s)"


def test_text_is_cut_at_max_chars():
    result = d.extract_text(data("rung-ngap-man.xlsx"), d.XLSX, max_chars=20)
    assert len(result.text) == 20 and "cut at 20 characters" in result.note


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    bomb = _zip({"word/document.xml": b"\x00" * 5_000_000})  # 5 MB of zeros: a few KB compressed
    assert len(bomb) < 50_000
    assert "zip bomb" in d.zip_bomb_check(bomb)
    result = d.extract_text(bomb, d.DOCX)
    assert result.error and "zip bomb" in result.note


def test_a_docx_that_unpacks_past_the_cap_is_refused():
    result = d.extract_text(data("quyet-dinh-tran-dau.docx"), d.DOCX, max_unzipped=10_000)
    assert result.error and "would unpack to" in result.note


def test_a_docx_with_a_huge_xml_part_is_refused(monkeypatch):
    monkeypatch.setattr(d, "MAX_XML_PART", 1000)
    assert ".xml would unpack to" in d.zip_bomb_check(data("quyet-dinh-tran-dau.docx"))


def test_a_zip_with_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(d, "MAX_ZIP_MEMBERS", 3)
    assert "parts in the ZIP" in d.zip_bomb_check(_zip({f"x{i}": b"" for i in range(4)}))


def test_html_is_not_read_as_a_document():
    result = d.extract_text(b"<html></html>", d.HTML)
    assert result.error and result.note == "not a document: HTML page"


# --- readability -------------------------------------------------------------------------------------------
def test_vietnamese_with_marks_is_readable():
    assert d.readability(d.extract_text(data("bao-cao-dat-dai.pdf"), d.PDF).text).ok


def test_english_and_numbers_are_readable():
    assert d.readability("The ministry published its annual report on land use and the environment "
                         "in Hanoi, with figures for every province of the country.").ok
    assert d.readability("2023\t2024\n1.234\t5.678\n" * 20).ok


def test_text_in_another_script_is_readable():
    assert d.readability("Меморандум о взаимопонимании между министерствами природных ресурсов " * 3).ok
    assert d.readability("越南自然资源与环境部关于土地管理的年度报告" * 5).ok


def test_no_text_is_not_readable():
    assert d.readability("  \n ").reason.startswith("no text")


def test_vietnamese_that_lost_its_marks_is_not_readable():
    text = d.extract_text(data("mat-dau.pdf"), d.PDF).text
    verdict = d.readability(text)
    assert not verdict.ok and "without its marks" in verdict.reason


def test_mojibake_is_not_readable():
    text = "Bộ Tài nguyên và Môi trường thông báo kết quả thực hiện kế hoạch năm 2023"
    garbled = text.encode("utf-8").decode("cp1252", errors="replace")
    verdict = d.readability(garbled)
    assert not verdict.ok and "mojibake" in verdict.reason


def test_a_legacy_tcvn3_font_is_not_readable():
    # "Bộ Tài nguyên và Môi trường" typed in a .VnTime (TCVN3) font, read as Latin-1 from the text layer.
    verdict = d.readability("Bé Tµi nguyªn vµ M«i tr­êng th«ng b¸o kÕt qu¶ thùc hiÖn kÕ ho¹ch n¨m 2023 " * 3)
    assert not verdict.ok and "legacy Vietnamese font" in verdict.reason


def test_private_use_glyphs_are_not_readable():
    verdict = d.readability("\ue001\ue002\ue003 \ue004\ue005 2023 \ue006\ue007\ue008\ue009")
    assert not verdict.ok and "private-use" in verdict.reason


# --- analyse ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, status, kind", [
    ("bao-cao-dat-dai.pdf", "ok", "pdf"),
    ("quyet-dinh-tran-dau.docx", "ok", "docx"),
    ("rung-ngap-man.xlsx", "ok", "xlsx"),
    ("cong-van-cu.doc", "no_text", "doc"),
    ("bang-cu.xls", "no_text", "xls"),
    ("ban-scan.pdf", "no_text", "pdf"),
    ("mat-dau.pdf", "unreadable", "pdf"),
])
def test_analyse_gives_each_file_its_status(name, status, kind):
    result = d.analyse(data(name), Path(name).suffix)
    assert (result.status, result.kind.name) == (status, kind)


def test_analyse_a_scan_says_it_has_no_text_layer():
    result = d.analyse(data("ban-scan.pdf"), ".pdf")
    assert result.text is None and result.pages == 1 and "no text" in result.note


def test_analyse_an_html_page_posing_as_a_pdf_fails():
    result = d.analyse(b"<!DOCTYPE html><html><body>Runtime Error</body></html>", ".pdf")
    assert result.status == "failed" and result.note == "not a document: the portal served HTML page"


def test_analyse_a_broken_pdf_fails():
    result = d.analyse(data("bao-cao-dat-dai.pdf")[:400], ".pdf")
    assert result.status == "failed" and result.kind is d.PDF


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(["bao-cao-dat-dai.pdf", "quyet-dinh-tran-dau.docx", "rung-ngap-man.xlsx",
                             "cong-van-cu.doc"]),
       cut=st.integers(min_value=0, max_value=40_000), noise=st.binary(max_size=64),
       at=st.integers(min_value=0, max_value=40_000))
def test_analyse_never_raises_on_damaged_files(name, cut, noise, at):
    original = data(name)
    damaged = original[:cut] + noise + original[cut + len(noise):] if at % 2 else original[:cut]
    result = d.analyse(damaged, Path(name).suffix)
    assert result.status in ("ok", "no_text", "unreadable", "failed")

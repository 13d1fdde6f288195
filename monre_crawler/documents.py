"""Attached documents: what a file really is, its text, and whether that text can be read.

Pure functions over the bytes the portal served (no Scrapy, no database), used by
:mod:`monre_crawler.pipelines.documents`:

- :func:`sniff` tells the real type from the bytes, not from the URL or the Content-Type header: PDF
  (``%PDF-``), DOCX/XLSX/PPTX (ZIP archives with ``word/``, ``xl/``, ``ppt/`` parts), legacy Office files
  (OLE compound files, ``D0 CF 11 E0``), ZIP and RAR archives, and HTML (an error page served as
  ``x.pdf`` is not a document);
- :func:`extract_text` reads the text of PDF (``pypdf``), DOCX (``python-docx``) and XLSX (``openpyxl``,
  read-only), NFC, with the number of pages where the format knows it. Legacy ``.doc``/``.xls``, archives
  and presentations are kept as files without text, and say so;
- :func:`readability` tells text a reader can use from text a PDF's text layer garbled: Vietnamese that
  lost its marks, mojibake, legacy-font (TCVN3) characters, private-use glyphs;
- :func:`analyse` puts the three together.

Every file is untrusted: nothing here raises on a bad file (a broken PDF costs that document, never the
run), and the work is bounded: ZIP members are checked against an uncompressed-size cap before any is
read (zip bombs), reading stops after ``max_seconds`` seconds (and, for PDFs, ``max_pages`` pages), and
the text is cut at ``max_chars`` characters (saying so in the note).
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Bounds on the work one document may cost (the download itself is capped by MONRE_DOCUMENT_MAXSIZE).
MAX_CHARS = 2_000_000  # characters of text kept per document
MAX_PAGES = 2_000  # PDF pages read
MAX_SECONDS = 60.0  # seconds of PDF text extraction
MAX_UNZIPPED = 200 * 1024 * 1024  # bytes a DOCX/XLSX may unpack to (all members together)
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed/compressed size of a DOCX/XLSX member above which it is a zip bomb
MAX_XML_PART = 64 * 1024 * 1024  # bytes of one XML part (parsed whole into memory by python-docx)


@dataclass(frozen=True)
class Kind:
    """A document type: ``name`` (``pdf``, ``docx``, …), its MIME type, and whether we read its text."""

    name: str
    mime: str
    extension: str
    has_text: bool = False
    document: bool = True  # False for what is not a document at all (HTML, empty, unknown bytes)
    label: str = ""


PDF = Kind("pdf", "application/pdf", ".pdf", True, label="PDF")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", True,
            label="Word (DOCX)")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", True,
            label="Excel (XLSX)")
PPTX = Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx",
            label="PowerPoint (PPTX)")
DOC = Kind("doc", "application/msword", ".doc", label="Word 97-2003 (DOC)")
XLS = Kind("xls", "application/vnd.ms-excel", ".xls", label="Excel 97-2003 (XLS)")
PPT = Kind("ppt", "application/vnd.ms-powerpoint", ".ppt", label="PowerPoint 97-2003 (PPT)")
OLE = Kind("ole", "application/x-ole-storage", ".bin", label="Office 97-2003 file")
ZIP = Kind("zip", "application/zip", ".zip", label="ZIP archive")
RAR = Kind("rar", "application/vnd.rar", ".rar", label="RAR archive")
HTML = Kind("html", "text/html", ".html", document=False, label="HTML page")
EMPTY = Kind("empty", "application/octet-stream", "", document=False, label="empty file")
UNKNOWN = Kind("unknown", "application/octet-stream", "", document=False, label="unknown bytes")
KINDS = {k.name: k for k in (PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, OLE, ZIP, RAR, HTML, EMPTY, UNKNOWN)}
EXTENSIONS = frozenset(k.extension for k in KINDS.values() if k.document)  # what a stored file may be named

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|script|div|p|h1|table)\b",
                         re.IGNORECASE | re.DOTALL)
# OLE directory entries name their streams in UTF-16LE: the main stream tells Word from Excel from PowerPoint.
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))


def sniff(data: bytes, claimed: str = "") -> Kind:
    """The real type of ``data``; ``claimed`` (the URL's extension, like ``.xls``) only breaks ties.

    A ZIP is a DOCX, XLSX or PPTX by its parts; an OLE compound file is a DOC, XLS or PPT by its main
    stream's name (or, failing that, by the claimed extension). HTML, empty and unrecognised bytes are
    ``document=False``: an error page served as ``x.pdf`` is not a document.
    """
    try:
        if not data:
            return EMPTY
        head = data[:1024]
        if b"%PDF-" in head:  # the spec lets a few bytes precede the header
            return PDF
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return _zip_kind(data)
        if head.startswith(_OLE_MAGIC):
            for name, kind in _OLE_STREAMS:
                if name.encode("utf-16-le") in data[:65536] or name.encode("utf-16-le") in data[-65536:]:
                    return kind
            return {".doc": DOC, ".xls": XLS, ".ppt": PPT}.get(claimed.lower(), OLE)
        if head.startswith(b"Rar!\x1a\x07"):
            return RAR
        text = head.lstrip(b"\xef\xbb\xbf")
        if _HTML_START.match(text) or b"<html" in text.lower():
            return HTML
    except Exception:  # noqa: BLE001 - sniffing untrusted bytes must never raise
        logger.debug("Could not sniff a file's type", exc_info=True)
    return UNKNOWN


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return ZIP  # a damaged archive: a file, without text
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    return ZIP


@dataclass
class Extracted:
    """What could be read from a document: its text (NFC, may be ""), pages, and a note when something is off."""

    text: str | None = None
    pages: int | None = None
    note: str = ""  # why there is no text, or what was cut; "" when all is well
    error: bool = False  # True when the file could not be read at all (broken, encrypted, a bomb)


def extract_text(data: bytes, kind: Kind, *, max_chars: int = MAX_CHARS, max_pages: int = MAX_PAGES,
                 max_seconds: float = MAX_SECONDS, max_unzipped: int = MAX_UNZIPPED) -> Extracted:
    """The text of ``data`` read as ``kind``; never raises (a broken file gives ``error=True`` and a note)."""
    if not kind.document:
        return Extracted(note=f"not a document: {kind.label}", error=True)
    if not kind.has_text:
        return Extracted(note=f"kept as a file without text: the text of a {kind.label} file is not read")
    try:
        if kind is PDF:
            result = _pdf_text(data, max_chars, max_pages, max_seconds)
        else:
            problem = zip_bomb_check(data, max_unzipped)
            if problem:
                return Extracted(note=f"not read: {problem}", error=True)
            reader = _docx_text if kind is DOCX else _xlsx_text
            result = reader(data, max_chars, max_seconds)
    except RecursionError:
        return Extracted(note=f"cannot read the {kind.label}: nested too deeply", error=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure costs this document only
        return Extracted(note=f"cannot read the {kind.label}: {type(exc).__name__}: {str(exc)[:200]}", error=True)
    result.text = unicodedata.normalize("NFC", result.text or "")
    if len(result.text) > max_chars:
        result.text = result.text[:max_chars]
        result.note = _join(result.note, f"text cut at {max_chars:,} characters")
    return result


def zip_bomb_check(data: bytes, max_unzipped: int = MAX_UNZIPPED) -> str:
    """"" when the ZIP (DOCX, XLSX) is safe to open, else why not: too many members, too big unpacked
    (all together, or one XML part), a member compressed more than MAX_RATIO times (sizes from the central
    directory: nothing is unpacked to check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        return f"damaged ZIP container ({exc})"
    if len(infos) > MAX_ZIP_MEMBERS:
        return f"{len(infos):,} parts in the ZIP container (at most {MAX_ZIP_MEMBERS:,})"
    total = sum(i.file_size for i in infos)
    if total > max_unzipped:
        return f"would unpack to {total:,} bytes (at most {max_unzipped:,}): a zip bomb?"
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            return f"{info.filename} would unpack to {info.file_size:,} bytes (at most {MAX_XML_PART:,})"
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"{info.filename} is compressed {info.file_size // max(info.compress_size, 1):,} times: a zip bomb?"
    return ""


def _pdf_text(data: bytes, max_chars: int, max_pages: int, max_seconds: float) -> Extracted:
    from pypdf import PdfReader  # imported on use: the crawler starts without it loaded

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files would flood the log
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")  # many "protected" PDFs only forbid printing; an empty password opens them
        except Exception as exc:  # noqa: BLE001
            return Extracted(note=f"encrypted PDF: {exc}", error=True)
    pages = len(reader.pages)
    parts, size, note = [], 0, ""
    started = time.monotonic()
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            note = f"text of the first {max_pages:,} of {pages:,} pages only"
            break
        if time.monotonic() - started > max_seconds:
            note = f"text of the first {number:,} of {pages:,} pages only (reading took over {max_seconds:.0f} s)"
            break
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - one bad page costs that page
            note = _join(note, f"page {number + 1} unreadable ({type(exc).__name__})")
            continue
        parts.append(text.strip())
        size += len(text)
        if size > max_chars:
            break
    return Extracted("\n\n".join(p for p in parts if p), pages, note)


def _docx_text(data: bytes, max_chars: int, max_seconds: float = MAX_SECONDS) -> Extracted:
    import docx  # python-docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    lines, size, note = [], 0, ""
    body = document.element.body
    started = time.monotonic()
    # Paragraphs in document order, those inside tables included (a table cell is paragraphs too).
    for number, paragraph in enumerate(body.iter(qn("w:p"))):
        if number % 1000 == 999 and time.monotonic() - started > max_seconds:
            note = f"text of the first {number:,} paragraphs only (reading took over {max_seconds:.0f} s)"
            break
        text = _paragraph_text(paragraph, qn)
        if text.strip():
            lines.append(text.strip())
            size += len(text)
            if size > max_chars:
                break
    pages = _docx_pages(data)
    return Extracted("\n".join(lines), pages, note)


def _paragraph_text(paragraph, qn) -> str:
    out = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        out.append((node.text or "") if node.tag == qn("w:t") else " ")
    return "".join(out)


_APP_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,6})\s*</(?:\w+:)?Pages>")


def _docx_pages(data: bytes) -> int | None:
    """The page count Word saved in ``docProps/app.xml`` (as of the last save), when it did."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("docProps/app.xml")
            if info.file_size > 1_000_000:
                return None
            match = _APP_PAGES.search(archive.read(info))
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    return int(match.group(1)) or None if match else None


def _xlsx_text(data: bytes, max_chars: int, max_seconds: float = MAX_SECONDS) -> Extracted:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines, size, note = [], 0, ""
    started = time.monotonic()
    try:
        for sheet in workbook.worksheets:
            lines.append(f"# {sheet.title}")
            for number, row in enumerate(sheet.iter_rows(values_only=True)):
                if number % 1000 == 999 and time.monotonic() - started > max_seconds:
                    note = f"text of sheet {sheet.title!r} cut at row {number:,} (reading took over {max_seconds:.0f} s)"
                    break
                cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
                if cells:
                    line = "\t".join(cells)
                    lines.append(line)
                    size += len(line)
                if size > max_chars:
                    break
            if size > max_chars or note:
                break
    finally:
        workbook.close()
    return Extracted("\n".join(lines), None, note)


# --- Readability -----------------------------------------------------------------------------------------
# Letters of Vietnamese that carry a mark, NFC: what a Vietnamese text layer that kept its marks is full of.
_VI_MARKED = set(unicodedata.normalize("NFC", c) for c in (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"))
# Common Vietnamese syllables without their marks: many of them in an unmarked text means lost marks.
_VI_UNMARKED = frozenset(
    "va cua cac la co duoc trong nhung voi cho khong nguoi mot nay da tai nguyen moi truong bo quyet dinh "
    "so nam thang ngay theo ve cong tac quan ly thi hanh chinh phu nha nuoc tinh thanh pho xa huyen dat dai "
    "bien ban ke hoach de nghi thuc hien tren duoi cung nhu khi se dang lam phai tu den tham gia don vi".split())
# Mojibake: UTF-8 read as Windows-1252/Latin-1 ("Ä‘", "á»", "Ã¡"), and private-use or replacement glyphs.
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf]|Ä[\u0080-\u00bf‘’]|á[»º][\u0080-\u00bf\u2018-\u203a]|Æ[°¡]|Â[\u00a0-\u00bf]")
_SUSPECT = re.compile("[\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Readability:
    ok: bool
    reason: str = ""  # why the text is not readable ("" when it is)


def readability(text: str | None) -> Readability:
    """Whether ``text`` (from a PDF's text layer, a DOCX, an XLSX) is text a reader can use.

    Not readable: no text at all (a scan); mostly private-use, replacement or control characters (glyph ids
    without a Unicode map); mojibake (UTF-8 read as Windows-1252); characters of legacy Vietnamese fonts
    (TCVN3/VNI: ``Tµi nguyªn``) that are neither ASCII nor Vietnamese letters; Vietnamese that lost its
    marks (many common syllables, no marked letter). English or numbers-only text is readable.
    """
    letters = [c for c in (text or "") if c.isalpha()]
    if not text or not text.strip():
        return Readability(False, "no text (a scan, or a file without a text layer)")
    visible = [c for c in text if not c.isspace()]
    suspect = len(_SUSPECT.findall(text))
    if suspect > 0.05 * len(visible):
        return Readability(False, f"{suspect} of {len(visible)} characters are private-use, replacement or "
                                  "control glyphs (a font without a Unicode map)")
    if len(letters) < 20:
        return Readability(True)
    mojibake = len(_MOJIBAKE.findall(text))
    if mojibake > 0.02 * len(letters):
        return Readability(False, f"mojibake: {mojibake} sequences like 'Ã¡' or 'á»' (UTF-8 read as Windows-1252)")
    # Latin letters that are neither ASCII nor Vietnamese: what TCVN3/VNI bytes become when read as Latin-1 or
    # Windows-1252. (Cyrillic, Greek or CJK text is another language, not a broken Vietnamese font.)
    foreign = sum(1 for c in letters if not c.isascii() and ord(c) <= 0x24F and c not in _VI_MARKED)
    symbols = sum(1 for c in visible if 0xA0 <= ord(c) <= 0xFF and not c.isalpha())
    if foreign + symbols > 0.05 * len(letters):
        return Readability(False, f"{foreign + symbols} characters of a legacy Vietnamese font encoding "
                                  "(TCVN3/VNI, like 'Tµi nguyªn'), not Unicode")
    marked = sum(1 for c in letters if c in _VI_MARKED)
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) >= 20 and marked < 0.01 * len(letters):
        common = sum(1 for w in words if w in _VI_UNMARKED)
        if common > 0.15 * len(words):
            return Readability(False, "Vietnamese without its marks (the PDF's text layer lost them)")
    return Readability(True)


@dataclass
class Analysis:
    """Everything the archive stores about one downloaded document's content."""

    kind: Kind
    text: str | None
    pages: int | None
    status: str  # "ok", "no_text" (kept, no text to read), "unreadable" (text kept, but garbled), "failed"
    note: str = ""


def analyse(data: bytes, claimed: str = "", **limits) -> Analysis:
    """Sniff, read and judge one document. ``status`` is ``failed`` when it is not a document or is broken."""
    kind = sniff(data, claimed)
    if not kind.document:
        return Analysis(kind, None, None, "failed", f"not a document: the portal served {kind.label}")
    extracted = extract_text(data, kind, **limits)
    if extracted.error:
        return Analysis(kind, None, extracted.pages, "failed", extracted.note)
    if not kind.has_text:
        return Analysis(kind, None, None, "no_text", extracted.note)
    verdict = readability(extracted.text)
    if not extracted.text or not extracted.text.strip():
        return Analysis(kind, None, extracted.pages, "no_text", _join(verdict.reason, extracted.note))
    if not verdict.ok:
        return Analysis(kind, extracted.text, extracted.pages, "unreadable", _join(verdict.reason, extracted.note))
    return Analysis(kind, extracted.text, extracted.pages, "ok", extracted.note)


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)

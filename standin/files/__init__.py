"""Small real documents the stand-in serves as attachments (made once by ``make.py``, committed).

``by_extension(ext)`` gives the ``(content type, bytes)`` the ``attachments`` fault serves for a link ending
in ``ext``; :data:`SPECIAL` are the odd cases a test can serve with ``Portal(site, documents={path: …})``:
a scan without text, a PDF that lost its marks, a broken PDF, an HTML error page posing as a PDF, and a
file over a size cap (:func:`oversized`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIME = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BY_EXTENSION = {"pdf": "bao-cao-dat-dai.pdf", "docx": "quyet-dinh-tran-dau.docx", "xlsx": "rung-ngap-man.xlsx",
                "doc": "cong-van-cu.doc", "xls": "bang-cu.xls"}
# Words inside each real document (and in no article of the stand-in), as a search without marks types them.
SEARCH_WORDS = {"pdf": "dam lay", "docx": "tran dau", "xlsx": "vinh ha long"}
ERROR_PAGE = ("<!DOCTYPE html><html><head><title>Lỗi</title></head><body><h1>Xin lỗi, đã xảy ra lỗi</h1>"
              "<p>Runtime Error</p></body></html>").encode("utf-8")


@cache
def read(name: str) -> bytes:
    return (HERE / name).read_bytes()


def by_extension(ext: str) -> tuple[str, bytes] | None:
    name = BY_EXTENSION.get(ext.lower().lstrip("."))
    return (MIME[name.rsplit(".", 1)[1]], read(name)) if name else None


def oversized(size: int) -> tuple[str, bytes]:
    """A PDF of ``size`` bytes (a real header, then padding): to test a size cap."""
    head = read("bao-cao-dat-dai.pdf")[:1024]
    return MIME["pdf"], head + b"\0" * max(0, size - len(head))


def special() -> dict[str, tuple[str, bytes]]:
    return {
        "scan": (MIME["pdf"], read("ban-scan.pdf")),
        "lost_marks": (MIME["pdf"], read("mat-dau.pdf")),
        "broken": (MIME["pdf"], read("bao-cao-dat-dai.pdf")[:600]),
        "html_as_pdf": (MIME["pdf"], ERROR_PAGE),
    }

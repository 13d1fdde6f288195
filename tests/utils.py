"""Helpers for unit tests on saved pages (City Bureau style)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from scrapy.http import HtmlResponse, Request

FILES = Path(__file__).parent / "files"


def file_response(name: str, url: str, *, encoding: str | None = "utf-8", headers=None) -> HtmlResponse:
    """A response for a saved page in tests/files, as if fetched from ``url``."""
    return HtmlResponse(url=url, request=Request(url=url), body=(FILES / name).read_bytes(), encoding=encoding,
                        headers=headers)


def load_date_table(path: Path) -> tuple[datetime, list[tuple[int, str, str]]]:
    """``(now, [(line number, text, expected), …])`` of a date table in the examples' TSV format.

    The header line ``# now<TAB>iso`` gives the anchor for relative expressions; other ``#`` lines are
    comments; ``\\n`` and ``\\t`` in the text are escaped. A third column (where the string was found) is
    allowed and ignored.
    """
    now = None
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith("# now\t"):
            now = datetime.fromisoformat(line.split("\t", 1)[1].strip())
            continue
        if not line.strip() or line.startswith("#"):
            continue
        text, expected = line.split("\t")[:2]
        rows.append((lineno, text.replace("\\n", "\n").replace("\\t", "\t"), expected.strip()))
    if now is None:
        raise ValueError(f"{path} has no '# now' header")
    return now, rows


def open_store(path, *, lock: bool = True, **settings):
    """The archive at ``path`` opened as a crawl opens it (``Store.from_settings``, the project's settings)."""
    from scrapy.settings import Settings

    from monre_crawler.sites.monre import PROFILE
    from monre_crawler.store import Store

    values = Settings()
    values.setmodule("monre_crawler.settings")
    values.setdict({"SQLITE_PATH": str(path), **settings})
    return Store.from_settings(values, lock=lock, is_repost_of=PROFILE.is_repost_of)

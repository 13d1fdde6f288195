"""Helpers for unit tests on saved pages (City Bureau style)."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request

FILES = Path(__file__).parent / "files"


def file_response(name: str, url: str, *, encoding: str | None = "utf-8", headers=None) -> HtmlResponse:
    """A response for a saved page in tests/files, as if fetched from ``url``."""
    return HtmlResponse(url=url, request=Request(url=url), body=(FILES / name).read_bytes(), encoding=encoding,
                        headers=headers)

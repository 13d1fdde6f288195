"""Helpers for unit tests on saved pages (City Bureau style)."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

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


@contextmanager
def six_article_portal(home: str, article: Callable[[str, str], str]):
    """A tiny portal in mae.gov.vn's URL forms, served on 127.0.0.1: a home page (``home`` around the list of
    links) linking six articles ``/tin-so-<n>-<10000+n>.htm``, each page ``article(n, paragraphs)``; yields its
    base URL. For the pages no stand-in serves: a layout that names no article, prints no date, …"""
    links = "".join(f'<li><a href="/tin-so-{i}-{10000 + i}.htm">Tin số {i}</a></li>' for i in range(6))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            path = urlsplit(self.path).path
            if path == "/":
                body = home.replace("{links}", f"<ul>{links}</ul>")
            elif (match := re.fullmatch(r"/tin-so-(\d)-(\d+)\.htm", path)):
                paragraphs = "".join(f"<p>Đoạn {k} của bài {match[1]}, một câu đủ dài để làm nội dung bài viết.</p>"
                                     for k in range(4))
                body = article(match[1], paragraphs)
            else:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()

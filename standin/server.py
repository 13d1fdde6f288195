"""HTTP server of the stand-in MONRE portal.

``Portal(site, faults=None)`` serves a :class:`~.model.Site` on
``127.0.0.1`` (port 0 = a free one) from a ``ThreadingHTTPServer`` in a daemon
thread; use it as a context manager.  Pages are rendered on request.

Routes (paths are matched case-insensitively, as SharePoint does):

* ``/robots.txt`` - allow all.
* ``/`` (also ``/default.aspx``, ``/Pages/default.aspx``) - home page.
* ``/Pages/ChuyenMuc.aspx?cm=<name>[&Page=N]`` - category listing.
  GET honours ``Page`` for "links" categories only; a "postback" category
  ignores it and shows page 1 (its pager posts the form back).  POST
  (postback) reads ``__EVENTTARGET``/``__EVENTARGUMENT``; it needs
  ``__VIEWSTATE`` and ``__EVENTVALIDATION`` and the pager's event target,
  otherwise page 1 is served (as SharePoint does).  A page past the end
  serves the last page again; unknown category -> 404.
* ``/Pages/<slug>.aspx`` - article (any query such as ``?Source=`` ignored).
* ``/Documents/…`` - attached documents (only with the ``attachments`` fault).
* an article taken down with ``site.remove(article, how)``: 404 or 410, or a 302 to ``/`` or to
  ``/_layouts/15/error.aspx`` (SharePoint's error page, served with 200); 503 (``"503"``); or a 301 to
  another article (``"moved"``).
* anything else - 404 with SharePoint's "Không tìm thấy trang" page.

Content-Type is ``text/html; charset=utf-8`` (HTTP/1.1, keep-alive, always a
Content-Length).

Fault switches (``faults``: a set of names, ``"NAME=VALUE"`` strings, or a
dict ``{name: parameter}``; all off by default; which articles are hit is
``portal.plan`` = ``site.fault_plan(faults)``, deterministic):

``nfd``
    3 articles served with the whole page in Unicode NFD (expected text: NFC).
``no_date``
    1 article page without any date element, its listing entries without one either
    (expected ``published`` None).
``error_500_once``
    1 article answers 500 to its first N requests (N = parameter, default 1), then fine.
``dead_link``
    page 1 of the first category lists a phantom article (``plan.dead_link``) that is 404.
``no_charset``
    3 article pages with ``Content-Type: text/html`` and no ``<meta>`` charset (body still UTF-8).
``invalid_utf8``
    1 article has the bytes ``\\xff\\xfe`` after the first word of a paragraph
    (index ``min(1, n-1)``); ``site.expected_articles`` gives U+FFFD U+FFFD there.
``attachments``
    the ``/Documents/…`` links (.pdf/.doc/.docx/.xls/.xlsx) in article bodies
    answer 200 with a small real document of the matching type (``standin/files/``:
    a Vietnamese PDF, a DOCX, an XLSX, legacy .doc/.xls; without this fault they
    are 404).  A crawler must not store them as articles.  ``Portal(documents=…)``
    serves chosen bytes at chosen document paths, whatever the faults.
``error_page_200``
    2 articles answer 200: one with SharePoint's "Không tìm thấy trang" page, the
    other with ASP.NET's "Runtime Error" page (never store them).
``always_500``
    1 article always answers 500 (parameter: the victims' slugs, comma-separated, instead of the drawn one).
``slow``
    1 article answers after N seconds (parameter, default 3).
``reset``
    1 article's connection is closed without a response (first N requests, default 1).
``truncated``
    1 article's HTML is cut off in the middle of the body (title and date intact).
``no_title``
    1 article page has no heading and an empty ``<title>``.
``huge``
    1 article page is padded to about N bytes (parameter, default 20,000,000)
    with a ``<script>`` block before ``</form>``; the article itself is normal.
``endless_pagination``
    the pager of ``plan.endless_category`` always offers a next page ("»" and
    the number), serving the last page's entries again forever.
``offsite_redirect``
    1 article answers ``302 Location: http://example.invalid/Pages/<slug>.aspx``.
``redirect``
    1 article, asked without ``?redirected=1``, answers ``301`` to its own path with
    ``?redirected=1``; it must be stored under its canonical URL.
``down``
    every request answers 503.
``hostile``
    page 1 of the first category also lists hostile articles (scripts in URLs and HTML, parser-breakers,
    an image where an article should be); see :mod:`.hostile`.
``huge_listing``
    page 1 of the first category also lists N tiny articles (parameter, default 100,000); see :mod:`.hostile`.
``maintenance``
    the home page answers 200 with a maintenance notice and no menu; its ``<title>`` is the parameter
    (default "Thông báo bảo trì hệ thống").
``moved``
    the home page answers ``301 Location: <parameter>`` (default ``https://mae.gov.vn/``): the portal moved.
``robots_disallow``
    ``/robots.txt`` forbids the whole site (``Disallow: /``).
``empty_listings``
    every category listing page lists no article (and has no pager).
``listing_500``
    page N (parameter, default 2) of the second category always answers 500.
``last_page_link``
    every category's pager also links its last page ("Cuối", a guess of the monre profile: the model of the
    portal shows no such link); without it the pager shows a window of ``PAGER_WINDOW`` numbers and "»".

``portal.set_faults(faults)`` switches faults while serving (the next night's portal).

Expected results: ``site.live_articles(faults)`` (must be stored),
``site.optional_articles(faults)`` (may be stored: huge, truncated, no_title),
``site.excluded_articles(faults)`` (must not be), ``site.expected_articles(faults)``.
"""
from __future__ import annotations

import re
import socket
import struct
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from . import files, hostile, pages
from .model import INVALID_UTF8_BYTES, Site, invalid_utf8_paragraph_index

__all__ = ["Portal", "Request"]

_ARTICLE_RE = re.compile(r"^/pages/([^/]+)\.aspx$")
_NOT_ARTICLES = {"chuyenmuc", "default"}
HTML_UTF8 = "text/html; charset=utf-8"


class Request(NamedTuple):
    """One logged request: ``method``, ``path`` (path and query as sent), ``fields`` (POST form, else {})."""
    method: str
    path: str
    fields: dict


class _Response:
    __slots__ = ("status", "ctype", "parts", "headers", "reset", "delay")

    def __init__(self, status=200, body: bytes | list = b"", ctype=HTML_UTF8, headers=(), reset=False, delay=0.0):
        self.status = status
        self.ctype = ctype
        self.parts = body if isinstance(body, list) else [body]
        self.headers = list(headers)
        self.reset = reset
        self.delay = delay


def is_article_path(path: str) -> bool:
    """True for ``/pages/<x>.aspx`` (any case, query ignored) other than ChuyenMuc/default."""
    p = unquote(urlsplit(path).path).lower()
    m = _ARTICLE_RE.match(p)
    return bool(m) and m.group(1) not in _NOT_ARTICLES


class Portal:
    """The stand-in portal serving *site* with the given *faults* (see module docstring).

    ``with Portal(site, faults={"nfd"}) as portal: ... portal.url ...``

    ``link_variants`` (default True): listings link some articles as
    ``/pages/x.aspx``, ``…?Source=…`` or ``…?utm_source=…`` (see
    :func:`.pages.article_link`), so a crawler must canonicalise URLs.
    """

    def __init__(self, site: Site, faults=None, *, host: str = "127.0.0.1", port: int = 0,
                 link_variants: bool = True, documents: dict | None = None):
        self.site = site
        # Explicit answers for document paths ({"/Documents/x.pdf": (content type, bytes[, status])}), served
        # whatever the faults: real, broken or fake documents (or errors) for the tests of document archiving.
        self.documents = {k.lower(): v for k, v in (documents or {}).items()}
        self.plan = site.fault_plan(faults)
        self.faults = self.plan.faults
        self.link_variants = link_variants
        self._host, self._port = host, port
        self._log: list[Request] = []
        self._arrivals: list[float] = []
        self._extra_html: str | None = None  # the entries the hostile and huge_listing faults add, built once
        self._log_lock = threading.Lock()
        self._hits: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> "Portal":
        portal = self

        class Handler(_Handler):
            pass
        Handler.portal = portal
        self._server = _Server((self._host, self._port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="standin-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> "Portal":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "portal not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    def set_faults(self, faults=None) -> None:
        """Serve with these faults from now on (per-article hit counters are kept)."""
        self.plan = self.site.fault_plan(faults)
        self.faults = self.plan.faults
        self._extra_html = None

    # -- request log
    @property
    def requests(self) -> list[Request]:
        """Snapshot of the request log, in arrival order."""
        with self._log_lock:
            return list(self._log)

    def article_requests(self) -> list[Request]:
        """Logged requests for article pages (``/pages/*.aspx`` other than ChuyenMuc, any case)."""
        return [r for r in self.requests if is_article_path(r.path)]

    def reset_log(self) -> None:
        """Forget logged requests (the per-article counters of ``error_500_once``/``reset`` are kept)."""
        with self._log_lock:
            self._log.clear()
            self._arrivals.clear()

    def _record(self, req: Request) -> None:
        with self._log_lock:
            self._log.append(req)
            self._arrivals.append(time.monotonic())

    @property
    def arrivals(self) -> list[float]:
        """``time.monotonic()`` at which each logged request arrived, in the order of :attr:`requests`."""
        with self._log_lock:
            return list(self._arrivals)

    def _hit(self, slug: str) -> int:
        """Count a request for *slug*; returns how many came before this one."""
        with self._log_lock:
            n = self._hits.get(slug, 0)
            self._hits[slug] = n + 1
            return n

    # -- dispatch
    def respond(self, method: str, raw_path: str, fields: dict) -> _Response:
        plan = self.plan
        if plan.active("down"):
            return _Response(503, pages.render_unavailable().encode(), headers=[("Retry-After", "120")])
        split = urlsplit(raw_path)
        path = unquote(split.path)
        low = path.lower()
        site = self.site
        if low == "/robots.txt":
            rule = b"Disallow: /" if plan.active("robots_disallow") else b"Allow: /"
            return _Response(200, b"User-agent: *\n" + rule + b"\n", "text/plain; charset=utf-8")
        if low in ("/", "/default.aspx", "/pages/default.aspx"):
            if plan.active("moved"):
                return _Response(301, b"", headers=[("Location", str(plan.param("moved")))])
            if plan.active("maintenance"):
                return _Response(200, pages.render_maintenance(str(plan.param("maintenance"))).encode())
            return _Response(200, pages.render_home(site).encode())
        if low == "/pages/chuyenmuc.aspx":
            return self._listing(method, raw_path, split.query, fields)
        if low == ERROR_PATH:
            return _Response(200, pages.render_not_found(site).encode())
        m = _ARTICLE_RE.match(low)
        if m:
            with site.lock:
                how = site.removed.get(m.group(1))
            if how is not None:
                return _removed_answer(site, how)
            return self._article(m.group(1), split.query)
        if low in self.documents:
            ctype, body, *status = self.documents[low]
            return _Response(status[0] if status else 200, body, ctype)
        if low.startswith("/documents/") and plan.active("attachments"):
            ext = low.rsplit(".", 1)[-1]
            if ext in files.MIME:
                ctype, body = files.by_extension(ext)
                return _Response(200, body, ctype)
        return _Response(404, pages.render_not_found(site).encode())

    def _listing(self, method: str, raw_path: str, query: str, fields: dict) -> _Response:
        site, plan = self.site, self.plan
        q = {k.lower(): v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        cm = unicodedata.normalize("NFC", q.get("cm", ""))
        if cm not in site.categories:
            return _Response(404, pages.render_not_found(site).encode())
        style = site.categories[cm]
        page = 1
        if method == "POST":
            if ("__VIEWSTATE" in fields and "__EVENTVALIDATION" in fields
                    and fields.get("__EVENTTARGET") == pages.PAGER_TARGET):
                page = _int(fields.get("__EVENTARGUMENT"), 1)
        elif style == "links":
            page = _int(q.get("page"), 1)
        if plan.active("listing_500") and cm == list(site.categories)[min(1, len(site.categories) - 1)] \
                and page == int(plan.param("listing_500")):
            return _Response(500, pages.render_server_error().encode())
        html, shown = pages.render_listing(
            site, cm, page, action=raw_path.replace('"', "%22"), link_variants=self.link_variants,
            dead_link=plan.dead_link if plan.active("dead_link") else None,
            endless=plan.active("endless_pagination") and plan.endless_category == cm,
            undated=lambda slug: plan.hits("no_date", slug), empty=plan.active("empty_listings"),
            last_link=plan.active("last_page_link"))
        if shown == 1 and cm == next(iter(site.categories)) and (plan.active("hostile") or plan.active("huge_listing")):
            html = html.replace('<div class="list-news">', '<div class="list-news">' + self._extra_entries(), 1)
        return _Response(200, html.encode())

    def _extra_entries(self) -> str:
        """The entries the ``hostile`` and ``huge_listing`` faults add (built once)."""
        if self._extra_html is None:
            bulk = int(self.plan.param("huge_listing")) if self.plan.active("huge_listing") else 0
            self._extra_html = hostile.extra_entries_html(hostile=self.plan.active("hostile"), bulk=bulk)
        return self._extra_html

    def _article(self, slug_low: str, query: str) -> _Response:
        site, plan = self.site, self.plan
        if plan.active("hostile") or plan.active("huge_listing"):
            served = hostile.article(slug_low)
            if served is not None:
                return _Response(200, served[1], served[0])
        with site.lock:
            a = site.get(slug_low)
        if a is None:
            return _Response(404, pages.render_not_found(site).encode())
        s = a.slug.lower()
        before = self._hit(s)
        if plan.hits("always_500", s):
            return _Response(500, pages.render_server_error().encode())
        if plan.hits("error_500_once", s) and before < int(plan.param("error_500_once")):
            return _Response(500, pages.render_server_error().encode())
        if plan.hits("reset", s) and before < int(plan.param("reset")):
            return _Response(reset=True)
        if plan.hits("offsite_redirect", s):
            return _Response(302, b"", headers=[("Location", f"http://example.invalid/Pages/{a.slug}.aspx")])
        if plan.hits("redirect", s) and "redirected=1" not in query:
            return _Response(301, b"", headers=[("Location", f"/Pages/{a.slug}.aspx?redirected=1")])
        if plan.hits("error_page_200", s):
            first = plan.victims["error_page_200"][0] == s
            return _Response(200, (pages.render_not_found(site) if first else pages.render_runtime_error()).encode())
        no_charset = plan.hits("no_charset", s)
        bad = invalid_utf8_paragraph_index(a) if plan.hits("invalid_utf8", s) else None
        html = pages.render_article(site, a, no_date=plan.hits("no_date", s), no_title=plan.hits("no_title", s),
                                    bad_paragraph=bad, charset_meta=not no_charset)
        if a.nfd or plan.hits("nfd", s):
            html = unicodedata.normalize("NFD", html)
        if plan.hits("truncated", s):
            start = html.find("ms-rtestate-field")
            if start < 0:
                start = html.find("post-body")
            end = html.find("</div>", start + 40)
            html = html[:start + max(40, (end - start) // 2)]
        body = html.encode("utf-8")
        if pages.BAD_BYTES_MARKER in html:
            body = body.replace(pages.BAD_BYTES_MARKER.encode(), INVALID_UTF8_BYTES)
        ctype = "text/html" if no_charset else HTML_UTF8
        delay = float(plan.param("slow")) if plan.hits("slow", s) else 0.0
        if plan.hits("huge", s):
            return _Response(200, _pad(body, int(plan.param("huge"))), ctype, delay=delay)
        return _Response(200, body, ctype, delay=delay)


ERROR_PATH = "/_layouts/15/error.aspx"


def _removed_answer(site: Site, how: str) -> _Response:
    """What the URL of an article taken down with ``site.remove(article, how)`` answers."""
    if how == "home":
        return _Response(302, b"", headers=[("Location", "/")])
    if how == "error":
        return _Response(302, b"", headers=[("Location", ERROR_PATH)])
    if how == "moved":
        target = next(a for a in site.latest(len(site.articles)) if a.slug.lower() not in site.removed)
        return _Response(301, b"", headers=[("Location", target.path)])
    return _Response(int(how), pages.render_not_found(site).encode())


def _int(v, default: int) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return default


_PAD_BLOCK = b"A" * 65536


def _pad(body: bytes, size: int) -> list:
    """Split *body* before ``</form>`` and insert a ``<script>`` string of about *size* bytes."""
    i = body.rfind(b"</form>")
    head, tail = body[:i], body[i:]
    n = max(0, size - len(body)) // len(_PAD_BLOCK) + 1
    return [head, b'<script type="text/javascript">var _spCache="'] + [_PAD_BLOCK] * n + [b'";</script>\n', tail]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):  # quiet on client disconnects
        import sys
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    portal: Portal

    def log_message(self, format, *args):  # noqa: A002 - silence stderr
        pass

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        fields: dict = {}
        if method == "POST":
            n = _int(self.headers.get("Content-Length"), 0)
            raw = self.rfile.read(n) if n > 0 else b""
            fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
        self.portal._record(Request(method, self.path, fields))
        try:
            resp = self.portal.respond(method, self.path, fields)
        except Exception:  # never leave the client hanging
            resp = _Response(500, pages.render_server_error().encode())
            import traceback
            traceback.print_exc()
        if resp.reset:
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            return
        if resp.delay:
            time.sleep(resp.delay)
        length = sum(len(p) for p in resp.parts)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "private, max-age=0")
        for k, v in resp.headers:
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            for p in resp.parts:
                self.wfile.write(p)

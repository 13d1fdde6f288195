"""Pages a hostile (or broken) portal serves: fault ``hostile`` and fault ``huge_listing=N``.

Self-contained on purpose: :mod:`.server` asks :func:`extra_entries_html` for extra entries on page 1 of
the first category and :func:`article` for the pages, nothing else of the stand-in changes.

``hostile`` lists the articles of :data:`PAGES` (slug -> what it tries); each is an article in the 2024
template (``unknown`` for ``lead-outside-body``) carrying one attack or one parser-breaker:

``xss``
    script in every place an archive may keep a URL or HTML: ``javascript:`` image, ``java&#9;script:``
    attachment, ``vbscript:``, ``data:``, ``file:``, upper case and leading spaces, ``<base>``, ``<svg>``,
    ``<math>``, ``on*`` handlers, ``style``, ``<script>``; plus a safe image, a safe attachment and a
    protocol-relative attachment (kept, made absolute). Every payload sets ``document.title`` to
    ``PWNED…``: a reader's browser that runs one shows it.
``meta-refresh``
    ``<meta http-equiv="refresh" content="0;url=javascript:…">`` inside the body.
``control-href``
    control characters inside an ``href`` and a ``src``.
``png-type``
    an HTML article served as ``Content-Type: image/png``.
``png-real``
    a real PNG image where the article should be: unreadable, a loss.
``deep-divs``
    the body's paragraphs inside 2,000 nested ``<div>``\\ s.
``unclosed-embed``
    an unclosed ``<embed>`` (valid HTML) before the second half of the body and the source line.
``lead-outside-body``
    an undescribed template whose lead, in its own element outside the body, repeats the body's first
    paragraph word for word.

``huge_listing=N`` adds N entries ``/Pages/bulk-<i>.aspx`` to the same listing page (compact markup, so
that 130,000 fit in the crawler's 10 MiB ``DOWNLOAD_MAXSIZE``); each is a tiny article.
"""
from __future__ import annotations

import struct
import zlib
from html import escape

PWNED = "PWNED"
DATE = "05/03/2024"
PAYLOAD = "void(document.title='PWNED-{}')"

PAGES: dict[str, str] = {
    "xss": "Bài viết mang mã độc",
    "meta-refresh": "Bài viết có thẻ meta refresh",
    "control-href": "Bài viết có ký tự điều khiển trong liên kết",
    "png-type": "Bài viết gắn nhãn ảnh PNG",
    "png-real": "Ảnh PNG thay cho bài viết",
    "deep-divs": "Bài viết lồng 2000 thẻ div",
    "unclosed-embed": "Bài viết có thẻ embed không đóng",
    "lead-outside-body": "Bài viết có phần dẫn lặp lại đoạn đầu",
}
#: Slugs whose article cannot be read at all (the crawler must count it lost, not store it).
UNREADABLE = frozenset({"png-real"})
SLUG_PREFIX = "hostile-"
BULK_PREFIX = "bulk-"

PARAGRAPHS = (
    "Bộ Tài nguyên và Môi trường tổ chức hội nghị tổng kết công tác năm tại Hà Nội với sự tham dự của các đơn vị.",
    "Hội nghị đã thảo luận các giải pháp quản lý đất đai và bảo vệ môi trường trong giai đoạn tới.",
)
SOURCE = "Theo Monre"


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>\n"


def _xss_body() -> str:
    pay = PAYLOAD.format
    return (
        _p(PARAGRAPHS[0])
        + f'<p onclick="{pay("onclick")}" style="color:red" onmouseover="{pay("hover")}">'
          f'{escape(PARAGRAPHS[1])}</p>\n'
        + f'<p><img src="javascript:{pay("img")}" alt="ảnh 1"></p>\n'
        + f'<p><img src="/PublishingImages/hostile/ok.jpg" onerror="{pay("onerror")}" alt="ảnh 2"></p>\n'
        + f'<p><img src="data:image/svg+xml,&lt;svg onload=&quot;{pay("data-img")}&quot;&gt;" alt="ảnh 3"></p>\n'
        + f'<p>Tải về: <a href="java&#9;script:{pay("tab")}//x.pdf">Văn bản 1.pdf</a></p>\n'
        + f'<p><a href="  JAVASCRIPT:{pay("upper")}//y.docx">Văn bản 2.docx</a></p>\n'
        + f'<p><a href="java&#x0A;script:{pay("newline")}//z.pdf">Văn bản 3.pdf</a></p>\n'
        + f'<p><a href="vbscript:msgbox(1)//v.pdf">Văn bản 4.pdf</a></p>\n'
        + f'<p><a href="data:text/html,&lt;script&gt;{pay("data")}&lt;/script&gt;//d.pdf">Văn bản 5.pdf</a></p>\n'
        + '<p><a href="file:///etc/passwd.pdf">Văn bản 6.pdf</a></p>\n'
        + '<p><a href="/Documents/hostile/an-toan.pdf">Văn bản an toàn.pdf</a></p>\n'
        + '<p><a href="//cdn.example.org/Documents/hostile/cdn.pdf">Văn bản trên CDN.pdf</a></p>\n'
        + f'<p><a href="javascript:{pay("link")}">Xem thêm</a></p>\n'
        + f'<base href="javascript:{pay("base")}//">\n'
        + f'<svg><a href="javascript:{pay("svg")}"><text x="0" y="15">svg</text></a>'
          f'<script>{pay("svg-script")}</script></svg>\n'
        + f'<math><mtext><a href="javascript:{pay("math")}">math</a></mtext></math>\n'
        + f'<script>{pay("script")}</script><style>p {{ color: red }}</style>\n'
        + f'<iframe src="javascript:{pay("iframe")}"></iframe>\n'
        + f'<p><strong>{escape(SOURCE)}</strong></p>\n'
    )


def _body(slug: str) -> str:
    if slug == "xss":
        return _xss_body()
    if slug == "meta-refresh":
        return (_p(PARAGRAPHS[0]) + f'<meta http-equiv="refresh" content="0;url=javascript:{PAYLOAD.format("refresh")}">\n'
                + _p(PARAGRAPHS[1]) + _p(SOURCE))
    if slug == "control-href":
        return (_p(PARAGRAPHS[0]) + '<p><a href="/Documents/hostile/a\x01b.pdf">Văn bản\x02 lỗi.pdf</a></p>\n'
                + '<p><img src="/PublishingImages/hostile/x\x03.jpg" alt=""></p>\n' + _p(PARAGRAPHS[1]) + _p(SOURCE))
    if slug == "deep-divs":
        return "<div>" * 2000 + _p(PARAGRAPHS[0]) + _p(PARAGRAPHS[1]) + "</div>" * 2000 + _p(SOURCE)
    if slug == "unclosed-embed":
        return _p(PARAGRAPHS[0]) + '<embed src="/Documents/hostile/clip.swf">\n' + _p(PARAGRAPHS[1]) + _p(SOURCE)
    return _p(PARAGRAPHS[0]) + _p(PARAGRAPHS[1]) + _p(SOURCE)


def _page_2024(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><form id=\"aspnetForm\">\n"
        f'<div class="news-detail"><h1 class="news-title">{escape(title)}</h1>\n'
        f'<div class="news-date">{DATE}</div>\n'
        f'<div class="news-sapo">{escape(PARAGRAPHS[0][:60])}</div>\n'
        f'<div class="news-content"><div class="ms-rtestate-field">\n{body}</div></div></div>\n'
        "</form></body></html>\n"
    )


def _page_unknown_lead_outside(title: str) -> str:
    # The lead sits in its own element before the body; the body's first paragraph repeats it.
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>\n"
        f'<article class="post"><header><h2 class="post-heading">{escape(title)}</h2>'
        f'<time datetime="2024-03-05">{DATE}</time></header>\n'
        f'<p class="post-lead">{escape(PARAGRAPHS[0])}</p>\n'
        f'<div class="post-body">\n{_p(PARAGRAPHS[0])}{_p(PARAGRAPHS[1])}<p class="post-source">{SOURCE}</p></div>'
        "</article></body></html>\n"
    )


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def extra_entries_html(hostile: bool = True, bulk: int = 0) -> str:
    """The listing entries the faults add, in the listing's markup: the hostile articles, then ``bulk``
    compact entries (about 75 bytes each)."""
    out = [f'<div class="row item"><div class="col-md-8"><div class="item-title"><a href="/Pages/{SLUG_PREFIX}{slug}'
           f'.aspx">{escape(title)}</a></div>\n<div class="item-infor"><span></span><span>{DATE}</span></div></div></div>'
           for slug, title in PAGES.items()] if hostile else []
    if bulk:
        out.append(bulk_entries_html(bulk))
    return "".join(out)


def bulk_entries_html(n: int) -> str:
    """``n`` compact listing entries (about 75 bytes each)."""
    return "".join(f'<div class="row item"><p class=item-title><a href=/Pages/{BULK_PREFIX}{i}.aspx>Tin {i}</a></div>'
                   for i in range(n))


def article(slug: str) -> tuple[str, bytes] | None:
    """``(content type, body)`` of a hostile or bulk article page, None when *slug* is neither."""
    if slug.startswith(BULK_PREFIX) and slug[len(BULK_PREFIX):].isdigit():
        i = slug[len(BULK_PREFIX):]
        return "text/html; charset=utf-8", _page_2024(f"Tin {i}", _p(f"Nội dung tin {i}.")).encode()
    name = slug.removeprefix(SLUG_PREFIX) if slug.startswith(SLUG_PREFIX) else None
    if name not in PAGES:
        return None
    title = PAGES[name]
    if name == "png-real":
        return "image/png", _png()
    if name == "lead-outside-body":
        return "text/html; charset=utf-8", _page_unknown_lead_outside(title).encode()
    html = _page_2024(title, _body(name))
    return ("image/png" if name == "png-type" else "text/html; charset=utf-8"), html.encode("utf-8")

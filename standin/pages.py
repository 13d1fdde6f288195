"""HTML rendering of the stand-in portal (pure functions, no I/O).

The chrome (header with today's date, menu, sidebar "Tin mới nhất", footer)
is copied from ``tests/files/*.html``; the seed article rendered with
:func:`render_article` in the 2024 (or 2021) template is byte-for-byte the
sample ``article.html`` (``article-2021.html``) when the site has the sample's
menu and sidebar articles.

Templates (all inside the same chrome, with the same traps around them):

* ``"2024"``: ``h1.news-title``, ``.news-date``, ``.news-sapo`` (lead, when
  present), body ``.news-content > .ms-rtestate-field``, print link,
  ``.related-news`` "Tin liên quan" with dates, comment form.
* ``"2021"``: ``#layoutBanTin .ban-tin h4``, ``#publish-date em``,
  ``#idTomTat`` (lead), body
  ``#ctl00_PlaceHolderMain_ctl04__ControlWrapper_RichHtmlField.ms-rtestate-field``,
  ``.tin-khac`` "Các tin khác" with dates, comment form.
* ``"unknown"``: ``<article class="post"><header><h2 class="post-heading">``
  title ``</h2><time datetime="ISO">dd/mm/yyyy</time></header>``,
  ``p.post-lead``, body ``div.post-body`` (plain ``<p>``, images as
  ``<figure><img/><figcaption>``, source ``p.post-source``),
  ``aside.post-related``.

Dates: ``dd/mm/yyyy`` (``dd/mm/yyyy HH:MM`` for datetimes on article pages;
listings and sidebars show the day only).
"""
from __future__ import annotations

import zlib
from datetime import date, datetime
from html import escape
from typing import NamedTuple
from urllib.parse import quote

from .model import ATTACHMENT_PREFIX, Article, Site, category_path, format_date

PAGER_TARGET = "ctl00$PlaceHolderMain$g_3f1c$ctl00$pager"
VIEWSTATE = "/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIBD2QWAgIDD2QWAmYPZBYC"
EVENTVALIDATION = "/wEdAAOh3qk2Jc1hF3m0"
PAGER_WINDOW = 5
#: Marker replaced by invalid UTF-8 bytes by the server (``invalid_utf8`` fault).
BAD_BYTES_MARKER = "\x00BAD-UTF8\x00"

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def escape_text(s: str) -> str:
    return escape(s, quote=False)


def escape_attribute(s: str) -> str:
    return escape(s, quote=True)


def header_date(today: date) -> str:
    """``Thứ Bảy, ngày 13/07/2024``."""
    return f"{_WEEKDAYS[today.weekday()]}, ngày {today.strftime('%d/%m/%Y')}"


def _head(site: Site, title: str | None, action: str, charset_meta: bool = True) -> str:
    today = site.today or date.today()
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />' if charset_meta else ""
    menu = '<li><a href="/">Trang chủ</a></li>' + "".join(
        f'<li><a href="{escape_attribute(category_path(c))}">{escape_text(c)}</a></li>' for c in site.categories)
    return (
        '<!DOCTYPE html>\n'
        f'<html lang="vi" dir="ltr"><head>{meta}\n'
        f'<title>{escape_text(title or "")}</title>\n'
        '<script type="text/javascript">var _spPageContextInfo={webServerRelativeUrl:"/",currentLanguage:1066};</script>\n'
        '<link rel="stylesheet" type="text/css" href="/Style%20Library/monre/css/style.css" /></head>\n'
        f'<body><form method="post" action="{action}" id="aspnetForm">\n'
        f'<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{VIEWSTATE}" />\n'
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />\n'
        f'<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{EVENTVALIDATION}" /></div>\n'
        "<script type=\"text/javascript\">function __doPostBack(t,a){var f=document.forms['aspnetForm'];"
        "f.__EVENTTARGET.value=t;f.__EVENTARGUMENT.value=a;f.submit();}</script>\n"
        '<div id="header"><div class="top-banner"><a href="/"><img src="/PublishingImages/banner.jpg" alt="Banner trang chủ" /></a></div>\n'
        f'<div class="header-date">{header_date(today)}</div>\n'
        '<div class="search-box"><input type="text" name="ctl00$txtSearch" placeholder="Tìm kiếm..." /></div></div>\n'
        f'<div id="menu"><ul class="main-menu">{menu}</ul></div>\n'
        '<div id="content" class="container"><div class="row"><div class="col-md-9 main-col">'
    )


def _tail(site: Site) -> str:
    items = "".join(
        f'<li><a href="{escape_attribute(a.path)}">{escape_text(a.title)}</a> <span class="date">({format_date(a.published, False)})</span></li>'
        for a in site.latest(5))
    return (
        '\n<div class="col-md-3 sidebar"><div class="box-latest"><h3>Tin mới nhất</h3>'
        f'<ul>{items}</ul></div>\n'
        '<div class="box-links"><h3>Liên kết</h3><ul><li><a href="http://chinhphu.vn">Cổng TTĐT Chính phủ</a></li></ul></div></div></div></div>\n'
        '<div id="footer"><p>CỔNG THÔNG TIN ĐIỆN TỬ BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG</p>'
        '<p>Địa chỉ: Số 10 Tôn Thất Thuyết, Cầu Giấy, Hà Nội</p></div>\n'
        '</form></body></html>'
    )


# ---------------------------------------------------------------- home


def render_home(site: Site) -> str:
    """Home page: menu of every category, six newest articles (``.home-hot``), sidebar."""
    with site.lock:
        hot = "".join(f'<div class="hot-item"><a href="{escape_attribute(a.path)}">{escape_text(a.title)}</a></div>' for a in site.latest(6))
        return (_head(site, "Cổng thông tin điện tử Bộ Tài nguyên và Môi trường", "/")
                + f"<div class='home-hot'>{hot}</div></div>" + _tail(site))


# ---------------------------------------------------------------- listing


def article_link(article_or_slug, category: str, variants: bool) -> str:
    """Link to an article as a listing prints it.

    With ``variants`` the link depends on (slug, category) deterministically:
    half canonical ``/Pages/x.aspx``, else ``/pages/x.aspx`` (lower case),
    ``/Pages/x.aspx?Source=%2FPages%2FChuyenMuc.aspx%3Fcm%3D…`` or
    ``/Pages/x.aspx?utm_source=monre&utm_medium=listing``.
    """
    slug = article_or_slug.slug if isinstance(article_or_slug, Article) else article_or_slug
    path = f"/Pages/{slug}.aspx"
    if not variants:
        return path
    v = zlib.crc32(f"{slug}|{category}".encode()) % 6
    if v == 3:
        return f"/pages/{slug}.aspx"
    if v == 4:
        return path + "?Source=" + quote(category_path(category), safe="")
    if v == 5:
        return path + "?utm_source=monre&utm_medium=listing"
    return path


def _listing_item(href: str, a_title: str, category: str, published, thumb: bool, summary: str) -> str:
    out = ['<div class="row item">\n']
    if thumb:
        slug = href.split("/")[-1].split(".aspx")[0]
        out.append(f'<div class="col-md-4 item-image"><a href="{escape_attribute(href)}"><img src="/PublishingImages/thumb/{slug}.jpg" alt="" /></a></div>\n')
    out.append(f'<div class="col-md-8"><div class="item-title"><a href="{escape_attribute(href)}">{escape_text(a_title)}</a></div>\n')
    out.append(f'<div class="item-infor"><span>{escape_text(category)}</span><span>{format_date(published, False)}</span></div>')
    if summary:
        out.append(f'\n<div class="item-summary">{escape_text(summary)}</div>')
    out.append('</div></div>')
    return "".join(out)


def _pager(category: str, style: str, current: int, n_pages: int, endless: bool, last_link: bool = False) -> str:
    last = max(n_pages, current + 1) if endless else n_pages
    lo = max(1, current - PAGER_WINDOW // 2)
    hi = min(last, lo + PAGER_WINDOW - 1)
    lo = max(1, hi - PAGER_WINDOW + 1)

    def link(p: int, text: str) -> str:
        if style == "postback":
            return f"<a href=\"javascript:__doPostBack('{PAGER_TARGET}','{p}')\">{text}</a>"
        return f'<a href="{escape_attribute(category_path(category))}&amp;Page={p}">{text}</a>'

    parts = [f'<span class="current">{p}</span>' if p == current else link(p, str(p)) for p in range(lo, hi + 1)]
    if current < last:
        parts.append(link(current + 1, "»"))
    if last_link and current < last:
        parts.append(link(last, "Cuối"))
    return '<div class="pager">' + " ".join(parts) + "</div>"


def render_listing(site: Site, category: str, page: int = 1, *, action: str | None = None,
                   link_variants: bool = False, dead_link: tuple | None = None,
                   endless: bool = False, undated=None, empty: bool = False,
                   last_link: bool = False) -> tuple[str, int]:
    """Listing page of *category*; returns ``(html, page shown)``.

    *page* past the end shows the last page (with ``endless``: shows the last
    page's entries again but numbered *page*, with a "»" to *page* + 1).
    ``action``: the form's action (the requested URL); ``dead_link``:
    ``(category, slug, title)`` of a phantom entry inserted second on page 1;
    ``undated``: a predicate on slugs whose entries show no date (an old article
    that prints no date anywhere, as with the ``no_date`` fault); ``empty``: the
    page lists nothing and has no pager (``empty_listings`` fault); ``last_link``: the pager also links the
    last page, "Cuối" (``last_page_link`` fault).
    """
    with site.lock:
        n = site.n_pages(category)
        shown, arts = site.page(category, page)
        if empty:
            n, shown, arts, dead_link = 1, 1, [], None
        if endless and page > n:
            shown = page
        style = site.categories[category]
        items = []
        for a in arts:
            summ = (a.summary or (a.paragraphs[0] if a.paragraphs else ""))[:160]
            crc = zlib.crc32(a.slug.encode())
            published = None if undated and undated(a.slug) else a.published
            items.append(_listing_item(article_link(a, category, link_variants), a.title, category, published,
                                       thumb=crc % 4 != 0, summary=summ if crc % 7 != 0 else ""))
        if dead_link and dead_link[0] == category and shown == 1:
            ref = arts[0].published if arts else None
            items.insert(min(1, len(items)), _listing_item(f"/Pages/{dead_link[1]}.aspx", dead_link[2], category,
                                                           ref, thumb=False, summary=""))
        if action is None:
            action = category_path(category) + (f"&Page={page}" if style == "links" and page > 1 else "")
        html = (_head(site, category, action)
                + f'<div class="category-title"><h2>{escape_text(category)}</h2></div><div class="list-news">'
                + "".join(items) + "</div>\n" + _pager(category, style, shown, n, endless, last_link) + "</div>"
                + _tail(site))
        return html, shown


# ---------------------------------------------------------------- article


def _date_text(a: Article) -> str:
    return format_date(a.published)


class _BodyMarkup(NamedTuple):
    """How one template writes the blocks of an article body (``str.format`` patterns, values escaped)."""

    paragraph: str  # {text}
    image: str  # {src}, {caption}
    attachment: str  # {prefix}, {href}, {title}
    source: str  # {text}


BODY_2024 = _BodyMarkup(
    paragraph='<p style="text-align: justify;">&nbsp;&nbsp;&nbsp;&nbsp; {text}</p>\n',
    image=('<table class="image-caption" align="center"><tbody>\n'
           '<tr><td><img alt="" src="{src}" width="500" /></td></tr>\n'
           '<tr><td><em>{caption}</em></td></tr></tbody></table>\n'),
    attachment='<p style="text-align: justify;">&nbsp;&nbsp;&nbsp;&nbsp; {prefix}<a href="{href}">{title}</a></p>\n',
    source='<p style="text-align: right;"><strong>{text}</strong></p>\n',
)
BODY_UNKNOWN = _BodyMarkup(
    paragraph="<p>{text}</p>\n",
    image='<figure><img src="{src}" alt="" /><figcaption>{caption}</figcaption></figure>\n',
    attachment='<p>{prefix}<a href="{href}">{title}</a></p>\n',
    source='<p class="post-source">{text}</p>\n',
)


def _body(a: Article, bad: int | None, markup: _BodyMarkup) -> list[str]:
    """The article's body blocks in ``markup``; paragraph ``bad`` gets invalid UTF-8 bytes after its first word."""
    out = []
    pi = 0
    for b in a.blocks():
        if b[0] == "p":
            text = escape_text(b[1])
            if bad is not None and pi == bad:
                head, _, rest = text.partition(" ")
                text = f"{head} {BAD_BYTES_MARKER} {rest}"
            pi += 1
            out.append(markup.paragraph.format(text=text))
        elif b[0] == "img":
            out.append(markup.image.format(src=escape_attribute(b[1]), caption=escape_text(b[2])))
        else:
            out.append(markup.attachment.format(prefix=escape_text(ATTACHMENT_PREFIX), href=escape_attribute(b[1]), title=escape_text(b[2])))
    if a.source_line:
        out.append(markup.source.format(text=escape_text(a.source_line)))
    return out


def _related_items(site: Site, a: Article) -> str:
    items = "".join(f'<li><a href="{escape_attribute(r.path)}">{escape_text(r.title)}</a> ({format_date(r.published, False)})</li>'
                    for r in site.related(a))
    cat = a.primary_category
    if cat:
        items += f'<li><a href="{escape_attribute(category_path(cat))}">Xem thêm</a> (01/01/2010)</li>'
    return items


COMMENT_BOX = ('<div class="comment-box"><h3>Ý kiến của bạn</h3><textarea name="ctl00$comment"></textarea>'
               '<input type="submit" value="Gửi" /></div></div>')


def render_article(site: Site, a: Article, *, template: str | None = None, no_date: bool = False,
                   no_title: bool = False, bad_paragraph: int | None = None, charset_meta: bool = True) -> str:
    """Article page in ``template`` (default ``a.template``).

    ``no_date``: no date element; ``no_title``: neither a heading nor a
    ``<title>`` text; ``bad_paragraph``: index of the paragraph that gets
    :data:`BAD_BYTES_MARKER` after its first word (the server turns it into
    invalid UTF-8; defaults to ``a.invalid_utf8_paragraph``);
    ``charset_meta=False`` drops the ``<meta … charset>``.
    """
    template = template or a.template
    bad = a.invalid_utf8_paragraph if bad_paragraph is None else bad_paragraph
    with site.lock:
        title = "" if no_title else escape_text(a.title)
        date_txt = _date_text(a)
        related = _related_items(site, a)
        if template == "2024":
            main = ['<div class="news-detail">']
            if not no_title:
                main.append(f'<h1 class="news-title">{title}</h1>')
            if not no_date:
                main.append(f'<div class="news-date">{date_txt}</div>')
            if a.summary:
                main.append(f'<div class="news-sapo">{escape_text(a.summary)}</div>')
            main.append('\n<div class="news-content"><div class="ms-rtestate-field">\n')
            main += _body(a, bad, BODY_2024)
            main.append('</div></div>\n<div class="news-tools"><a href="javascript:window.print()">In bài viết</a></div>\n'
                        f'<div class="related-news"><h3>Tin liên quan</h3><ul>{related}</ul></div></div>\n')
        elif template == "2021":
            main = ['<div id="layoutBanTin"><div class="ban-tin">']
            if not no_title:
                main.append(f"<h4>{title}</h4>")
            if not no_date:
                main.append(f'<span id="publish-date"><em>{date_txt}</em></span>')
            if a.summary:
                main.append(f'<div id="idTomTat">{escape_text(a.summary)}</div>')
            main.append('\n<div id="ctl00_PlaceHolderMain_ctl04__ControlWrapper_RichHtmlField" class="ms-rtestate-field" style="display:inline">\n')
            main += _body(a, bad, BODY_2024)
            main.append(f'</div>\n<div class="tin-khac"><h5>Các tin khác</h5><ul>{related}</ul></div></div></div>\n')
        elif template == "unknown":
            main = ['<article class="post"><header>']
            if not no_title:
                main.append(f'<h2 class="post-heading">{title}</h2>')
            if not no_date and a.published is not None:
                main.append(f'<time datetime="{a.published.isoformat()}">{date_txt}</time>')
            main.append("</header>\n")
            if a.summary:
                main.append(f'<p class="post-lead">{escape_text(a.summary)}</p>\n')
            main.append('<div class="post-body">\n')
            main += _body(a, bad, BODY_UNKNOWN)
            main.append(f'</div>\n<aside class="post-related"><h3>Tin liên quan</h3><ul>{related}</ul></aside></article>\n')
        else:
            raise ValueError(f"unknown template {template!r}")
        main.append(COMMENT_BOX)
        return _head(site, None if no_title else a.title, a.path, charset_meta) + "".join(main) + _tail(site)


# ---------------------------------------------------------------- errors


def render_not_found(site: Site | None = None) -> str:
    """SharePoint's "page not found" page (served with 404, or 200 by ``error_page_200``)."""
    return (
        '<!DOCTYPE html>\n<html lang="vi" dir="ltr"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        '<title>Lỗi</title>\n<link rel="stylesheet" type="text/css" href="/_layouts/15/1066/styles/error.css" /></head>\n'
        '<body><div id="ms-error-header" class="ms-pr"><h1 class="ms-core-pageTitle">Xin lỗi, đã xảy ra lỗi.</h1></div>\n'
        '<div id="ms-error-body"><div id="ms-error-content"><p>Không tìm thấy trang</p>\n'
        '<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>\n'
        '<p><a href="/">Quay lại trang chủ</a></p>\n'
        '<p class="ms-descriptiontext">ID tương quan: 3f1c9a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b</p>\n'
        f'<p class="ms-descriptiontext">Ngày và giờ: {datetime(2024, 7, 13, 8, 30).strftime("%d/%m/%Y %H:%M:%S")}</p></div></div>\n'
        '</body></html>'
    )


def render_runtime_error() -> str:
    """ASP.NET's "Runtime Error" yellow page (served with 200 by ``error_page_200``)."""
    return (
        '<!DOCTYPE html>\n<html><head><title>Runtime Error</title>\n'
        '<meta name="viewport" content="width=device-width" /></head>\n'
        '<body bgcolor="white"><span><H1>Server Error in \'/\' Application.<hr width=100% size=1 color=silver></H1>\n'
        '<h2> <i>Runtime Error</i> </h2></span>\n'
        '<font face="Arial, Helvetica, Geneva, SunSans-Regular, sans-serif ">\n'
        '<b> Description: </b>An application error occurred on the server. The current custom error settings for this '
        'application prevent the details of the application error from being viewed remotely (for security reasons).<br><br>\n'
        '</font></body></html>'
    )


def render_maintenance(title: str) -> str:
    """A maintenance notice served with 200 instead of the home page: no menu (``maintenance`` fault)."""
    return ('<!DOCTYPE html>\n<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<title>{escape_text(title)}</title></head><body><div class="notice"><h1>Hệ thống đang được bảo trì</h1>'
            '<p>Cổng thông tin điện tử đang được nâng cấp. Xin quý độc giả vui lòng quay lại sau.</p></div>'
            '</body></html>')


def render_unavailable() -> str:
    """503 page (``down`` fault)."""
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            '<title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>'
            '<p>HTTP Error 503. The service is unavailable.</p></body></html>')


def render_server_error() -> str:
    """500 page."""
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            '<title>500 - Internal server error.</title></head><body><h1>Server Error</h1>'
            '<h2>500 - Internal server error.</h2></body></html>')

"""Data model and deterministic generator of the stand-in MONRE portal.

A :class:`Site` holds categories (each with a pager style) and :class:`Article`
objects.  It knows nothing about HTML (see :mod:`.pages`) or HTTP (see
:mod:`.server`); it is also where tests get their *expected* values from:

* ``article.expected_body_text()``, ``article.expected_source()``,
  ``article.expected_attachments()``, ``article.path``;
* ``site.fault_plan(faults)`` - which articles each fault hits (deterministic);
* ``site.live_articles(faults)`` - articles a correct crawler MUST store;
  ``site.optional_articles(faults)`` - articles it MAY store (huge, truncated,
  untitled pages); ``site.excluded_articles(faults)`` - slugs it must NOT store;
* ``site.expected_articles(faults)`` - ``{canonical path: Expected}`` for the
  live articles, with the fault-adjusted date/body text.

Generation is lazy where it matters: an article's body (lead, paragraphs,
images, attachments) is derived on demand from a per-article integer seed, so
20,000 articles cost a few MB and are generated in well under a second.
Everything is deterministic for a given ``seed``.
"""
from __future__ import annotations

import math
import random
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping, NamedTuple
from urllib.parse import quote

from . import _seed_data

__all__ = [
    "Article", "Site", "FaultPlan", "Expected", "CATEGORIES", "FAULTS",
    "slugify", "category_path", "format_date", "seed_article", "normalize_text",
]

#: The portal's categories, in menu order (note the FULLWIDTH AMPERSAND in the last one).
CATEGORIES: tuple[str, ...] = (
    "Tin tức - Sự kiện", "Đất đai", "Tài nguyên nước", "Địa chất và khoáng sản",
    "Môi trường", "Khí tượng thủy văn", "Đo đạc và bản đồ", "Biển và hải đảo",
    "Biến đổi khí hậu", "Viễn thám", "Hội nhập quốc tế", "Tham vấn chính sách TN\uff06MT",
)

#: Every fault switch understood by :class:`~standin.server.Portal`
#: (documented in :mod:`standin.server`).
FAULTS: tuple[str, ...] = (
    "nfd", "no_date", "error_500_once", "dead_link", "no_charset", "invalid_utf8",
    "attachments", "error_page_200", "always_500", "slow", "reset", "truncated",
    "no_title", "huge", "endless_pagination", "offsite_redirect", "down",
    "redirect", "hostile", "huge_listing", "maintenance", "moved", "robots_disallow", "empty_listings",
    "listing_500", "last_page_link",
)

#: How many articles each article-level fault hits.
_VICTIM_COUNTS = {
    "nfd": 3, "no_date": 1, "error_500_once": 1, "no_charset": 3, "invalid_utf8": 1,
    "error_page_200": 2, "always_500": 1, "slow": 1, "reset": 1, "truncated": 1,
    "no_title": 1, "huge": 1, "offsite_redirect": 1, "redirect": 1,
}
#: Default parameters of faults that take one (``faults={"slow": 5}`` overrides).
FAULT_DEFAULTS = {"slow": 3.0, "huge": 20_000_000, "error_500_once": 1, "reset": 1, "huge_listing": 100_000,
                  "maintenance": "Thông báo bảo trì hệ thống", "moved": "https://mae.gov.vn/", "listing_500": 2}

ATTACHMENT_PREFIX = "File đính kèm: "
INVALID_UTF8_BYTES = b"\xff\xfe"
SOURCE_LINES = ("Theo Monre", "Theo Báo Tài nguyên và Môi trường", "Theo Chinhphu.vn", None)

# ---------------------------------------------------------------- helpers


def slugify(text: str) -> str:
    """ASCII slug as SharePoint/MONRE makes it: ``"Đất đai 2024"`` -> ``"dat-dai-2024"``."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def category_path(category: str) -> str:
    """``/Pages/ChuyenMuc.aspx?cm=<percent-encoded UTF-8 name>``."""
    return "/Pages/ChuyenMuc.aspx?cm=" + quote(category, safe="")


def format_date(value: date | datetime | None, with_time: bool = True) -> str:
    """``dd/mm/yyyy`` for a date, ``dd/mm/yyyy HH:MM`` for a datetime, ``""`` for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if with_time else value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def normalize_text(text: str) -> str:
    """NFC, ``&nbsp;`` -> space, whitespace runs collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").split())


def _sort_key(a: "Article") -> tuple:
    p = a.published
    if p is None:
        dt = datetime.min
    elif isinstance(p, datetime):
        dt = p.replace(tzinfo=None)
    else:
        dt = datetime.combine(p, time.min)
    return (dt, a.id)


# ---------------------------------------------------------------- text generator

_SUBJECTS = (
    "Bộ Tài nguyên và Môi trường", "Bộ TN&MT", "Bộ trưởng Đặng Quốc Khánh", "Thứ trưởng Lê Công Thành",
    "Thứ trưởng Trần Quý Kiên", "Thứ trưởng Nguyễn Thị Phương Hoa", "Thứ trưởng Lê Minh Ngân",
    "Tổng cục Khí tượng Thủy văn", "Cục Quản lý tài nguyên nước", "Cục Biến đổi khí hậu",
    "Cục Viễn thám quốc gia", "Tổng cục Biển và Hải đảo Việt Nam", "Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam",
    "Sở TN&MT tỉnh Quảng Ninh", "UBND tỉnh Cà Mau", "Trung tâm Dự báo khí tượng thủy văn quốc gia",
    "Cục Kiểm soát ô nhiễm môi trường", "Tổng cục Quản lý đất đai", "Cục Địa chất Việt Nam",
    "Sở TN&MT TP. Hồ Chí Minh", "UBND tỉnh Nghệ An", "Viện Khoa học Khí tượng Thủy văn và Biến đổi khí hậu",
)
_ACTIONS = (
    "triển khai", "tăng cường", "đẩy mạnh", "kiểm tra", "tổng kết", "hướng dẫn", "làm việc về",
    "hoàn thiện", "lấy ý kiến về", "công bố", "thảo luận về", "ký kết hợp tác về", "đánh giá", "sơ kết",
    "chỉ đạo", "rà soát",
)
_OBJECTS = (
    "công tác quản lý đất đai", "quy hoạch tài nguyên nước lưu vực sông Hồng", "dự thảo Luật Đất đai (sửa đổi)",
    "kế hoạch ứng phó với biến đổi khí hậu", "công tác bảo vệ môi trường làng nghề",
    "hệ thống quan trắc môi trường tự động", "bản đồ địa hình quốc gia tỷ lệ 1:50.000",
    "công tác dự báo khí tượng thủy văn mùa mưa bão", "quản lý tổng hợp tài nguyên vùng bờ",
    "thăm dò khoáng sản chiến lược", "xử lý chất thải rắn sinh hoạt", "chuyển đổi số ngành tài nguyên và môi trường",
    "cơ sở dữ liệu đất đai quốc gia", "phòng chống hạn hán, xâm nhập mặn", "phát triển kinh tế biển bền vững",
    "ứng dụng công nghệ viễn thám", "cấp giấy chứng nhận quyền sử dụng đất", "bảo tồn đa dạng sinh học",
    "quan trắc tài nguyên nước dưới đất", "kiểm kê khí nhà kính", "cải cách thủ tục hành chính",
)
_TAILS = (
    "năm {year}", "giai đoạn 2021-2030", "tại Hà Nội", "tại các tỉnh Đồng bằng sông Cửu Long",
    "6 tháng đầu năm {year}", "", "khu vực miền Trung", "tầm nhìn đến năm 2050", "quý {q}/{year}",
    "tại Đà Nẵng", "năm {year}", "",
)
_PLACES = ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Quảng Ninh", "Nghệ An", "Cà Mau",
           "Lâm Đồng", "Thừa Thiên Huế")
_SENTENCES = (
    "Ngày {d}/{m}, tại {place}, {subject} đã tổ chức hội nghị về {object}.",
    "Phát biểu tại hội nghị, {subject} nhấn mạnh {object} là nhiệm vụ trọng tâm, cần được triển khai đồng bộ, hiệu quả.",
    "Theo báo cáo, thời gian qua {subject} đã phối hợp chặt chẽ với các địa phương thực hiện {object}, đạt được nhiều kết quả tích cực.",
    "Tuy nhiên, {object} vẫn còn một số tồn tại, hạn chế như nguồn lực còn mỏng, sự phối hợp giữa các cơ quan chưa thật sự chặt chẽ.",
    "Trong thời gian tới, {subject} đề nghị các đơn vị tiếp tục {action} {object}, bảo đảm tiến độ và chất lượng.",
    "Hội nghị đã thống nhất {n} nhóm giải pháp nhằm nâng cao hiệu quả {object}.",
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết về {object} “trên tinh thần cầu thị, thẳng thắn”.",
    "Đến nay, đã có {n} tỉnh, thành phố hoàn thành {object}, vượt {n2}% so với kế hoạch.",
    "Theo {subject}, việc {action} {object} góp phần quan trọng vào phát triển kinh tế - xã hội của {place}.",
)
_CAPTIONS = (
    "{subject} phát biểu tại hội nghị", "Toàn cảnh hội nghị", "Quang cảnh buổi làm việc",
    "Các đại biểu tham quan mô hình {object}", "Đoàn công tác kiểm tra thực địa tại {place}",
)
_DOCS = (
    "Quyết định số {n}/QĐ-BTNMT", "Công văn số {n}/BTNMT-TCMT", "Dự thảo Thông tư quy định {object}",
    "Báo cáo tổng kết {object}", "Phụ lục kèm theo Kế hoạch số {n}/KH-BTNMT",
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fill(rng: random.Random, template: str, year: int = 2020) -> str:
    return template.format(
        subject=rng.choice(_SUBJECTS), action=rng.choice(_ACTIONS), object=rng.choice(_OBJECTS),
        place=rng.choice(_PLACES), d=rng.randint(1, 28), m=rng.randint(1, 12), n=rng.randint(2, 63),
        n2=rng.randint(5, 40), year=year, q=rng.randint(1, 4),
    )


def _make_title(rng: random.Random, year: int) -> str:
    tail = rng.choice(_TAILS).format(year=year, q=rng.randint(1, 4))
    t = f"{rng.choice(_SUBJECTS)} {rng.choice(_ACTIONS)} {rng.choice(_OBJECTS)}"
    return _cap(f"{t} {tail}".strip())


class _Body(NamedTuple):
    summary: str
    paragraphs: list
    images: list
    image_positions: tuple
    attachments: list


def _gen_body(body_seed: int, slug: str, att_kinds: tuple, year: int) -> _Body:
    rng = random.Random(body_seed)
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        paragraphs.append(" ".join(_fill(rng, rng.choice(_SENTENCES), year) for _ in range(rng.randint(1, 4))))
    summary = _fill(rng, rng.choice(_SENTENCES), year) if rng.random() < 0.6 else ""
    images, positions = [], []
    if rng.random() < 0.35:
        for i in range(rng.randint(1, 2)):
            images.append((f"/PublishingImages/{year}/{slug}-{i + 1}.jpg", _fill(rng, rng.choice(_CAPTIONS), year)))
            positions.append(rng.randint(1, len(paragraphs)))
        positions.sort()
    attachments = []
    for i, kind in enumerate(att_kinds):
        name = _fill(rng, rng.choice(_DOCS), year)
        attachments.append((f"/Documents/{year}/{slug}-{i + 1}.{kind}", name))
    return _Body(summary, paragraphs, images, tuple(positions), attachments)


# ---------------------------------------------------------------- Article


class Article:
    """One news article.

    Content attributes (``summary``, ``paragraphs``, ``images``,
    ``attachments``) are either given explicitly or derived lazily from
    ``body_seed``.  ``images`` is a list of ``(src, caption)``;
    ``image_positions[i]`` is the number of paragraphs before image *i*
    (default: spread evenly).  ``attachments`` is a list of ``(href, title)``;
    each is rendered as its own body paragraph ``"File đính kèm: <a>title</a>"``
    after the paragraphs and before the source line.

    ``source_line`` is the last body paragraph, e.g. ``"Theo Monre"``, or None.
    ``template`` is ``"2024"``, ``"2021"`` or ``"unknown"``.  Fault flags that
    the page renderer honours on its own: ``nfd`` (page served in NFD),
    ``invalid_utf8_paragraph`` (index of a paragraph that gets the bytes
    ``\\xff\\xfe`` after its first word).  ``repost_of`` is the slug of the
    original when this article is a repost.
    """

    __slots__ = ("id", "slug", "title", "published", "categories", "template", "source_line", "nfd",
                 "invalid_utf8_paragraph", "repost_of", "version", "body_seed", "att_kinds",
                 "_summary", "_paragraphs", "_images", "_image_positions", "_attachments")

    def __init__(self, slug: str, title: str, published: date | datetime | None = None, summary: str | None = None,
                 paragraphs: list[str] | None = None, images: list[tuple[str, str]] | None = None,
                 attachments: list[tuple[str, str]] | None = None, source_line: str | None = None,
                 categories: Iterable[str] = (), template: str = "2024", *,
                 image_positions: Iterable[int] | None = None, nfd: bool = False,
                 invalid_utf8_paragraph: int | None = None, body_seed: int | None = None,
                 att_kinds: tuple = (), id: int | None = None, repost_of: str | None = None):
        if template not in ("2024", "2021", "unknown"):
            raise ValueError(f"unknown template {template!r}")
        self.id = id
        self.slug = slug
        self.title = title
        self.published = published
        self.categories = list(categories)
        self.template = template
        self.source_line = source_line
        self.nfd = nfd
        self.invalid_utf8_paragraph = invalid_utf8_paragraph
        self.repost_of = repost_of
        self.version = 0
        self.body_seed = body_seed
        self.att_kinds = tuple(att_kinds)
        self._summary = summary
        self._paragraphs = None if paragraphs is None else list(paragraphs)
        self._images = None if images is None else [tuple(i) for i in images]
        self._image_positions = None if image_positions is None else tuple(image_positions)
        self._attachments = None if attachments is None else [tuple(a) for a in attachments]

    # -- lazily generated content
    def _body(self) -> _Body | None:
        if self.body_seed is None:
            return None
        year = self.published.year if self.published else 2020
        return _gen_body(self.body_seed, self.slug.rsplit("-", 1)[0] if self.repost_of else self.slug,
                         self.att_kinds, year)

    def _get(self, attr: str, default):
        v = getattr(self, "_" + attr)
        if v is not None:
            return v
        b = self._body()
        return getattr(b, attr) if b is not None else default

    @property
    def summary(self) -> str:
        return self._get("summary", "")

    @summary.setter
    def summary(self, v: str) -> None:
        self._summary = v

    @property
    def paragraphs(self) -> list[str]:
        return self._get("paragraphs", [])

    @paragraphs.setter
    def paragraphs(self, v: list[str]) -> None:
        self._paragraphs = list(v)

    @property
    def images(self) -> list[tuple[str, str]]:
        return self._get("images", [])

    @images.setter
    def images(self, v) -> None:
        self._images = [tuple(i) for i in v]
        self._image_positions = None

    @property
    def attachments(self) -> list[tuple[str, str]]:
        return self._get("attachments", [])

    @attachments.setter
    def attachments(self, v) -> None:
        self._attachments = [tuple(a) for a in v]

    @property
    def image_positions(self) -> tuple[int, ...]:
        imgs = self.images
        pos = self._image_positions
        if pos is None and self._images is None:
            b = self._body()
            pos = b.image_positions if b is not None else None
        if pos is None or len(pos) != len(imgs):
            n = len(self.paragraphs)
            pos = tuple(max(1, (i + 1) * n // (len(imgs) + 1)) for i in range(len(imgs)))
        return tuple(pos)

    def freeze_content(self) -> None:
        """Copy lazily generated content into explicit attributes (before editing it)."""
        self._summary, self._paragraphs = self.summary, list(self.paragraphs)
        pos = self.image_positions
        self._images, self._image_positions = list(self.images), pos
        self._attachments = list(self.attachments)

    # -- derived values
    @property
    def path(self) -> str:
        """Canonical path ``/Pages/<slug>.aspx``."""
        return f"/Pages/{self.slug}.aspx"

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    def blocks(self) -> list[tuple]:
        """Body in document order: ``("p", text)``, ``("img", src, caption)``, ``("att", href, title)``.

        The source line is not included (it is ``self.source_line``, rendered last).
        """
        paras, imgs, pos = self.paragraphs, self.images, self.image_positions
        out: list[tuple] = []
        j = 0
        for i, p in enumerate(paras):
            while j < len(imgs) and pos[j] <= i:
                out.append(("img",) + tuple(imgs[j]))
                j += 1
            out.append(("p", p))
        while j < len(imgs):
            out.append(("img",) + tuple(imgs[j]))
            j += 1
        out.extend(("att",) + tuple(a) for a in self.attachments)
        return out

    def expected_body_text(self, invalid_utf8: str | bool = False, *, bad_paragraph: int | None = None) -> str:
        """The body text a correct crawler extracts.

        Paragraphs, image captions and attachment paragraphs
        (``"File đính kèm: <title>"``) in document order, each NFC-normalised
        with ``&nbsp;``/whitespace collapsed, joined by a blank line
        (``"\\n\\n"``); without the lead (``summary``) and without the trailing
        source line (``"Theo …"``).

        ``invalid_utf8``: if this article is served with invalid UTF-8 bytes
        (``invalid_utf8_paragraph`` set, or the ``invalid_utf8`` fault), pass
        ``"replace"`` to get the text as ``bytes.decode("utf-8", "replace")``
        yields it (two U+FFFD after the first word of that paragraph) or
        ``"drop"``/False to get the text without them.  ``bad_paragraph``
        overrides ``invalid_utf8_paragraph`` (the fault's paragraph).
        """
        bad = self.invalid_utf8_paragraph if bad_paragraph is None else bad_paragraph
        parts = []
        pi = 0
        for b in self.blocks():
            if b[0] == "p":
                text = b[1]
                if invalid_utf8 == "replace" and bad is not None and pi == bad:
                    head, _, rest = text.partition(" ")
                    text = f"{head} \ufffd\ufffd {rest}"
                pi += 1
            elif b[0] == "img":
                text = b[2]
            else:
                text = ATTACHMENT_PREFIX + b[2]
            text = normalize_text(text)
            if text:
                parts.append(text)
        return "\n\n".join(parts)

    def expected_source(self) -> str | None:
        """``"Monre"`` for ``"Theo Monre"``, ``"Báo Tài nguyên và Môi trường"`` for ``"Theo Báo …"``, else None."""
        if not self.source_line:
            return None
        s = normalize_text(self.source_line)
        return s[5:].strip() if s.lower().startswith("theo ") else s

    def expected_attachments(self) -> list[str]:
        """Paths of the attached documents (``/Documents/…``), in document order."""
        return [href for href, _ in self.attachments]

    def __repr__(self) -> str:
        return f"Article(id={self.id}, slug={self.slug!r}, published={self.published!r}, template={self.template!r})"


def seed_article(categories: Iterable[str] = (_seed_data.SEED_CATEGORY,)) -> Article:
    """The real article of ``tests/files/article.html`` (2024 template, 15/09/2015, "Theo Monre")."""
    return Article(
        slug=_seed_data.SEED_SLUG, title=_seed_data.SEED_TITLE, published=date(2015, 9, 15), summary="",
        paragraphs=list(_seed_data.SEED_PARAGRAPHS), images=list(_seed_data.SEED_IMAGES),
        image_positions=_seed_data.SEED_IMAGE_POSITIONS, attachments=[],
        source_line=_seed_data.SEED_SOURCE_LINE, categories=categories, template="2024",
    )


# ---------------------------------------------------------------- faults


class Expected(NamedTuple):
    """What a correct crawler stores for one article (see ``Site.expected_articles``)."""
    path: str
    slug: str
    title: str
    published: date | datetime | None
    summary: str
    body_text: str
    source: str | None
    attachments: list
    categories: list
    template: str
    repost_of: str | None


@dataclass
class FaultPlan:
    """Which articles/categories each fault hits; a pure function of (site, faults).

    ``faults`` maps each active fault to its parameter (``slow``: seconds,
    ``huge``: bytes, ``error_500_once``/``reset``: how many first requests
    fail).  ``victims[name]`` lists the slugs hit by an article-level fault
    (present for every known fault, active or not; victims of different
    faults never overlap when the site has enough articles).
    ``endless_category``: category of ``endless_pagination``.
    ``dead_link``: ``(category, slug, title)`` of the phantom listing entry.
    """
    faults: dict
    victims: dict = field(default_factory=dict)
    endless_category: str | None = None
    dead_link: tuple | None = None

    def active(self, name: str) -> bool:
        return name in self.faults

    def hits(self, name: str, slug: str) -> bool:
        """True when fault *name* is active and hits article *slug* (case-insensitive)."""
        return name in self.faults and slug.lower() in self.victims.get(name, ())

    def param(self, name: str):
        return self.faults.get(name)

    def _slugs(self, names: Iterable[str]) -> dict[str, str]:
        out = {}
        for n in names:
            if n in self.faults:
                for s in self.victims.get(n, ()):
                    out.setdefault(s, n)
        return out

    @property
    def excluded(self) -> dict[str, str]:
        """slug -> fault for articles that never serve a real article page (must not be stored).

        ``error_page_200``, ``always_500``, ``offsite_redirect``.  (The
        ``dead_link`` target is not an article of the site at all.)
        """
        return self._slugs(("error_page_200", "always_500", "offsite_redirect"))

    @property
    def optional(self) -> dict[str, str]:
        """slug -> fault for articles a crawler may or may not store: ``huge``, ``truncated``, ``no_title``."""
        return self._slugs(("huge", "truncated", "no_title"))


def _normalize_faults(faults: Iterable[str] | Mapping[str, Any] | None) -> dict:
    if not faults:
        return {}
    if isinstance(faults, str):
        faults = [faults]
    if isinstance(faults, Mapping):
        items = dict(faults)
    else:
        items = {}
        for f in faults:
            name, _, val = str(f).partition("=")
            try:
                items[name] = float(val) if val else None
            except ValueError:
                items[name] = val  # a text parameter: a title, a URL, a victim's slug
    out = {}
    for name, val in items.items():
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        if val is None or val is True:
            val = FAULT_DEFAULTS.get(name, True)
        out[name] = val
    return out


# ---------------------------------------------------------------- Site


class Site:
    """The portal's content: categories (name -> pager style) and articles.

    ``categories``: ``{name: "postback" | "links"}`` in menu order (a plain
    list of names alternates postback/links starting with postback).
    Articles are listed newest first in each of their categories (ties:
    higher ``id`` first, i.e. the later created one); ``per_page`` per listing page.
    ``today`` is the date shown in the header (default: the real today).

    Thread safety: mutations take ``self.lock`` (an RLock); the server
    renders under the same lock, so a site may be mutated while served.
    """

    def __init__(self, categories: Mapping[str, str] | Iterable[str] = CATEGORIES, articles: Iterable[Article] = (),
                 per_page: int = 4, today: date | None = None, seed: int = 0):
        if not isinstance(categories, Mapping):
            categories = {c: ("postback" if i % 2 == 0 else "links") for i, c in enumerate(categories)}
        for c, style in categories.items():
            if style not in ("postback", "links"):
                raise ValueError(f"pager style of {c!r} must be 'postback' or 'links'")
        self.categories: dict[str, str] = dict(categories)
        self.per_page = per_page
        self.today = today
        self.seed = seed
        self.lock = threading.RLock()
        self.version = 0
        self.articles: list[Article] = []
        self._by_slug: dict[str, Article] = {}
        self._lists: dict[str, list[Article]] = {c: [] for c in self.categories}
        self._latest: tuple[int, list[Article]] | None = None
        self._next_id = 0
        self._rng = random.Random(f"mutations:{seed}")
        self._plans: dict = {}
        self.removed: dict[str, str] = {}  # lower-cased slug -> how its URL answers (see remove())
        for a in articles:
            self._register(a)
        for lst in self._lists.values():
            lst.sort(key=_sort_key, reverse=True)
        self._fault_candidates = [a.slug.lower() for a in self.articles
                                  if a.slug != _seed_data.SEED_SLUG and a.published is not None]

    # -- construction
    def _register(self, a: Article) -> None:
        key = a.slug.lower()
        if key in self._by_slug:
            raise ValueError(f"duplicate slug {a.slug!r}")
        if a.id is None:
            a.id = self._next_id
        self._next_id = max(self._next_id, a.id + 1)
        for c in a.categories:
            if c not in self._lists:
                raise ValueError(f"article {a.slug!r} in unknown category {c!r}")
            self._lists[c].append(a)
        self._by_slug[key] = a
        self.articles.append(a)

    def _insert_sorted(self, a: Article) -> None:
        for c in a.categories:
            lst = self._lists[c]
            k = _sort_key(a)
            i = 0
            while i < len(lst) and _sort_key(lst[i]) > k:
                i += 1
            lst.insert(i, a)

    def _unique_slug(self, base: str) -> str:
        slug, n = base, 0
        while slug.lower() in self._by_slug:
            n += 1
            slug = f"{base}-{n}"
        return slug

    @classmethod
    def generate(cls, n_articles: int = 40, seed: int = 0, *, per_page: int = 4, categories=None,
                 template_2021: float = 0.2, template_unknown: float = 0.0, attachments: float = 0.1,
                 multi_category: float = 0.2, min_pages: int = 3, today: date | None = None,
                 newest: date = date(2024, 7, 12), oldest: date = date(2010, 1, 1),
                 include_seed: bool = True) -> "Site":
        """A deterministic site of ``n_articles`` articles (including the seed article).

        Dates are spread uniformly between ``oldest`` and ``newest`` (about a
        third are datetimes with a time of day); each article has a primary
        category, a fraction ``multi_category`` a second one, and categories
        are then topped up (adding articles to them) until every category has
        at least ``min_pages`` pages at ``per_page``.  Fractions
        ``template_2021``/``template_unknown`` of the articles use those
        templates; ``attachments`` of them carry attached documents (the first
        three of these: one .pdf, one .docx, one .xlsx).  The seed article
        (:func:`seed_article`) is in "Tin tức - Sự kiện", template 2024.
        """
        rng = random.Random(seed)
        if categories is None:
            names = list(CATEGORIES)
            categories = {c: ("postback" if c == CATEGORIES[0] else "links" if c == CATEGORIES[1]
                              else rng.choice(("postback", "links"))) for c in names}
        elif not isinstance(categories, Mapping):
            categories = {c: ("postback" if i % 2 == 0 else "links") for i, c in enumerate(categories)}
        names = list(categories)
        weights = [4 if c == CATEGORIES[0] else 1 for c in names]
        site = cls(categories, per_page=per_page, today=today, seed=seed)
        arts: list[Article] = []
        titles: set[str] = set()
        span = (newest - oldest).days
        n_gen = n_articles - 1 if include_seed else n_articles
        att_cycle = [("pdf",), ("docx",), ("xlsx",)]
        extra_kinds = ("pdf", "doc", "docx", "xls", "xlsx")
        slugs: set[str] = set()
        if include_seed:
            s = seed_article()
            s.id = 0
            arts.append(s)
            slugs.add(s.slug)
        for i in range(n_gen):
            d = oldest + timedelta(days=rng.randint(0, span))
            published: date | datetime = d
            if rng.random() < 0.33:
                published = datetime.combine(d, time(rng.randint(6, 21), rng.choice((0, 15, 30, 45))))
            title = _make_title(rng, d.year)
            while title in titles:
                title = _make_title(rng, d.year)
            titles.add(title)
            base = slugify(title)
            slug, k = base, 0
            while slug in slugs:
                k += 1
                slug = f"{base}-{k}"
            slugs.add(slug)
            cats = [rng.choices(names, weights)[0]]
            if rng.random() < multi_category and len(names) > 1:
                other = rng.choice(names)
                if other != cats[0]:
                    cats.append(other)
            r = rng.random()
            template = "2021" if r < template_2021 else "unknown" if r < template_2021 + template_unknown else "2024"
            kinds: tuple = ()
            if rng.random() < attachments:
                kinds = att_cycle.pop(0) if att_cycle else tuple(rng.sample(extra_kinds, rng.randint(1, 2)))
            src = rng.choices(SOURCE_LINES, (40, 25, 15, 20))[0]
            arts.append(Article(slug, title, published, source_line=src, categories=cats, template=template,
                                body_seed=rng.getrandbits(48), att_kinds=kinds, id=len(arts)))
        # top up categories so that each has at least min_pages pages
        need = per_page * (min_pages - 1) + 1
        counts = {c: 0 for c in names}
        for a in arts:
            for c in a.categories:
                counts[c] += 1
        for c in names:
            pool = [a for a in arts if c not in a.categories and a.slug != _seed_data.SEED_SLUG]
            rng.shuffle(pool)
            while counts[c] < need and pool:
                pool.pop().categories.append(c)
                counts[c] += 1
        for a in arts:
            site._register(a)
        for lst in site._lists.values():
            lst.sort(key=_sort_key, reverse=True)
        site._fault_candidates = [a.slug.lower() for a in arts if a.slug != _seed_data.SEED_SLUG]
        return site

    # -- queries
    def get(self, slug: str) -> Article | None:
        """Article by slug, case-insensitively."""
        return self._by_slug.get(slug.lower())

    def __len__(self) -> int:
        return len(self.articles)

    def articles_in(self, category: str) -> list[Article]:
        """Articles of *category*, newest first (a copy)."""
        with self.lock:
            return list(self._lists[category])

    def n_pages(self, category: str) -> int:
        return max(1, math.ceil(len(self._lists[category]) / self.per_page))

    def page(self, category: str, page: int) -> tuple[int, list[Article]]:
        """``(page actually served, articles)``: pages < 1 give page 1, past the end gives the last page."""
        with self.lock:
            n = self.n_pages(category)
            p = min(max(1, page), n)
            lst = self._lists[category]
            return p, lst[(p - 1) * self.per_page:p * self.per_page]

    def latest(self, k: int = 5) -> list[Article]:
        """The *k* newest articles of the whole site (sidebar "Tin mới nhất", home page)."""
        with self.lock:
            if self._latest is None or self._latest[0] != self.version or len(self._latest[1]) < k:
                import heapq
                self._latest = (self.version, heapq.nlargest(max(k, 6), self.articles, key=_sort_key))
            return self._latest[1][:k]

    def related(self, article: Article, k: int = 3) -> list[Article]:
        """Up to *k* articles just older than *article* in its primary category ("Tin liên quan")."""
        c = article.primary_category
        if c is None:
            return []
        with self.lock:
            lst = self._lists[c]
            try:
                i = lst.index(article)
            except ValueError:
                return []
            return lst[i + 1:i + 1 + k]

    # -- mutations (incremental-run tests)
    def _touch(self) -> None:
        self.version += 1
        self._plans.clear()

    def add_articles(self, n: int, category: str | None = None) -> list[Article]:
        """Publish *n* new articles, each newer than everything on the site (one day apart),
        so they appear at the top of their categories (``category`` or a random one)."""
        with self.lock:
            rng = self._rng
            newest = max((_sort_key(a)[0] for a in self.articles), default=datetime(2024, 7, 12))
            out = []
            names = list(self.categories)
            for i in range(n):
                d = (newest + timedelta(days=i + 1)).date()
                title = _make_title(rng, d.year)
                while any(a.title == title for a in out):
                    title = _make_title(rng, d.year)
                slug = self._unique_slug(slugify(title))
                cats = [category or rng.choice(names)]
                a = Article(slug, title, d, source_line=rng.choice(SOURCE_LINES), categories=cats,
                            body_seed=rng.getrandbits(48))
                self._register(a)
                for c in cats:
                    self._lists[c].remove(a)
                self._insert_sorted(a)
                out.append(a)
            self._touch()
            return out

    def modify(self, article: Article, *, title: str | None = None, paragraphs: list[str] | None = None,
               summary: str | None = None, source_line: str | None = ...) -> Article:  # type: ignore[assignment]
        """Change an article's content in place (same URL, same date).

        With no keyword, a new sentence is appended to the last paragraph.
        Bumps ``article.version``.  Returns the article.
        """
        with self.lock:
            article.freeze_content()
            if title is not None:
                article.title = title
            if summary is not None:
                article.summary = summary
            if source_line is not ...:
                article.source_line = source_line
            if paragraphs is not None:
                article.paragraphs = paragraphs
                article._image_positions = tuple(min(p, len(paragraphs)) for p in article._image_positions)
            if title is None and paragraphs is None and summary is None and source_line is ...:
                ps = list(article.paragraphs) or [""]
                ps[-1] = (ps[-1] + f" Bài viết được cập nhật lần thứ {article.version + 1}.").strip()
                article.paragraphs = ps
            article.version += 1
            self._touch()
            return article

    REMOVAL_ANSWERS = ("404", "410", "home", "error", "503", "moved")

    def remove(self, article: Article, how: str = "404") -> Article:
        """Take *article* down: the listings drop it and its URL answers as *how* says: ``"404"`` or
        ``"410"`` (with the "Không tìm thấy trang" page), ``"home"`` (302 to the home page) or ``"error"``
        (302 to an error page served with status 200); or, neither of which is a removal, ``"503"`` (a
        transient failure) or ``"moved"`` (301 to the newest other article, as a portal that renamed a page).  :meth:`restore` puts it back."""
        if how not in self.REMOVAL_ANSWERS:
            raise ValueError(f"how must be one of {self.REMOVAL_ANSWERS}, not {how!r}")
        with self.lock:
            for c in article.categories:
                if article in self._lists[c]:
                    self._lists[c].remove(article)
            self.removed[article.slug.lower()] = how
            self._touch()
            return article

    def restore(self, article: Article) -> Article:
        """Publish a removed article again, same URL and content, back in its categories' listings."""
        with self.lock:
            if self.removed.pop(article.slug.lower(), None) is not None:
                self._insert_sorted(article)
                self._touch()
            return article

    def add_repost(self, article: Article, category: str | None = None) -> Article:
        """Publish *article* again under ``<slug>-1`` (``-2``… if taken): same title, date and
        body, in *category* (default: another category than the original's primary one)."""
        with self.lock:
            if category is None:
                others = [c for c in self.categories if c not in article.categories] or list(self.categories)
                category = self._rng.choice(others)
            a = Article(self._unique_slug(article.slug), article.title, article.published,
                        summary=article._summary, paragraphs=article._paragraphs, images=article._images,
                        attachments=article._attachments, source_line=article.source_line,
                        categories=[category], template=article.template, image_positions=article._image_positions,
                        body_seed=article.body_seed, att_kinds=article.att_kinds, repost_of=article.slug)
            if article.body_seed is not None and article._paragraphs is None:
                a.body_seed = None
                a._summary, a._paragraphs = article.summary, list(article.paragraphs)
                a._images, a._image_positions = list(article.images), article.image_positions
                a._attachments = list(article.attachments)
            self._register(a)
            self._lists[category].remove(a)
            self._insert_sorted(a)
            self._touch()
            return a

    # -- faults and expectations
    def fault_plan(self, faults: Iterable[str] | Mapping[str, Any] | None = None) -> FaultPlan:
        """Deterministic :class:`FaultPlan` for *faults* (a set of names, ``NAME=VALUE`` strings,
        or a dict name -> parameter).  Victims are drawn from the articles that existed when the
        site was built (never the seed article), in a fixed order over :data:`FAULTS`, so the
        victims of a fault do not depend on which other faults are active nor on later mutations."""
        fd = _normalize_faults(faults)
        key = tuple(sorted(fd.items(), key=lambda kv: kv[0]))
        with self.lock:
            cached = self._plans.get(key)
            if cached is not None:
                return cached
            rng = random.Random(f"faults:{self.seed}")
            cands = [s for s in self._fault_candidates if s in self._by_slug]
            rng.shuffle(cands)
            victims: dict[str, tuple[str, ...]] = {}
            i = 0
            for name in FAULTS:
                k = _VICTIM_COUNTS.get(name, 0)
                vs = []
                for _ in range(k):
                    if cands:
                        vs.append(cands[i % len(cands)])
                        i += 1
                victims[name] = tuple(vs)
                if name == "always_500" and isinstance(fd.get(name), str):  # the victim named by its slug
                    victims[name] = tuple(v.strip().lower() for v in fd[name].split(",") if v.strip())
            names = list(self.categories)
            endless = names[min(1, len(names) - 1)] if names else None
            dead = None
            if names:
                prng = random.Random(f"dead:{self.seed}")
                t = _make_title(prng, 2024)
                dead = (names[0], self._unique_slug(slugify(t) + "-da-go"), t)
            plan = FaultPlan(fd, victims, endless, dead)
            self._plans[key] = plan
            return plan

    def live_articles(self, faults=None, *, dedupe_reposts: bool = False) -> list[Article]:
        """Articles a correct crawler MUST store with these faults active (all, when no fault).

        Excludes the articles that never serve a real article page (see
        ``FaultPlan.excluded``) and the optional ones (``FaultPlan.optional``);
        with ``down`` nothing is live.  ``dedupe_reposts=True`` drops reposts
        (articles with ``repost_of`` set) for crawlers that store one copy.
        Articles hit by ``error_500_once``, ``reset``, ``slow``, ``nfd``,
        ``no_charset``, ``invalid_utf8``, ``no_date``, ``redirect`` are live.
        """
        plan = self.fault_plan(faults)
        if plan.active("down"):
            return []
        skip = set(plan.excluded) | set(plan.optional)
        with self.lock:
            return [a for a in self.articles if a.slug.lower() not in skip and a.categories
                    and not (dedupe_reposts and a.repost_of)]

    def optional_articles(self, faults=None) -> list[Article]:
        """Articles a crawler MAY store (``huge``, ``truncated``, ``no_title``): the test is
        ``live ⊆ stored ⊆ live ∪ optional``."""
        plan = self.fault_plan(faults)
        if plan.active("down"):
            return []
        return [self._by_slug[s] for s in plan.optional if s in self._by_slug]

    def excluded_articles(self, faults=None) -> list[str]:
        """Slugs that must NOT be stored (plus the ``dead_link`` phantom slug, if active)."""
        plan = self.fault_plan(faults)
        out = list(plan.excluded)
        if plan.active("dead_link") and plan.dead_link:
            out.append(plan.dead_link[1])
        return out

    def expected_articles(self, faults=None, *, invalid_utf8: str = "drop",
                          dedupe_reposts: bool = False) -> dict[str, Expected]:
        """``{canonical path: Expected}`` for :meth:`live_articles`, with values adjusted for the
        faults: ``no_date`` -> ``published=None``; ``invalid_utf8`` -> body text per
        ``invalid_utf8`` ("drop", the crawler's contract: the text without the bad bytes;
        "replace": two U+FFFD where they were)."""
        plan = self.fault_plan(faults)
        out = {}
        for a in self.live_articles(faults, dedupe_reposts=dedupe_reposts):
            bad = invalid_utf8_paragraph_index(a) if plan.hits("invalid_utf8", a.slug) else a.invalid_utf8_paragraph
            body = a.expected_body_text(invalid_utf8 if bad is not None else False, bad_paragraph=bad)
            published = None if plan.hits("no_date", a.slug) else a.published
            out[a.path] = Expected(a.path, a.slug, normalize_text(a.title), published, normalize_text(a.summary),
                                   body, a.expected_source(), a.expected_attachments(), list(a.categories),
                                   a.template, a.repost_of)
        return out


def invalid_utf8_paragraph_index(a: Article) -> int:
    """Index of the paragraph that gets invalid UTF-8 under the ``invalid_utf8`` fault."""
    return min(1, max(0, len(a.paragraphs) - 1))

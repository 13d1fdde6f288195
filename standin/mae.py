"""Stand-in of the successor portal mae.gov.vn (Bộ Nông nghiệp và Môi trường), served on 127.0.0.1.

Standard library only; nothing from ``monre_crawler``.  What is *known* of the real portal
(see issue 14) is followed exactly:

* an article is ``/<ascii-slug>-<id>.htm`` (the canonical short form) and the same article is also
  ``/<category-slug>/<ascii-slug>-<id>.htm``;
* every article has a print view ``/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx?ItemID=<id>``
  with the same id;
* ids are increasing integers (4+ digits) with gaps; a missing id answers 404 in every form;
* documents live under ``/noidung/Lists/VBQPPL/Attachments/<n>/<file>.pdf``;
* the home page links recent articles in the ``<slug>-<4+ digits>.htm`` form;
* there is a ``/robots.txt``.

Everything else (menu, category pages and their pager, the page chrome, the article and print
markup, the date formats) is invented, as a redesign would.  A crawler should find it by URL form
and page structure, not by this module's markup.

Reachability, per article (``Article.reach`` and ``Article.link_form``):

* ``reach == "listing"``: on its category's listing pages (and the home page while recent,
  the sidebars and related-article blocks); ``link_form`` says how every link to it is written:
  ``"short"`` (always the short form), ``"category"`` (always the category form), ``"both"``
  (the listing uses the category form, every other page the short form);
* ``reach == "home"``: linked only from one block of the home page;
* ``reach == "hidden"``: linked from nowhere; only reachable by its id (print view or URL).

Other routes: ``/<category-slug>.htm[?page=N]`` (listing, newest first; a page past the end is a
200 page without articles), ``/van-ban.htm`` (documents), ``/gioi-thieu.htm``, ``/lien-he.htm``,
``/tim-kiem.htm`` (empty results), ``/Pages/chi-tiet-tin-tuc.aspx?ItemID=<id>`` (old SharePoint
address: 301 to the short form), ``/Uploads/…`` (a tiny image).  An article URL with the right id
but a wrong slug or category answers 301 to the short form.

Options (``Site.generate(..., options={...})``, ``--option``), each a situation a crawler meets on unknown
portals; none is on by default:

* ``banner_h1``: the agency's name is the page's ``<h1>``, with today's date beside it, in a plain ``<div>``
  banner above the menu (not a ``<header>``), on every page; article pages carry no ``og:`` metadata;
* ``image_teasers``: articles are linked only by the category listings, whose entries link the article by
  its picture alone (``<img alt="">``), the title printed beside it unlinked: no link text names an
  article (no home-page, sidebar or related links to articles);
* ``print_table``: the print view is a table: a generic ``<title>In tin bài</title>``, the title in bold in
  its own row, the date (``dd/mm/yyyy hh:mm``) in the next row, the lead in bold after it, the text below;
* ``most_read``: a "Xem nhiều" (most read) box of 5 articles in the content column of every page (home,
  listings, articles, ``/van-ban.htm``), which also links ``/van-ban.htm`` (a page of documents, no
  articles of its own).

Later nights (a portal that edits, takes down and fails, each the same in every URL form of an id):

* ``site.edit(article, title=..., body_paragraphs=[...], ...)``: the article's pages show the new text (same
  id and slug: the URL does not change);
* ``site.remove(article, how)``: the listings and every other page stop linking it and its id answers
  ``"404"`` (the "not found" page), ``"home"`` (302 to the home page), ``"503"`` (a transient failure, not a
  removal) or ``"offsite"`` (302 to the same path on ``http://example.invalid``, another site);
  ``site.restore(article)`` puts it back;
* ``Portal(site, faults=...)`` / ``portal.set_faults(...)`` (a set of names, or a dict ``{name: parameter}``;
  none by default): ``fail`` — the ids of the parameter (an iterable of ints) answer 500 in every form;
  ``moved`` — the home page answers ``301 Location: <parameter>`` (default ``https://mae.gov.vn/``, another
  host than the stand-in's); ``maintenance`` — every page but ``/robots.txt`` answers 200 with a maintenance
  notice (no link), its ``<title>`` the parameter (default "Thông báo bảo trì hệ thống");
  ``robots_disallow`` — ``/robots.txt`` forbids the whole site.

Usage::

    site = Site.generate(n_articles=60, seed=0)
    with Portal(site) as portal:
        ... portal.url + site.articles[0].url ...
        site.publish(5)          # the "second night": 5 newer articles with higher ids

``python standin/mae.py --port 8766 --articles 60`` serves one until Ctrl-C.
"""
from __future__ import annotations

import argparse
import html
import random
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Category", "Document", "Article", "Site", "Portal", "Request", "CATEGORIES", "FAULTS",
           "PRINT_PATH", "REMOVAL_ANSWERS", "slugify", "weekday_vi"]

PRINT_PATH = "/SMPT_Publishing_UC/KhaiThac/TinTuc/pInTinTuc.aspx"
DOC_PREFIX = "/noidung/Lists/VBQPPL/Attachments/"
PORTAL_NAME = "Bộ Nông nghiệp và Môi trường"
FIRST_DAY = datetime(2025, 3, 1, 7, 0)
LAST_DAY = datetime(2026, 11, 25, 21, 0)
DEFAULT_TODAY = date(2026, 11, 27)
#: Situations a crawler meets on unknown portals, off by default (see the module docstring).
OPTIONS = ("banner_h1", "image_teasers", "print_table", "most_read")
#: How the id of an article taken down answers (``Site.remove``), and the faults a portal serves (``Portal``).
REMOVAL_ANSWERS = ("404", "home", "503", "offsite")
FAULTS = {"fail": (), "moved": "https://mae.gov.vn/", "maintenance": "Thông báo bảo trì hệ thống",
          "robots_disallow": None}


class Category(NamedTuple):
    slug: str
    name: str

    @property
    def url(self) -> str:
        """The listing's first page, ``/<slug>.htm``."""
        return f"/{self.slug}.htm"


#: The news categories, in menu order.
CATEGORIES: tuple[Category, ...] = (
    Category("hoat-dong-cua-bo", "Hoạt động của Bộ"),
    Category("nong-nghiep", "Nông nghiệp"),
    Category("thuy-san-kiem-ngu", "Thủy sản - Kiểm ngư"),
    Category("lam-nghiep", "Lâm nghiệp"),
    Category("tai-nguyen-nuoc", "Tài nguyên nước"),
    Category("moi-truong", "Môi trường"),
    Category("dat-dai", "Đất đai"),
    Category("khi-tuong-thuy-van", "Khí tượng thủy văn"),
)
_CATEGORY_WEIGHTS = (3, 2, 2, 1, 1, 2, 1, 1)

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def slugify(text: str, limit: int = 110) -> str:
    """ASCII slug: ``"Thủy sản - Kiểm ngư"`` -> ``"thuy-san-kiem-ngu"`` (cut at a hyphen near *limit*)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def weekday_vi(d: date) -> str:
    """``"Thứ Sáu"`` for a Friday."""
    return _WEEKDAYS[d.weekday()]


# ---------------------------------------------------------------- text pools (invented, realistic)

_PLACES = ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Quảng Ninh", "Nghệ An", "Cà Mau",
           "Đồng Tháp", "Lâm Đồng", "Đắk Lắk", "Thanh Hóa", "An Giang", "Khánh Hòa", "Gia Lai", "Lào Cai",
           "Thái Nguyên", "Huế", "Quảng Trị", "Vĩnh Long", "Tây Ninh", "Phú Thọ", "Tuyên Quang", "Sơn La")
_ACTIONS = ("triển khai", "đẩy mạnh", "tăng cường", "hoàn thiện", "tổng kết", "hướng dẫn", "kiểm tra",
            "lấy ý kiến về", "ban hành kế hoạch", "đôn đốc", "bàn giải pháp", "rà soát")
_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # category slug: (organisations, objects)
    "hoat-dong-cua-bo": (
        ("Bộ Nông nghiệp và Môi trường", "Lãnh đạo Bộ", "Thứ trưởng Bộ Nông nghiệp và Môi trường",
         "Đảng ủy Bộ Nông nghiệp và Môi trường", "Văn phòng Bộ"),
        ("công tác cải cách hành chính", "nhiệm vụ chuyển đổi số của ngành Nông nghiệp & Môi trường",
         "việc sắp xếp tổ chức bộ máy sau hợp nhất", "chương trình công tác quý IV",
         "Nghị quyết 57 về phát triển khoa học, công nghệ", "hợp tác quốc tế với các đối tác châu Âu",
         "công tác phòng, chống tham nhũng, lãng phí", "kế hoạch phát triển kinh tế - xã hội 5 năm")),
    "nong-nghiep": (
        ("Cục Trồng trọt và Bảo vệ thực vật", "Cục Chăn nuôi và Thú y", "Bộ Nông nghiệp và Môi trường",
         "Cục Chất lượng, Chế biến và Phát triển thị trường"),
        ("sản xuất vụ Đông Xuân", "đề án 1 triệu héc-ta lúa chất lượng cao, phát thải thấp",
         "phòng, chống bệnh dịch tả lợn châu Phi", "xuất khẩu sầu riêng sang thị trường Trung Quốc",
         "cấp mã số vùng trồng", "chuỗi liên kết sản xuất cà phê bền vững", "cơ giới hóa nông nghiệp")),
    "thuy-san-kiem-ngu": (
        ("Cục Thủy sản và Kiểm ngư", "Ban Chỉ đạo quốc gia về IUU", "Bộ Nông nghiệp và Môi trường"),
        ("công tác chống khai thác IUU, sớm gỡ “thẻ vàng”", "quản lý đội tàu cá và giám sát hành trình",
         "nuôi biển công nghệ cao", "bảo vệ nguồn lợi thủy sản ven bờ", "xuất khẩu tôm và cá tra",
         "truy xuất nguồn gốc thủy sản khai thác")),
    "lam-nghiep": (
        ("Cục Lâm nghiệp và Kiểm lâm", "Quỹ Bảo vệ và Phát triển rừng Việt Nam", "Bộ Nông nghiệp và Môi trường"),
        ("phòng cháy, chữa cháy rừng mùa khô", "chương trình trồng 1 tỷ cây xanh",
         "chi trả dịch vụ môi trường rừng", "chứng chỉ quản lý rừng bền vững", "bảo tồn đa dạng sinh học")),
    "tai-nguyen-nuoc": (
        ("Cục Quản lý tài nguyên nước", "Bộ Nông nghiệp và Môi trường", "Cục Thủy lợi"),
        ("vận hành liên hồ chứa mùa lũ", "bảo đảm an ninh nguồn nước", "phòng, chống hạn hán, xâm nhập mặn",
         "cấp phép khai thác nước dưới đất", "quy hoạch tổng hợp lưu vực sông Hồng - Thái Bình")),
    "moi-truong": (
        ("Cục Môi trường", "Bộ Nông nghiệp và Môi trường", "Quỹ Bảo vệ môi trường Việt Nam"),
        ("phân loại chất thải rắn sinh hoạt tại nguồn", "xử lý ô nhiễm không khí đô thị",
         "cải tạo, phục hồi môi trường các dòng sông", "quản lý chất thải nhựa đại dương",
         "thị trường các-bon trong nước", "kiểm soát ô nhiễm làng nghề")),
    "dat-dai": (
        ("Cục Quản lý đất đai", "Bộ Nông nghiệp và Môi trường", "Văn phòng Đăng ký đất đai"),
        ("thi hành Luật Đất đai 2024", "xây dựng cơ sở dữ liệu đất đai quốc gia",
         "cấp giấy chứng nhận quyền sử dụng đất", "định giá đất và bảng giá đất",
         "thu hồi đất cho dự án trọng điểm")),
    "khi-tuong-thuy-van": (
        ("Cục Khí tượng Thủy văn", "Trung tâm Dự báo khí tượng thủy văn quốc gia", "Bộ Nông nghiệp và Môi trường"),
        ("dự báo bão và áp thấp nhiệt đới", "cảnh báo lũ quét, sạt lở đất", "quan trắc khí tượng tự động",
         "dự báo nắng nóng diện rộng", "ứng phó mưa lớn tại miền Trung")),
}
_TITLE_TAILS = ("", "", " tại {place}", " năm {year}", " giai đoạn 2026–2030", " trên địa bàn {place}",
                ": Nhiều chuyển biến tích cực", " các tỉnh phía Bắc", " vùng Đồng bằng sông Cửu Long")
_PERSONS = ("Ông Nguyễn Văn Hùng", "Bà Trần Thị Lan", "Ông Lê Minh Tuấn", "Ông Phạm Quốc Bảo", "Bà Hoàng Thị Mai",
            "Ông Vũ Đức Thắng", "Bà Đặng Thu Hà", "Ông Bùi Quang Vinh")
_ROLES = ("Giám đốc Sở Nông nghiệp và Môi trường {place}", "Phó Vụ trưởng Vụ Kế hoạch - Tài chính",
          "Phó Chủ tịch UBND tỉnh {place}", "Trưởng phòng Kinh tế xã {village}", "Chủ nhiệm Hợp tác xã {village}")
_VILLAGES = ("Tân Phú", "Hòa Bình", "Phú Lộc", "Ea Kar", "Mường Khương", "Thạnh Phú", "Quảng Điền")
_LEADS = (
    "Ngày {d}/{m}, tại {place}, {org} tổ chức hội nghị về {object}, với sự tham dự của đại diện nhiều bộ, ngành "
    "và địa phương.",
    "{org} vừa có văn bản đề nghị các địa phương tập trung {object}, bảo đảm tiến độ và chất lượng theo kế "
    "hoạch đề ra.",
    "{part} {d}/{m}, {org} chủ trì buổi làm việc với UBND tỉnh {place} về {object} và các nhiệm vụ trọng tâm thời "
    "gian tới.",
    "{part} {d}/{m}, {org} đã có chuyến kiểm tra thực tế tại {place}, đánh giá kết quả {object} của địa phương.",
)
_SENTENCES = (
    "Theo {org}, thời gian qua {object} đã đạt được nhiều kết quả tích cực, góp phần nâng cao đời sống người "
    "dân tại {place}.",
    "Trong {period}, cả nước có {n} địa phương hoàn thành mục tiêu đề ra, tăng {pct}% so với cùng kỳ năm trước.",
    "Phát biểu tại hội nghị, đại diện {org} nhấn mạnh cần tiếp tục rà soát, hoàn thiện cơ chế, chính sách liên "
    "quan đến {object}.",
    "Các đơn vị thuộc Bộ được giao chủ trì, phối hợp với địa phương theo dõi, đôn đốc và báo cáo kết quả trước "
    "ngày {dm}.",
    "Bên cạnh đó, việc ứng dụng khoa học, công nghệ và chuyển đổi số được xác định là giải pháp then chốt.",
    "Nhiều mô hình hiệu quả tại {place} đã được nhân rộng, mang lại thu nhập ổn định cho hàng nghìn hộ dân.",
    "Tuy nhiên, {object} vẫn còn một số hạn chế như nguồn lực đầu tư chưa tương xứng, sự phối hợp giữa các cấp "
    "có lúc chưa chặt chẽ.",
    "Thời gian tới, Bộ sẽ tập trung chỉ đạo quyết liệt, bảo đảm hoàn thành các chỉ tiêu được Chính phủ giao năm "
    "{year}.",
    "{person}, {role}, cho biết: “Chúng tôi xác định đây là nhiệm vụ trọng tâm, cần sự vào cuộc của cả hệ "
    "thống chính trị”.",
    "Tổng kinh phí thực hiện dự kiến khoảng {n} tỷ đồng, từ nguồn ngân sách nhà nước và vốn xã hội hóa.",
    "Đến nay, {pct}% số hộ tham gia đã được tập huấn kỹ thuật, {n} hợp tác xã ký kết hợp đồng bao tiêu sản phẩm.",
    "Dịp này, {org} cũng trao {n} suất quà cho các hộ gia đình có hoàn cảnh khó khăn tại {place}.",
)
_PERIODS = ("6 tháng đầu năm {year}", "quý III/{year}", "năm {year}", "10 tháng qua", "giai đoạn 2021–2025")
_CAPTIONS = ("Quang cảnh hội nghị tại {place}. Ảnh: {author}", "Đại diện {org} phát biểu tại buổi làm việc. Ảnh: {author}",
             "Đoàn công tác kiểm tra thực tế tại {place}. Ảnh: {author}",
             "Người dân {place} áp dụng quy trình sản xuất mới. Ảnh: {author}")
_AUTHORS = ("Minh Phúc", "Thu Hằng", "Hoàng Anh", "Bảo Ngọc", "Đức Thắng", "Lê Bình", "Phương Linh")
_SOURCES = ("Nguồn: Báo Nông nghiệp và Môi trường", "Theo Cổng TTĐT Chính phủ", "Nguồn: Vụ Truyền thông")
_DOC_NAMES = ("QD_{n}_QD-BNNMT", "TT_{k}_{year}_TT-BNNMT", "1_DanhMuc_TT_DiaDanh_BanHanh", "CV_{n}_BNNMT-VP",
              "KeHoach_{k}_KH-BNNMT")
_DOC_TITLES = ("Quyết định số {n}/QĐ-BNNMT", "Thông tư số {k}/{year}/TT-BNNMT", "Danh mục địa danh ban hành",
               "Công văn số {n}/BNNMT-VP", "Kế hoạch số {k}/KH-BNNMT")


def _fill(rng: random.Random, template: str, ctx: dict) -> str:
    values = dict(ctx)
    values.setdefault("place", rng.choice(_PLACES))
    values.setdefault("n", rng.randint(12, 980))
    values.setdefault("pct", rng.randint(5, 45))
    values.setdefault("k", rng.randint(2, 45))
    values.setdefault("person", rng.choice(_PERSONS))
    values.setdefault("author", rng.choice(_AUTHORS))
    values.setdefault("village", rng.choice(_VILLAGES))
    if "{role}" in template:
        values["role"] = _fill(rng, rng.choice(_ROLES), values)
    if "{period}" in template:
        values["period"] = _fill(rng, rng.choice(_PERIODS), values)
    return nfc(template.format(**values))


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# ---------------------------------------------------------------- model

@dataclass
class Document:
    """A document file: ``url`` = ``/noidung/Lists/VBQPPL/Attachments/<n>/<file>.pdf``, ``title``."""
    number: int
    filename: str
    title: str

    @property
    def url(self) -> str:
        return f"{DOC_PREFIX}{self.number}/{self.filename}"


@dataclass
class Article:
    """One article.  URL fields are server-relative paths (prefix ``portal.url``).

    ``published`` is ISO 8601 local time (Asia/Ho_Chi_Minh, no offset): ``"2025-07-24T14:35:00"``
    when the page prints a time, ``"2025-07-24"`` when it prints only the date (``has_time``).
    ``body_paragraphs`` are the body's paragraphs only: not the ``lead``, the figure's
    ``figure_caption``, the document line or the ``source`` line.
    """
    id: int
    slug: str
    title: str
    category: str            # the category's Vietnamese name
    category_slug: str
    published_at: datetime
    has_time: bool
    lead: str
    body_paragraphs: list[str]
    figure_src: str
    figure_caption: str
    source: str              # the source/author line as printed
    documents: list[Document] = field(default_factory=list)
    reach: str = "listing"   # "listing" | "home" | "hidden"
    link_form: str = "short"  # "short" | "category" | "both"

    @property
    def url(self) -> str:
        """The canonical short form ``/<slug>-<id>.htm``."""
        return f"/{self.slug}-{self.id}.htm"

    @property
    def category_url_form(self) -> str:
        """``/<category-slug>/<slug>-<id>.htm``."""
        return f"/{self.category_slug}/{self.slug}-{self.id}.htm"

    @property
    def print_url(self) -> str:
        return f"{PRINT_PATH}?ItemID={self.id}"

    @property
    def published(self) -> str:
        if self.has_time:
            return self.published_at.isoformat(timespec="seconds")
        return self.published_at.date().isoformat()

    @property
    def body_text(self) -> str:
        """The body paragraphs joined by blank lines."""
        return "\n\n".join(self.body_paragraphs)

    @property
    def urls(self) -> tuple[str, str, str]:
        """Every address of this article: short form, category form, print view."""
        return (self.url, self.category_url_form, self.print_url)

    def link(self, on_listing: bool = False) -> str:
        """How pages link this article (see the module docstring)."""
        if self.link_form == "category" or (self.link_form == "both" and on_listing):
            return self.category_url_form
        return self.url


class Site:
    """A deterministic model of the portal: categories, articles (ids ascending), documents.

    Thread-safe enough for serving while ``publish`` runs (``site.lock``).
    """

    def __init__(self, seed: int = 0, *, per_page: int = 5, today: date = DEFAULT_TODAY,
                 options: frozenset[str] | set[str] = frozenset()):
        unknown = set(options) - set(OPTIONS)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; known: {sorted(OPTIONS)}")
        self.options = frozenset(options)
        self.seed = seed
        self.per_page = per_page
        self.today = today
        self.categories: tuple[Category, ...] = CATEGORIES
        self.articles: list[Article] = []
        self.documents: list[Document] = []
        self.lock = threading.RLock()
        self._by_id: dict[int, Article] = {}
        self._rng = random.Random(f"mae-{seed}")
        self._next_id = 19000 + self._rng.randint(0, 400)
        self._next_doc = 480 + self._rng.randint(0, 30)
        self._titles: set[str] = set()
        self.removed: dict[int, tuple[Article, str]] = {}  # id -> (the article taken down, how it answers)

    # -- generation
    @classmethod
    def generate(cls, n_articles: int = 60, seed: int = 0, *, per_page: int = 5,
                 today: date = DEFAULT_TODAY, options: frozenset[str] | set[str] = frozenset()) -> "Site":
        """*n_articles* articles dated 2025-03-01 … 2026-11-25, ids increasing with gaps.

        About 8% are ``reach="hidden"`` and 6% ``reach="home"`` (at least one of each from 10
        articles on); of the listed ones about 20% are linked only in the category form and 20% in
        both forms.  The newest article is always listed.  Same arguments, same site.
        """
        site = cls(seed, per_page=per_page, today=today, options=options)
        rng = site._rng
        days = (LAST_DAY.date() - FIRST_DAY.date()).days
        stamps = sorted(datetime.combine(FIRST_DAY.date() + timedelta(days=rng.randint(0, days)), datetime.min.time())
                        + timedelta(minutes=rng.randint(6 * 60 + 30, 21 * 60 + 30)) for _ in range(n_articles))
        reach = ["listing"] * n_articles
        if n_articles >= 2:
            pool = list(range(n_articles - 1))   # never the newest: a backfill starts from it
            n_hidden = max(1 if n_articles >= 10 else 0, round(n_articles * 0.08))
            n_home = max(1 if n_articles >= 10 else 0, round(n_articles * 0.06))
            picked = rng.sample(pool, min(len(pool), n_hidden + n_home))
            for i in picked[:n_hidden]:
                reach[i] = "hidden"
            for i in picked[n_hidden:]:
                reach[i] = "home"
        listed = [i for i in range(n_articles) if reach[i] == "listing"]
        forms = {i: "short" for i in listed}
        if len(listed) >= 5:
            k = max(1, round(len(listed) * 0.2))
            chosen = rng.sample(listed, 2 * k)
            for i in chosen[:k]:
                forms[i] = "category"
            for i in chosen[k:]:
                forms[i] = "both"
        for i, stamp in enumerate(stamps):
            gap = 0 if i == 0 else (rng.randint(1, 3) if rng.random() < 0.2 or i == 2 else 0)
            site._add(stamp.replace(second=0, microsecond=0), gap, reach[i], forms.get(i, "short"))
        return site

    def publish(self, k: int, *, reach: str = "listing", link_form: str | None = None,
                category: str | None = None) -> list[Article]:
        """Add *k* newer articles (later dates, higher ids, gaps possible), as a later night would see.

        They are dated from ``site.today`` 07:00 on (or after the newest article).  *reach* as in
        :class:`Article`; *link_form* None mixes the forms; *category* is a category slug (None: any).
        """
        if reach not in ("listing", "home", "hidden"):
            raise ValueError(f"unknown reach {reach!r}")
        with self.lock:
            rng = self._rng
            stamp = max(datetime.combine(self.today, datetime.min.time()).replace(hour=7),
                        self.articles[-1].published_at if self.articles else FIRST_DAY)
            added = []
            for _ in range(k):
                stamp = stamp + timedelta(minutes=rng.randint(10, 90))
                form = link_form or rng.choice(("short", "short", "short", "category", "both"))
                gap = rng.randint(1, 3) if rng.random() < 0.25 else 0
                added.append(self._add(stamp, gap, reach, form, category))
            return added

    def _add(self, stamp: datetime, gap: int, reach: str, link_form: str, category: str | None = None) -> Article:
        rng = self._rng
        self._next_id += gap
        aid = self._next_id
        self._next_id += 1
        if category is None:
            cat = rng.choices(CATEGORIES, weights=_CATEGORY_WEIGHTS)[0]
        else:
            cat = next(c for c in CATEGORIES if c.slug == category)
        orgs, objects = _TOPICS[cat.slug]
        ctx = {"org": rng.choice(orgs), "object": rng.choice(objects), "year": stamp.year,
               "d": stamp.day, "m": stamp.month, "place": rng.choice(_PLACES),
               "part": "Sáng" if stamp.hour < 12 else "Chiều" if stamp.hour < 18 else "Tối"}
        for attempt in range(50):
            tail = rng.choice(_TITLE_TAILS) if attempt < 10 else f" tại {rng.choice(_PLACES)} (đợt {attempt})"
            title = _cap(_fill(rng, f"{{org}} {rng.choice(_ACTIONS)} {{object}}{tail}", ctx))
            if title not in self._titles:
                break
        self._titles.add(title)
        lead = _fill(rng, rng.choice(_LEADS), ctx)
        paragraphs = []
        for _ in range(rng.randint(3, 6)):
            sentences = rng.sample(_SENTENCES, rng.randint(2, 3))
            due = stamp + timedelta(days=rng.randint(10, 60))
            pctx = {**ctx, "dm": f"{due.day}/{due.month}/{due.year}"}
            del pctx["place"]
            paragraphs.append(" ".join(_fill(rng, s, pctx) for s in sentences))
        slug = slugify(title)
        figure_src = f"/Uploads/images/{stamp:%Y/%m/%d}/{slug[:40].rstrip('-')}-{aid}.jpg"
        caption = _fill(rng, rng.choice(_CAPTIONS), ctx)
        source = rng.choice(_AUTHORS) if rng.random() < 0.6 else rng.choice(_SOURCES)
        documents = []
        if rng.random() < 0.2:
            n = rng.randint(100, 4999)
            kk = rng.randint(2, 45)
            j = rng.randrange(len(_DOC_NAMES))
            doc = Document(self._next_doc, _DOC_NAMES[j].format(n=n, k=kk, year=stamp.year) + ".pdf",
                           nfc(_DOC_TITLES[j].format(n=n, k=kk, year=stamp.year)))
            self._next_doc += rng.randint(1, 4)
            documents.append(doc)
            self.documents.append(doc)
        a = Article(aid, slug, title, cat.name, cat.slug, stamp, rng.random() >= 0.1, lead, paragraphs,
                    figure_src, caption, source, documents, reach, link_form)
        with self.lock:
            self.articles.append(a)
            self._by_id[aid] = a
        return a

    # -- later nights
    def edit(self, article: Article, **changes) -> Article:
        """Change fields of *article* (``title``, ``lead``, ``body_paragraphs`` …); its URL stays the same."""
        with self.lock:
            for name, value in changes.items():
                if not hasattr(article, name) or name in ("id", "slug"):
                    raise ValueError(f"cannot edit {name!r}")
                setattr(article, name, value)
            return article

    def remove(self, article: Article, how: str = "404") -> Article:
        """Take *article* down: no page links it any more and its id answers as *how* says, in every URL form:
        ``"404"`` (the "not found" page), ``"home"`` (302 to the home page), ``"503"`` (a transient failure,
        which is no removal) or ``"offsite"`` (302 to the same path on ``http://example.invalid``).
        :meth:`restore` puts it back."""
        if how not in REMOVAL_ANSWERS:
            raise ValueError(f"how must be one of {REMOVAL_ANSWERS}, not {how!r}")
        with self.lock:
            if self._by_id.pop(article.id, None) is not None:
                self.articles.remove(article)
            self.removed[article.id] = (article, how)
            return article

    def restore(self, article: Article) -> Article:
        """Publish a removed article again: same id, URLs and content, linked as before."""
        with self.lock:
            if self.removed.pop(article.id, None) is not None:
                self.articles.append(article)
                self.articles.sort(key=lambda a: a.id)
                self._by_id[article.id] = article
            return article

    # -- queries
    def get(self, article_id: int) -> Article | None:
        with self.lock:
            return self._by_id.get(article_id)

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.categories if c.slug == slug), None)

    @property
    def ids(self) -> list[int]:
        with self.lock:
            return [a.id for a in self.articles]

    def missing_ids(self) -> list[int]:
        """The gaps: ids between the lowest and highest article id that are no article (404)."""
        with self.lock:
            have = set(self._by_id)
            return [i for i in range(min(have), max(have)) if i not in have] if have else []

    def reached(self, reach: str) -> list[Article]:
        """Articles with ``Article.reach == reach``, ids ascending."""
        with self.lock:
            return [a for a in self.articles if a.reach == reach]

    def listed(self, category_slug: str | None = None) -> list[Article]:
        """Listed articles (of one category), newest first."""
        with self.lock:
            return [a for a in reversed(self.articles)
                    if a.reach == "listing" and (category_slug is None or a.category_slug == category_slug)]

    def n_pages(self, category_slug: str) -> int:
        return max(1, -(-len(self.listed(category_slug)) // self.per_page))

    def page(self, category_slug: str, page: int) -> list[Article]:
        items = self.listed(category_slug)
        return items[(page - 1) * self.per_page: page * self.per_page]

    def page_url(self, category_slug: str, page: int) -> str:
        return f"/{category_slug}.htm" if page == 1 else f"/{category_slug}.htm?page={page}"

    def home_articles(self) -> list[Article]:
        """Every article the home page links."""
        return _home_blocks(self)[3]

    def related(self, a: Article, k: int = 4) -> list[Article]:
        """Older listed articles of the same category (newest first)."""
        return [b for b in self.listed(a.category_slug) if b.id < a.id][:k]

    def most_read(self, k: int = 5) -> list[Article]:
        """The "Xem nhiều" box of option ``most_read``: every 4th listed article, oldest first, ``k`` of them."""
        with self.lock:
            listed = [a for a in self.articles if a.reach == "listing"]
            return listed[1::4][:k]

    def latest(self, k: int = 6, exclude: int | None = None) -> list[Article]:
        return [b for b in self.listed() if b.id != exclude][:k]

    def document(self, path: str) -> Document | None:
        with self.lock:
            return next((d for d in self.documents if d.url.lower() == path.lower()), None)


# ---------------------------------------------------------------- rendering

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _dmy(d: datetime | date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _stamp_line(a: Article) -> str:
    """The date line by the title: ``Thứ Năm, 24/07/2025 14:35 (GMT+7)`` or ``Thứ Năm, 24/07/2025``."""
    s = f"{weekday_vi(a.published_at)}, {_dmy(a.published_at)}"
    return s + (f" {a.published_at:%H:%M} (GMT+7)" if a.has_time else "")


def _short_stamp(a: Article) -> str:
    return _dmy(a.published_at) + (f" {a.published_at:%H:%M}" if a.has_time else "")


def _head(title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n{extra}"
            f'<link rel="stylesheet" href="/Content/css/bnnmt.min.css?v=2.3.1">\n'
            f'<script src="/Content/js/jquery-3.7.1.min.js"></script>\n</head>\n')


def _chrome_top(site: Site, active: str | None = None) -> str:
    t = site.today
    items = []
    for c in site.categories:
        cls = ' class="on"' if c.slug == active else ""
        items.append(f'<li{cls}><a href="{c.url}">{_e(c.name)}</a></li>')
    return f"""<body>
<div class="bnn-topbar"><div class="wrap">
<span class="bnn-today">{weekday_vi(t)}, {_dmy(t)}</span>
<span class="bnn-hotline">Đường dây nóng: 024.3733.0000</span>
<a href="https://thamvan.mae.gov.vn/" target="_blank">Tham vấn chính sách</a>
<a href="/en">English</a>
</div></div>
{_masthead(site)}
<nav class="bnn-nav"><div class="wrap"><ul class="lv1">
<li><a href="/">Trang chủ</a></li>
<li><a href="/gioi-thieu.htm">Giới thiệu</a></li>
<li class="has-sub"><a href="javascript:void(0)">Tin tức</a><ul class="lv2">
{chr(10).join(items)}
</ul></li>
<li><a href="/van-ban.htm">Văn bản</a></li>
<li><a href="https://dichvucong.mae.gov.vn/" target="_blank">Dịch vụ công</a></li>
<li><a href="/lien-he.htm">Liên hệ</a></li>
</ul></div></nav>
<main class="bnn-main"><div class="wrap">
"""


def _masthead(site: Site) -> str:
    if "banner_h1" in site.options:  # the agency's name as the page's <h1>, today's date beside it, in a plain div
        t = site.today
        return f"""<div class="bnn-top"><div class="wrap">
<a class="bnn-logo" href="/"><img src="/Content/images/logo-bnnmt.png" alt=""></a>
<div class="bnn-brand"><div class="bnn-portal">CỔNG THÔNG TIN ĐIỆN TỬ</div><h1>{_e(PORTAL_NAME.upper())}</h1>
<div class="bnn-day">{weekday_vi(t)}, ngày {_dmy(t)}</div></div>
</div></div>"""
    return """<header class="bnn-masthead"><div class="wrap">
<a class="bnn-logo" href="/"><img src="/Content/images/logo-bnnmt.png" alt="Bộ Nông nghiệp và Môi trường"></a>
<div class="bnn-brand"><span>CỔNG THÔNG TIN ĐIỆN TỬ</span><strong>BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</strong></div>
<form class="bnn-search" action="/tim-kiem.htm" method="get"><input type="text" name="q" placeholder="Tìm kiếm...">
<button type="submit">Tìm</button></form>
</div></header>"""


def _most_read(site: Site) -> str:
    """Option ``most_read``: the "Xem nhiều" box, in the content column of every page."""
    if "most_read" not in site.options:
        return ""
    rows = "".join(f'<li><a href="{_e(b.link())}">{_e(b.title)}</a></li>' for b in site.most_read())
    return (f'<div class="bx"><h3>Xem nhiều</h3><ul class="bx-list">{rows}</ul>'
            f'<a href="/van-ban.htm">Văn bản mới</a></div>\n')


def _chrome_bottom() -> str:
    return """</div></main>
<footer class="bnn-foot"><div class="wrap">
<div class="units"><span>Đơn vị trực thuộc:</span>
<a href="https://dcc.mae.gov.vn/">Cục Biến đổi khí hậu</a>
<a href="https://vea.mae.gov.vn/">Cục Môi trường</a>
<a href="https://thamvan.mae.gov.vn/">Tham vấn chính sách</a></div>
<p><strong>CỔNG THÔNG TIN ĐIỆN TỬ BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</strong></p>
<p>Cơ quan chủ quản: Bộ Nông nghiệp và Môi trường. Địa chỉ: Số 2 Ngọc Hà, Ba Đình, Hà Nội.</p>
<p>Điện thoại: 024.3846.8161 - Email: bbt@mae.gov.vn</p>
<p>Ghi rõ nguồn “Cổng TTĐT Bộ Nông nghiệp và Môi trường” khi phát hành lại thông tin từ website này.</p>
</div></footer>
<script src="/Content/js/site.js"></script>
</body>
</html>
"""


def _aside(site: Site, exclude: int | None = None) -> str:
    if "image_teasers" in site.options:  # no link text names an article
        return ('<aside class="bnn-side"><div class="box"><h3 class="box-h">Liên kết</h3><ul class="side-links">'
                '<li><a href="https://chinhphu.vn/" target="_blank">Cổng TTĐT Chính phủ</a></li></ul></div></aside>\n')
    rows = "\n".join(
        f'<li><a href="{_e(b.link())}">{_e(b.title)}</a><time>{_dmy(b.published_at)}</time></li>'
        for b in site.latest(6, exclude))
    return (f'<aside class="bnn-side"><div class="box"><h3 class="box-h">Tin mới nhất</h3>\n<ul class="side-news">\n'
            f"{rows}\n</ul></div>\n"
            f'<div class="box"><h3 class="box-h">Liên kết</h3><ul class="side-links">'
            f'<li><a href="https://chinhphu.vn/" target="_blank">Cổng TTĐT Chính phủ</a></li>'
            f'<li><a href="https://dcc.mae.gov.vn/" target="_blank">Cục Biến đổi khí hậu</a></li></ul></div>'
            f"</aside>\n")


def render_article(site: Site, a: Article, origin: str = "https://mae.gov.vn") -> str:
    cat = site.category(a.category_slug)
    meta = (f'<meta name="description" content="{_e(a.lead)}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{_e(a.title)}">\n'
            f'<meta property="og:description" content="{_e(a.lead)}">\n'
            f'<meta property="og:image" content="{_e(a.figure_src)}">\n'
            f'<meta property="og:url" content="{_e(origin + a.url)}">\n')
    if "banner_h1" in site.options:  # no metadata names the article: its headings decide
        meta = ""
    paras = []
    fig_at = min(1, len(a.body_paragraphs))
    for i, p in enumerate(a.body_paragraphs):
        if i == fig_at:
            paras.append(f'<figure class="pic"><img src="{_e(a.figure_src)}" alt="{_e(a.title)}">'
                         f"<figcaption>{_e(a.figure_caption)}</figcaption></figure>")
        paras.append(f"<p>{_e(p)}</p>")
    for d in a.documents:
        paras.append(f'<p class="doc-dl">Tải văn bản: <a href="{_e(d.url)}">{_e(d.title)}</a></p>')
    related = "\n".join(
        f'<li><a href="{_e(b.link())}">{_e(b.title)}</a> <span class="d">({_dmy(b.published_at)})</span></li>'
        for b in site.related(a))
    related_block = (f'<section class="bnn-more"><h2 class="more-h">Tin cùng chuyên mục</h2>\n<ul>\n{related}\n</ul>'
                     f"</section>\n") if related and "image_teasers" not in site.options else ""
    return (_head(f"{a.title} - {PORTAL_NAME}", meta) + _chrome_top(site, a.category_slug)
            + f"""<div class="bnn-cols"><div class="bnn-content">
<ol class="crumbs"><li><a href="/">Trang chủ</a></li><li><a href="{cat.url}">{_e(cat.name)}</a></li></ol>
<article class="news-detail" data-id="{a.id}">
<h1 class="nd-title">{_e(a.title)}</h1>
<div class="nd-meta"><span class="nd-time">{_stamp_line(a)}</span>
<span class="nd-tools"><a href="{_e(a.print_url)}" target="_blank" rel="nofollow">In bài</a>
<a href="javascript:void(0)" class="fb-share">Chia sẻ</a></span></div>
<div class="nd-sapo"><strong>{_e(a.lead)}</strong></div>
<div class="nd-body">
{chr(10).join(paras)}
</div>
<div class="nd-author">{_e(a.source)}</div>
</article>
{related_block}{_most_read(site)}</div>
{_aside(site, a.id)}</div>
""" + _chrome_bottom())


def render_print(site: Site, a: Article, origin: str = "https://mae.gov.vn") -> str:
    if "print_table" in site.options:
        return _render_print_table(site, a, origin)
    paras = "\n".join(f"<p>{_e(p)}</p>" for p in a.body_paragraphs)
    docs = "".join(f'<p>Văn bản: <a href="{_e(d.url)}">{_e(d.title)}</a></p>\n' for d in a.documents)
    stamp = _dmy(a.published_at) + (f" {a.published_at:%H:%M}" if a.has_time else "")
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{_e(a.title)}</title>
<style type="text/css">body{{font-family:Times New Roman;font-size:14pt}} .np{{display:none}}</style>
</head>
<body onload="window.print()">
<form name="aspnetForm" method="post" action="pInTinTuc.aspx?ItemID={a.id}" id="aspnetForm">
<table width="100%" cellpadding="4"><tr><td><b>BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</b><br/>Cổng thông tin điện tử</td>
<td align="right"><a class="np" href="javascript:window.print()">In trang</a></td></tr></table>
<hr/>
<div id="pTitle"><h2>{_e(a.title)}</h2></div>
<div id="pDate"><i>Ngày đăng: {stamp}</i></div>
<div id="pSummary"><p><b>{_e(a.lead)}</b></p></div>
<div id="pContent">
{paras}
<p align="center"><img src="{_e(a.figure_src)}" /><br/><i>{_e(a.figure_caption)}</i></p>
{docs}</div>
<div id="pAuthor" align="right"><b>{_e(a.source)}</b></div>
<hr/>
<div>Địa chỉ bài viết: <a href="{_e(origin + a.url)}">{_e(origin + a.url)}</a></div>
</form>
</body>
</html>
"""


def _render_print_table(site: Site, a: Article, origin: str) -> str:
    """Option ``print_table``: a generic ``<title>``, the title and the date in rows of their own."""
    paras = "\n".join(f"<p>{_e(p)}</p>" for p in a.body_paragraphs)
    docs = "".join(f'<p>Văn bản: <a href="{_e(d.url)}">{_e(d.title)}</a></p>\n' for d in a.documents)
    stamp = _dmy(a.published_at) + (f" {a.published_at:%H:%M}" if a.has_time else "")
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>In tin bài</title></head>
<body onload="window.print()">
<table width="100%" cellpadding="4">
<tr><td><b>BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</b><br/>Cổng thông tin điện tử</td></tr>
<tr><td><b>{_e(a.title)}</b></td></tr>
<tr><td>{stamp}</td></tr>
<tr><td><b>{_e(a.lead)}</b></td></tr>
<tr><td>
{paras}
<p align="center"><img src="{_e(a.figure_src)}" /><br/><i>{_e(a.figure_caption)}</i></p>
{docs}</td></tr>
<tr><td align="right"><b>{_e(a.source)}</b></td></tr>
<tr><td>Địa chỉ bài viết: {_e(origin + a.url)}</td></tr>
</table>
</body>
</html>
"""


def _home_blocks(site: Site):
    """(featured, latest, per-category, every article linked) of the home page."""
    with site.lock:
        listed = site.listed()
        featured = listed[:1] + list(reversed(site.reached("home")))
        latest = listed[1:9]
        per_cat = [(c, site.listed(c.slug)[:3]) for c in site.categories]
        seen: dict[int, Article] = {}
        for a in featured + latest + [a for _, items in per_cat for a in items]:
            seen.setdefault(a.id, a)
        return featured, latest, per_cat, list(seen.values())


def render_home(site: Site) -> str:
    if "image_teasers" in site.options:
        return _render_home_images(site)
    featured, latest, per_cat, _ = _home_blocks(site)
    feat = []
    for i, a in enumerate(featured):
        if i == 0:
            feat.append(f'<div class="hl-main"><a href="{_e(a.link())}"><img src="{_e(a.figure_src)}" alt=""></a>'
                        f'<h2><a href="{_e(a.link())}">{_e(a.title)}</a></h2><p>{_e(a.lead)}</p></div>')
        else:
            feat.append(f'<div class="hl-sub"><a href="{_e(a.link())}">{_e(a.title)}</a></div>')
    new = "\n".join(f'<li><a href="{_e(a.link())}">{_e(a.title)}</a> <em>{_short_stamp(a)}</em></li>'
                    for a in latest)
    boxes = []
    for c, items in per_cat:
        lis = "".join(f'<li><a href="{_e(a.link())}">{_e(a.title)}</a></li>' for a in items)
        boxes.append(f'<section class="cat-box"><h2><a href="{c.url}">{_e(c.name)}</a></h2><ul>{lis}</ul>'
                     f'<a class="more" href="{c.url}">Xem thêm</a></section>')
    return (_head(f"Cổng thông tin điện tử {PORTAL_NAME}") + _chrome_top(site)
            + f"""<section class="hl">{''.join(feat)}</section>
<div class="bnn-cols"><div class="bnn-content">
<section class="home-new"><h2>Tin mới</h2><ul>
{new}
</ul></section>
{chr(10).join(boxes)}
{_most_read(site)}</div>
{_aside(site)}</div>
""" + _chrome_bottom())


def _render_home_images(site: Site) -> str:
    """Option ``image_teasers``: the home page links no article by a text (its hero is a picture alone)."""
    with site.lock:
        hero = site.listed()[:1]
    feat = "".join(f'<div class="hl-main"><a href="{_e(a.link())}"><img src="{_e(a.figure_src)}" alt=""></a>'
                   f'<h2>{_e(a.title)}</h2><p>{_e(a.lead)}</p></div>' for a in hero)
    return (_head(f"Cổng thông tin điện tử {PORTAL_NAME}") + _chrome_top(site)
            + f"""<section class="hl">{feat}</section>
<div class="bnn-cols"><div class="bnn-content">
{_most_read(site)}</div>
{_aside(site)}</div>
""" + _chrome_bottom())


def render_listing(site: Site, cat: Category, page: int) -> str:
    last = site.n_pages(cat.slug)
    items = site.page(cat.slug, page)
    rows = []
    for a in items:
        href = _e(a.link(on_listing=True))
        heading = _e(a.title) if "image_teasers" in site.options else f'<a href="{href}">{_e(a.title)}</a>'
        rows.append(f'<div class="li-item"><a class="thumb" href="{href}"><img src="{_e(a.figure_src)}" alt=""></a>'
                    f'<div class="li-text"><h3>{heading}</h3>'
                    f'<span class="li-date">{_short_stamp(a)}</span><p>{_e(a.lead)}</p></div></div>')
    if not rows:
        body = '<p class="empty">Chưa có tin bài nào.</p>'
    else:
        body = "\n".join(rows) + "\n" + _pager(site, cat, page, last)
    return (_head(f"{cat.name} - {PORTAL_NAME}") + _chrome_top(site, cat.slug)
            + f"""<div class="bnn-cols"><div class="bnn-content">
<h1 class="cat-title">{_e(cat.name)}</h1>
<div class="li-list">
{body}
</div>
{_most_read(site)}</div>
{_aside(site)}</div>
""" + _chrome_bottom())


def _pager(site: Site, cat: Category, page: int, last: int) -> str:
    if last <= 1:
        return ""
    parts = []
    if page > 1:
        parts.append(f'<a href="{_e(site.page_url(cat.slug, 1))}" title="Trang đầu">«</a>')
        parts.append(f'<a href="{_e(site.page_url(cat.slug, page - 1))}" title="Trang trước">‹</a>')
    lo = max(1, min(page - 2, last - 4))
    for n in range(lo, min(last, lo + 4) + 1):
        if n == page:
            parts.append(f"<b>{n}</b>")
        else:
            parts.append(f'<a href="{_e(site.page_url(cat.slug, n))}">{n}</a>')
    if page < last:
        parts.append(f'<a href="{_e(site.page_url(cat.slug, page + 1))}" title="Trang sau">›</a>')
        parts.append(f'<a href="{_e(site.page_url(cat.slug, last))}" title="Trang cuối">»</a>')
    return '<div class="paging">' + " ".join(parts) + "</div>"


def render_documents(site: Site) -> str:
    with site.lock:
        docs = list(reversed(site.documents))
    rows = "\n".join(f'<tr><td>{i}</td><td>{_e(d.title)}</td><td><a href="{_e(d.url)}">Tải về</a></td></tr>'
                     for i, d in enumerate(docs, 1))
    return (_head(f"Văn bản - {PORTAL_NAME}") + _chrome_top(site)
            + f'<h1 class="cat-title">Văn bản</h1>\n<table class="docs"><tr><th>STT</th><th>Trích yếu</th>'
              f"<th>Tệp</th></tr>\n{rows}\n</table>\n" + _most_read(site) + _chrome_bottom())


def render_static(site: Site, title: str, text: str) -> str:
    return (_head(f"{title} - {PORTAL_NAME}") + _chrome_top(site)
            + f'<h1 class="cat-title">{_e(title)}</h1>\n<div class="static"><p>{_e(text)}</p></div>\n'
            + _chrome_bottom())


def render_maintenance(title: str) -> str:
    """A maintenance notice served with 200 for every page (``maintenance`` fault): no menu, no link."""
    return (_head(title) + f'<body><div class="maintenance"><h1>{_e(title)}</h1>'
            "<p>Cổng thông tin điện tử đang được nâng cấp. Xin vui lòng quay lại sau.</p></div></body></html>\n")


def render_not_found(site: Site) -> str:
    return (_head(f"Không tìm thấy trang - {PORTAL_NAME}") + _chrome_top(site)
            + '<div class="err404"><h1>404</h1><p>Trang bạn tìm không tồn tại hoặc đã bị gỡ bỏ.</p>'
              '<a href="/">Về trang chủ</a></div>\n' + _chrome_bottom())


# ---------------------------------------------------------------- HTTP

HTML_UTF8 = "text/html; charset=utf-8"
_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
_ARTICLE_RE = re.compile(r"^/(?:([a-z0-9-]+)/)?([a-z0-9-]+)-(\d+)\.htm$")
_CATEGORY_RE = re.compile(r"^/([a-z0-9-]+)\.htm$")
ROBOTS = """User-agent: *
Disallow: /_layouts/
Disallow: /_vti_bin/
Disallow: /tim-kiem.htm
Allow: /
"""
_STATIC = {
    "/gioi-thieu.htm": ("Giới thiệu", "Bộ Nông nghiệp và Môi trường là cơ quan của Chính phủ, thực hiện chức năng "
                        "quản lý nhà nước về nông nghiệp, lâm nghiệp, thủy sản, thủy lợi, đất đai, tài nguyên nước, "
                        "môi trường, khí tượng thủy văn và biến đổi khí hậu."),
    "/lien-he.htm": ("Liên hệ", "Ban biên tập Cổng thông tin điện tử, Số 2 Ngọc Hà, Ba Đình, Hà Nội."),
}


class Request(NamedTuple):
    """One logged request: ``method``, ``path`` (path and query as sent), ``status`` answered."""
    method: str
    path: str
    status: int


class _Response(NamedTuple):
    status: int
    body: bytes = b""
    ctype: str = HTML_UTF8
    headers: tuple = ()


def article_id_of(path: str) -> int | None:
    """The article id a request path addresses (either URL form or the print view), else None."""
    split = urlsplit(path)
    p = unquote(split.path)
    if p.lower() == PRINT_PATH.lower():
        q = {k.lower(): v[0] for k, v in parse_qs(split.query).items()}
        v = q.get("itemid", "")
        return int(v) if v.isdigit() else None
    m = _ARTICLE_RE.match(p)
    return int(m.group(3)) if m else None


class Portal:
    """Serves *site* over HTTP/1.1 from a daemon thread; a context manager.

    ``portal.url`` is ``http://HOST:PORT`` (no trailing slash); ``portal.requests`` the request
    log; ``portal.article_requests()`` the logged requests that address an article id.
    """

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0, *, faults=None):
        self.site = site
        self._host, self._port = host, port
        self.faults: dict = {}
        self.set_faults(faults)
        self._log: list[Request] = []
        self._log_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "Portal":
        handler = type("Handler", (_Handler,), {"portal": self})
        self._server = _Server((self._host, self._port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mae-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
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
        return f"http://{self._host}:{self.port}"

    @property
    def requests(self) -> list[Request]:
        with self._log_lock:
            return list(self._log)

    def article_requests(self) -> list[Request]:
        return [r for r in self.requests if article_id_of(r.path) is not None]

    def set_faults(self, faults=None) -> None:
        """Serve with these faults from now on (names, or ``{name: parameter}``; see the module docstring)."""
        faults = dict(faults) if isinstance(faults, dict) else {name: FAULTS.get(name) for name in faults or ()}
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {sorted(FAULTS)}")
        self.faults = {name: FAULTS[name] if value is None else value for name, value in faults.items()}
        if "fail" in self.faults:
            self.faults["fail"] = frozenset(int(i) for i in self.faults["fail"])

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, req: Request) -> None:
        with self._log_lock:
            self._log.append(req)

    def respond(self, raw_path: str, host: str | None = None) -> _Response:
        """The response to ``GET raw_path``; *host* (the Host header) makes the absolute links."""
        site = self.site
        origin = f"http://{host}" if host and re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host) else self.url
        split = urlsplit(raw_path)
        path = unquote(split.path)
        low = path.lower()
        query = {k.lower(): v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        faults = self.faults
        with site.lock:
            if low == "/robots.txt":
                robots = "User-agent: *\nDisallow: /\n" if "robots_disallow" in faults else ROBOTS
                return _Response(200, robots.encode(), "text/plain; charset=utf-8")
            if "maintenance" in faults:
                return _Response(200, render_maintenance(str(faults["maintenance"])).encode())
            if low in ("/", "/default.aspx", "/trang-chu.htm"):
                if "moved" in faults:
                    return _Response(301, headers=(("Location", str(faults["moved"])),))
                return _Response(200, render_home(site).encode())
            aid = article_id_of(raw_path)
            if aid is not None and aid in faults.get("fail", ()):
                return _Response(500, b"<html><body><h1>500 - Internal server error.</h1></body></html>")
            if aid is not None and aid in site.removed:
                how = site.removed[aid][1]
                if how == "home":
                    return _Response(302, headers=(("Location", "/"),))
                if how == "503":
                    return _Response(503, b"<html><body><h1>Service Unavailable</h1></body></html>")
                if how == "offsite":
                    return _Response(302, headers=(("Location", "http://example.invalid" + raw_path),))
                return self._not_found()
            if low == PRINT_PATH.lower():
                a = site.get(_int(query.get("itemid"), -1))
                if a is None:
                    return self._not_found()
                return _Response(200, render_print(site, a, origin).encode())
            if low == "/pages/chi-tiet-tin-tuc.aspx":
                a = site.get(_int(query.get("itemid"), -1))
                return _Response(301, headers=(("Location", a.url),)) if a else self._not_found()
            m = _ARTICLE_RE.match(path)
            if m:
                cat_slug, slug, aid = m.group(1), m.group(2), int(m.group(3))
                a = site.get(aid)
                if a is None:
                    return self._not_found()
                if slug != a.slug or (cat_slug is not None and cat_slug != a.category_slug):
                    return _Response(301, headers=(("Location", a.url),))
                return _Response(200, render_article(site, a, origin).encode())
            if low == "/van-ban.htm":
                return _Response(200, render_documents(site).encode())
            if low in _STATIC:
                return _Response(200, render_static(site, *_STATIC[low]).encode())
            if low == "/tim-kiem.htm":
                return _Response(200, render_static(site, "Tìm kiếm", "Không tìm thấy kết quả phù hợp.").encode())
            m = _CATEGORY_RE.match(path)
            if m and site.category(m.group(1)):
                page = _int(query.get("page"), 1)
                return _Response(200, render_listing(site, site.category(m.group(1)), max(1, page)).encode())
            if low.startswith(DOC_PREFIX.lower()) and site.document(path):
                return _Response(200, _PDF, "application/pdf")
            if low.startswith("/uploads/") or low.startswith("/content/images/"):
                return _Response(200, _GIF, "image/gif")
            return self._not_found()

    def _not_found(self) -> _Response:
        return _Response(404, render_not_found(self.site).encode())


def _int(v, default: int) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return default


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):  # quiet on client disconnects
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
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
        self._handle(head=False)

    def do_HEAD(self):
        self._handle(head=True)

    def _handle(self, head: bool) -> None:
        try:
            resp = self.portal.respond(self.path, self.headers.get("Host"))
        except Exception:  # never leave the client hanging
            import traceback
            traceback.print_exc()
            resp = _Response(500, b"<html><body><h1>500 - Internal server error.</h1></body></html>")
        self.portal._record(Request(self.command, self.path, resp.status))
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "private")
        self.send_header("X-Powered-By", "ASP.NET")
        for k, v in resp.headers:
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(resp.body)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python standin/mae.py",
                                description="Serve a generated stand-in of mae.gov.vn until Ctrl-C.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8766, help="0 = any free port (default 8766)")
    p.add_argument("--articles", type=int, default=60, help="number of articles (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-page", type=int, default=5)
    p.add_argument("--option", action="append", default=[], choices=OPTIONS,
                   help="a situation to reproduce (repeatable; see the module docstring)")
    a = p.parse_args(argv)
    site = Site.generate(a.articles, a.seed, per_page=a.per_page, options=set(a.option))
    with Portal(site, host=a.host, port=a.port) as portal:
        print(portal.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

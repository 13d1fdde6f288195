"""The archive at its real size: build 100,000 articles through the project's Store, time every reader's page.

    python bench/bench_archive.py [--articles 100000] [--repeat 3] [--trace] [--write-test 2000] [--incremental]
                                  [--rebuild] [--no-serve] [--json FILE]

1. **Build** (cached): an archive of ``--articles`` articles written through ``Store.from_settings`` /
   ``add_article`` / ``flush`` — the code path of a crawl (the project's settings, batches of 100), schema, triggers and full-text index included —
   into ``bench/results/archive-<N>-<schema>/monre.db`` (git-ignored). ``<schema>`` is a hash of
   ``monre_crawler/schema.py`` and ``store.py``: change the schema and the archive is
   built again; otherwise reruns reuse it. The text is generated from a Vietnamese vocabulary of a few
   hundred words and phrases with Zipf-like frequencies, each article leaning on the words of its first
   category, so that a two-word search matches a share of the archive, not all of it: 1–3 of 14
   categories per article, dates spread over 2008–2025 (a few without a date), a lead for 60%, bodies of
   2–6 KB of text and their HTML (paragraphs, a figure now and then, links). The build prints how long
   each tenth took per article (the write cost as the archive grows).
2. **Serve**: Datasette started with the README's own command (the line under "Then read the archive",
   ``data/monre.db`` replaced by the built archive; ``-h 127.0.0.1 -p <free port>`` added), from the
   project folder — so the settings, metadata, templates and plugins a user gets are the ones measured.
3. **Time** every page a reader opens, over HTTP: one warm-up, then the median of ``--repeat`` GETs (the
   whole response read). Each page is also checked for Datasette's time-out notices ("timed out") and for
   a status other than 200. ``--trace`` prints, per page, the SQL queries Datasette ran and their times
   (``?_trace=1`` on the page's JSON).
4. **Weigh**: bytes per article of the body text, the body HTML, the full-text index and everything else
   (``dbstat`` pages, and ``length()`` of the two body columns inside the ``articles`` table's pages).
5. ``--write-test N``: the cost of writing N more articles through the Store into an empty archive, and
   into a copy of the built one (synced to disk first), from opening the Store to closing it; new articles
   dated after the archive's (``nightly``) and spread over its years (``spread``).
6. ``--incremental``: ``scrapy crawl monre`` (as ``bench/bench_crawl.py`` runs it) over an unchanged
   stand-in portal of ``--articles`` articles whose articles are all stored already (written through the
   Store, every category marked crawled to its end): its requests and wall time.

Results: ``bench/RESULTS.md`` ("The archive at 100,000 articles").
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import html
import http.client
import itertools
import json
import os
import random
import re
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monre_crawler.sites.monre import PROFILE  # noqa: E402
from monre_crawler.store import Store  # noqa: E402
from monre_crawler.text import short_hash  # noqa: E402
from monre_crawler.urls import url_id  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BASE_URL = "https://monre.gov.vn"
GENERATOR_VERSION = "5"  # bump when the generated text changes, so cached archives are rebuilt

# --- the generated archive -----------------------------------------------------------------------------------
CATEGORIES = {
    # category: the words and phrases its articles lean on
    "Tin tức - Sự kiện": "hội nghị, lãnh đạo, Bộ trưởng, Thứ trưởng, chỉ đạo, làm việc, đoàn công tác, tiếp, "
                         "hội thảo, lễ ký kết, tổng kết, triển khai nhiệm vụ, thi đua, khen thưởng, kỷ niệm",
    "Đất đai": "đất đai, quyền sử dụng đất, giấy chứng nhận, thu hồi đất, bồi thường, giải phóng mặt bằng, "
               "quy hoạch sử dụng đất, giá đất, địa chính, đăng ký đất đai, Luật Đất đai, đất nông nghiệp, "
               "tranh chấp đất đai, chuyển mục đích sử dụng",
    "Tài nguyên nước": "tài nguyên nước, lưu vực sông, nước dưới đất, khai thác nước, xả thải, hồ chứa, "
                       "an ninh nguồn nước, cấp phép, sông Mê Kông, sông Hồng, ngập lụt, điều hòa",
    "Địa chất và khoáng sản": "khoáng sản, địa chất, thăm dò, khai thác mỏ, đấu giá quyền khai thác, "
                              "cát sỏi, than, bô xít, đất hiếm, trữ lượng, di sản địa chất, công viên địa chất",
    "Môi trường": "môi trường, ô nhiễm, chất thải rắn, rác thải nhựa, quan trắc, nước thải, khí thải, "
                  "đánh giá tác động môi trường, làng nghề, khu công nghiệp, đa dạng sinh học, xử lý",
    "Khí tượng thủy văn": "khí tượng, thủy văn, dự báo, bão, áp thấp nhiệt đới, mưa lớn, lũ quét, sạt lở, "
                          "nắng nóng, rét đậm, trạm quan trắc, cảnh báo thiên tai, mùa mưa",
    "Đo đạc và bản đồ": "đo đạc, bản đồ, thông tin địa lý, tọa độ, định vị vệ tinh, bản đồ địa hình, "
                        "địa giới hành chính, hệ quy chiếu, dữ liệu không gian, mốc",
    "Biển và hải đảo": "biển, hải đảo, vùng bờ, kinh tế biển, nhận chìm, ô nhiễm biển, quy hoạch không gian "
                       "biển, tàu, san hô, ngư dân, đảo, thềm lục địa",
    "Biến đổi khí hậu": "biến đổi khí hậu, phát thải, khí nhà kính, trung hòa carbon, tín chỉ carbon, "
                        "nước biển dâng, xâm nhập mặn, thích ứng, giảm nhẹ, COP, năng lượng tái tạo",
    "Viễn thám": "viễn thám, ảnh vệ tinh, giám sát, trạm thu, dữ liệu ảnh, độ phân giải, vệ tinh quan sát",
    "Hội nhập quốc tế": "hợp tác quốc tế, đối tác, Nhật Bản, Hàn Quốc, Liên hợp quốc, ASEAN, hiệp định, "
                        "viện trợ, dự án ODA, ký kết, biên bản ghi nhớ, đoàn đại biểu",
    "Tham vấn chính sách TN\uff06MT": "dự thảo, thông tư, nghị định, lấy ý kiến, góp ý, văn bản quy phạm pháp luật, "
                                     "quy chuẩn kỹ thuật, sửa đổi, bổ sung, thẩm định",
    "Chuyển đổi số": "chuyển đổi số, cơ sở dữ liệu, dịch vụ công trực tuyến, phần mềm, hệ thống thông tin, "
                     "kết nối, chia sẻ dữ liệu, an toàn thông tin, chính phủ số",
    "Khoa học - Công nghệ": "khoa học, công nghệ, đề tài, nghiên cứu, nghiệm thu, sáng kiến, ứng dụng, "
                            "viện nghiên cứu, nhà khoa học, đổi mới sáng tạo",
}
# Ordinary words of the portal's prose, commonest first (Zipf-like weights follow this order).
GENERAL = (
    "các, của, và, trong, được, có, cho, với, là, tại, đã, việc, về, những, để, theo, công tác, thực hiện, "
    "trên, này, năm, đơn vị, địa phương, cơ quan, tỉnh, nhiệm vụ, quản lý, kết quả, cũng, đồng thời, "
    "phát triển, nâng cao, hiệu quả, bảo đảm, tiếp tục, đề nghị, triển khai, tổ chức, kế hoạch, chương trình, "
    "Bộ, ngành, nhà nước, pháp luật, quy định, chính sách, giải pháp, thời gian, tới, qua, đến nay, "
    "Ủy ban nhân dân, Sở Tài nguyên và Môi trường, cán bộ, người dân, doanh nghiệp, cộng đồng, xã hội, "
    "kinh tế, bền vững, đầu tư, đầy đủ, đúng, đề xuất, điều kiện, "
    "tăng cường, đẩy mạnh, hoàn thành, chất lượng, tiến độ, khó khăn, vướng mắc, tồn tại, hạn chế, nguyên nhân, "
    "phối hợp, chặt chẽ, trách nhiệm, thẩm quyền, hồ sơ, thủ tục hành chính, cải cách, minh bạch, kiểm tra, "
    "thanh tra, xử lý vi phạm, báo cáo, đánh giá, số liệu, thống kê, tỷ lệ, so với, cùng kỳ, tăng, giảm, "
    "khoảng, hơn, gần, nhiều, một số, toàn quốc, cả nước, khu vực, miền Bắc, miền Trung, miền Nam, "
    "Tây Nguyên, Đồng bằng sông Cửu Long, Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng, Hải Phòng, Cần Thơ, "
    "Quảng Ninh, Nghệ An, Thanh Hóa, Cà Mau, Lâm Đồng, Bình Định, Kiên Giang, Lào Cai, Sơn La, Điện Biên, "
    "nhấn mạnh, cho biết, khẳng định, yêu cầu, chỉ rõ, ghi nhận, biểu dương, trao đổi, thảo luận, thống nhất, "
    "ý kiến, tham dự, phát biểu, khai mạc, bế mạc, chủ trì, đồng chủ trì, lãnh đạo các vụ, cục, viện, "
    "trung tâm, tổng cục, văn phòng, ban, hội, hiệp hội, trường đại học, chuyên gia, nhà quản lý, "
    "giai đoạn, tầm nhìn, mục tiêu, định hướng, chiến lược, quy hoạch, đề án, dự án, nguồn lực, kinh phí, "
    "ngân sách, vốn, đầu tư công, hạ tầng, công trình, thi công, nghiệm thu, bàn giao, vận hành, "
    "nhân dân, đời sống, sinh kế, an sinh, an toàn, sức khỏe, rủi ro, tác động, ảnh hưởng, thiệt hại, "
    "kịp thời, thường xuyên, đồng bộ, toàn diện, cụ thể, rõ ràng, nghiêm túc, quyết liệt, linh hoạt, "
    "sáng tạo, hiện đại, tiên tiến, quốc gia, quốc tế, trung ương, cấp huyện, cấp xã, thôn, bản, "
    "ngày, tháng, quý, tuần, sáng, chiều, hôm nay, vừa qua, sắp tới, trước đó, sau khi, trước khi, "
    "đặc biệt, quan trọng, cần thiết, cấp bách, lâu dài, trọng tâm, trọng điểm, then chốt, ưu tiên, "
    "tài nguyên, thiên nhiên, nguồn, vùng, lưu vực, rừng, núi, đồng bằng, ven biển, nông thôn, đô thị, "
    "thông tin, tuyên truyền, phổ biến, nâng cao nhận thức, đào tạo, tập huấn, bồi dưỡng, hướng dẫn, "
    "văn bản, công văn, quyết định, chỉ thị, nghị quyết, luật, hướng dẫn thi hành, sửa đổi, ban hành"
)
# Words that the unmarked "dat dai" also finds (đạt, đặt, đại, đài): rare, so that "đất đai" and "dat dai"
# find visibly different shares of the archive.
RARE = "hiện đại, đạt được, đặt ra, đại biểu, đại diện, đài, đạt, đặt"
RARE_WEIGHT = 0.00015  # of the general draws, each
SOURCES = ("Monre", "Báo Tài nguyên và Môi trường", "Chinhphu.vn", "Monre", "Monre", None)
PEOPLE = ("Trần Hồng Hà", "Đặng Quốc Khánh", "Lê Công Thành", "Trần Quý Kiên", "Nguyễn Thị Phương Hoa",
          "Lê Minh Ngân", "Võ Tuấn Nhân", "Nguyễn Mạnh Hiển", "Đỗ Đức Duy", "Trần Đức Thắng")


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


class TextGenerator:
    """Sentences drawn from the general vocabulary and a category's own words, with Zipf-like weights."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.general = _words(GENERAL) + _words(RARE)
        weights = [1 / (r + 1) ** 0.8 for r in range(len(_words(GENERAL)))]
        weights += [RARE_WEIGHT * sum(weights)] * len(_words(RARE))
        self.general_cum = list(itertools.accumulate(weights))
        self.topics = {c: _words(w) for c, w in CATEGORIES.items()}
        self.topic_cum = {c: list(itertools.accumulate(1 / (r + 1) ** 0.7 for r in range(len(w))))
                          for c, w in self.topics.items()}

    def _pick(self, words, cum) -> str:
        return words[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def sentence(self, topic: str, n_words: int) -> str:
        rng = self.rng
        out = []
        for _ in range(n_words):
            r = rng.random()
            if r < 0.22:
                out.append(self._pick(self.topics[topic], self.topic_cum[topic]))
            elif r < 0.225:
                other = rng.choice(list(self.topics))
                out.append(self._pick(self.topics[other], self.topic_cum[other]))
            elif r < 0.26:
                out.append(str(rng.randint(2, 2025)))
            elif r < 0.265:
                out.append(rng.choice(PEOPLE))
            else:
                out.append(self._pick(self.general, self.general_cum))
        text = " ".join(out)
        if rng.random() < 0.3:
            cut = len(out) // 2
            text = " ".join(out[:cut]) + ", " + " ".join(out[cut:])
        return text[:1].upper() + text[1:] + "."

    def article(self, number: int, categories: list[str], day: date, with_time: bool, has_date: bool) -> dict:
        rng = self.rng
        topic = categories[0]
        title = self.sentence(topic, rng.randint(8, 15)).rstrip(".")
        summary = self.sentence(topic, rng.randint(20, 40)) if rng.random() < 0.6 else ""
        target = rng.uniform(2000, 6000)  # bytes of body text
        paragraphs, size = [], 0
        while size < target:
            paragraph = " ".join(self.sentence(topic, rng.randint(12, 30)) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
        slug = f"bai-viet-{number}"
        url = f"{BASE_URL}/tin-tuc/Pages/{slug}.aspx"
        images, markup = [], []
        for i, paragraph in enumerate(paragraphs):
            markup.append(f"<p>{paragraph}</p>")
            if i == 1 and rng.random() < 0.35:
                src = f"{BASE_URL}/PublishingImages/{day.year}/{slug}-1.jpg"
                caption = self.sentence(topic, rng.randint(6, 12)).rstrip(".")
                images.append(src)
                markup.append(f'<figure><img src="{src}" alt="{caption}"><figcaption>{caption}</figcaption></figure>')
        source = rng.choice(SOURCES)
        if source:
            markup.append(f"<p><strong>Theo {source}</strong></p>")
        body_text = "\n".join(paragraphs)
        if has_date:
            published = day.isoformat()
            if with_time:
                published += f"T{rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}:00+07:00"
        else:
            published = None
        attachments = []
        if rng.random() < 0.08:
            attachments.append({"url": f"{BASE_URL}/Documents/{day.year}/{slug}.pdf",
                                "title": self.sentence(topic, 6).rstrip(".")})
        return {
            "id": url_id(url), "portal": "monre.gov.vn", "url": url, "title": title, "summary": summary, "body_text": body_text,
            "body_html": "\n".join(markup), "published_at": published, "source": source,
            "image_urls": images, "attachments": attachments, "categories": categories,
            "template": rng.choice(("2024", "2021", "2024", None)) if rng.random() < 0.99 else None,
            "content_hash": short_hash(title, published or "", body_text, length=32),
        }


def schema_key() -> str:
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for name in ("store.py", "schema.py"):
        path = ROOT / "monre_crawler" / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def generate(n: int, seed: int = 1):
    """The n articles of the bench archive, oldest first (as a first full crawl would find them, roughly)."""
    gen = TextGenerator(seed)
    rng = random.Random(seed + 1)
    names = list(CATEGORIES)
    weights = [3, 2, 1.2, 1, 1.5, 1.2, 0.8, 1, 1, 0.5, 0.8, 0.6, 0.7, 0.7]
    start, days = date(2008, 1, 1), (date(2025, 12, 31) - date(2008, 1, 1)).days
    offsets = sorted(rng.randrange(days + 1) for _ in range(n))
    for number, offset in enumerate(offsets):
        k = rng.choices((1, 2, 3), (0.55, 0.35, 0.10))[0]
        chosen: list[str] = []
        while len(chosen) < k:
            c = rng.choices(names, weights)[0]
            if c not in chosen:
                chosen.append(c)
        yield gen.article(number, chosen, start + timedelta(days=offset), rng.random() < 0.7, rng.random() > 0.002)


def open_store(path: Path) -> Store:
    """The archive opened as a crawl opens it: ``Store.from_settings`` with the project's settings."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("monre_crawler.settings")
    settings.set("SQLITE_PATH", str(path))
    return Store.from_settings(settings, lock=False, is_repost_of=PROFILE.is_repost_of)


def write(store: Store, articles, report_every: int = 0, label: str = "") -> list[tuple[int, float]]:
    """Add articles through the Store (batches flushed as a crawl flushes them); return (count, s) per step."""
    steps, count, t0 = [], 0, time.perf_counter()
    for article in articles:
        store.add_article(article)
        count += 1
        if report_every and count % report_every == 0:
            store.flush()
            now = time.perf_counter()
            steps.append((count, now - t0))
            print(f"  {label}{count:,} articles: {1000 * (now - t0) / report_every:.2f} ms/article "
                  f"for the last {report_every:,}", flush=True)
            t0 = time.perf_counter()
    store.flush()
    if not report_every:
        steps.append((count, time.perf_counter() - t0))
    return steps


def build(n: int, path: Path) -> None:
    tmp = path.with_suffix(".building.db")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    print(f"building {n:,} articles into {path} through Store.add_article …", flush=True)
    t0 = time.perf_counter()
    store = open_store(tmp)
    # Crawl history: a nightly run for a year, then the runs of the archive's first crawl.
    for i in range(365):
        run = store.start_run("monre", {"base_url": BASE_URL})
        store.finish_run(run, status="ok" if i % 40 else "degraded", finish_reason="finished", requests=14 + i % 30,
                         items_new=i % 7, items_updated=i % 3, items_duplicate=0, items_dropped=0, errors=0,
                         fields={"title": {"selector": i % 7}}, message=f"run {i + 1}")
    steps = write(store, generate(n), report_every=max(n // 10, 1))
    store.set_category_state(list(CATEGORIES), True)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    os.replace(tmp, path)
    Path(f"{tmp}-wal").unlink(missing_ok=True)
    Path(f"{tmp}-shm").unlink(missing_ok=True)
    total = sum(s for _, s in steps)
    print(f"built in {time.perf_counter() - t0:.0f} s ({1000 * total / n:.2f} ms/article written); "
          f"{path.stat().st_size / 1e6:,.0f} MB", flush=True)
    (path.parent / "build.json").write_text(json.dumps({"articles": n, "steps": steps}))


# --- weights -------------------------------------------------------------------------------------------------
def weigh(path: Path) -> list[tuple[str, float]]:
    conn = sqlite3.connect(path)
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    text, html_bytes = conn.execute(
        "SELECT sum(length(CAST(body_text AS BLOB))), sum(length(CAST(body_html AS BLOB))) FROM articles").fetchone()
    total = conn.execute("PRAGMA page_count").fetchone()[0] * page_size
    conn.close()
    articles = sizes.pop("articles", 0)
    fts = sum(sizes.pop(k) for k in list(sizes) if k.startswith("articles_fts"))
    other = total - articles - fts
    parts = [
        ("body_text (in articles)", text), ("body_html (in articles)", html_bytes),
        ("rest of articles (title, summary, URLs, JSON, b-tree)", articles - text - html_bytes),
        ("full-text index (articles_fts*)", fts), ("everything else (indexes, other tables, free)", other),
        ("whole file", total),
    ]
    print(f"\nweight per article ({n:,} articles, {total / 1e6:,.0f} MB):")
    for name, size in parts:
        print(f"  {name:<55} {size / n:>8,.0f} B  {100 * size / total:5.1f}%")
    detail = sorted(sizes.items(), key=lambda kv: -kv[1])[:8]
    print("  largest of the rest: " + ", ".join(f"{k} {v / n:,.0f} B" for k, v in detail))
    return [(name, size / n) for name, size in parts]


# --- serving and timing --------------------------------------------------------------------------------------
def readme_command() -> list[str]:
    """The README's Datasette command (the line after "Then read the archive"), as a list of arguments."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Then read the archive"))
    line = next(line for line in lines[start + 1:] if line.strip())
    args = shlex.split(line)
    if not args[0].endswith("datasette") or "data/monre.db" not in args:
        raise SystemExit(f"README's Datasette command is not where expected: {line!r}")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: Path, log: Path, extra: tuple = ()):
    args = readme_command() + list(extra)
    if not Path(ROOT / args[0]).exists():  # .venv/bin/datasette of another venv: use ours
        args[0] = str(Path(sys.executable).with_name("datasette"))
    args = [str(db) if a == "data/monre.db" else a for a in args]
    port = free_port()
    args += ["-h", "127.0.0.1", "-p", str(port)]
    print("serving: " + " ".join(shlex.quote(a) for a in args), flush=True)
    server = subprocess.Popen(args, cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"datasette exited ({server.returncode}): see {log}")
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"datasette did not answer within 60 s: see {log}")


def get(url: str) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    except http.client.IncompleteRead as exc:  # Datasette's ?_trace=1 miscounts long pages
        body, status = exc.partial, 0
    return status, body, time.perf_counter() - t0


def q(text: str) -> str:
    return quote(text, safe="")


def pages(base: str, db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    article = conn.execute("SELECT id FROM articles ORDER BY rowid LIMIT 1 OFFSET ?", [n // 2]).fetchone()[0]
    conn.close()
    # The category facet's own link (whatever the facet is made of), else the array filter.
    category_url = f"/monre/articles?categories__arraycontains={q('Đất đai')}"
    status, body, _ = get(base + "/monre/articles.json?_size=1")
    if status == 200:
        facet = json.loads(body).get("facet_results", {}).get("categories", {})
        for item in facet.get("results", []):
            if item["value"] == "Đất đai" or item.get("label") == "Đất đai":
                category_url = re.sub(r"^https?://[^/]+", "", item["toggle_url"]).replace("/articles.json", "/articles")
                category_url = re.sub(r"[?&]_size=1(?=&|$)", "", category_url).replace("/articles&", "/articles?")
    next_url = None
    status, body, _ = get(base + "/monre/articles.json?_size=100&_nofacet=1")
    if status == 200 and json.loads(body).get("next_url"):
        next_url = re.sub(r"^https?://[^/]+", "", json.loads(body)["next_url"]).replace("articles.json", "articles")
        next_url = re.sub(r"[?&]_nofacet=1", "", next_url).replace("&_size=100", "").replace("?_size=100&", "?")
    result = [
        ("home page /", "/"),
        ("database page /monre", "/monre"),
        ("articles (default facets)", "/monre/articles"),
        ("articles, next page", next_url or "/monre/articles?_next=0"),
        ("search box: đất đai", f"/monre/articles?_search={q('đất đai')}"),
        ("search box: dat dai", "/monre/articles?_search=dat+dai"),
        ("search box: tài nguyên (most articles)", f"/monre/articles?_search={q('tài nguyên')}"),
        ("search box: khoáng sản", f"/monre/articles?_search={q('khoáng sản')}"),
        ("search box: đất-đai (punctuated)", f"/monre/articles?_search={q('đất-đai')}"),
        ("search + category", f"/monre/articles?_search={q('đất đai')}&_category={q('Đất đai')}"),
        ("category facet click: Đất đai", category_url),
        ("month filter: 2016-05", "/monre/articles?published_month=2016-05"),
        ("article page", f"/monre/articles/{article}"),
        ("canned: latest_articles", "/monre/latest_articles"),
        ("canned: articles_per_month", "/monre/articles_per_month"),
        ("canned: articles_in_category", f"/monre/articles_in_category?category={q('Đất đai')}"),
        ("canned: search đất đai", f"/monre/search?q={q('đất đai')}"),
        ("canned: search dat dai", "/monre/search?q=dat+dai"),
        ("canned: search (đất.đai) (punctuated)", f"/monre/search?q={q('(đất.đai)')}"),
        ("canned: search_documents đất đai", f"/monre/search_documents?q={q('đất đai')}&portal="),
        ("canned: crawl_history", "/monre/crawl_history"),
        ("feed: feed_latest.atom", "/monre/feed_latest.atom"),
        ("feed: feed_category.atom Đất đai", f"/monre/feed_category.atom?category={q('Đất đai')}"),
        ("feed: feed_search.atom tài nguyên", f"/monre/feed_search.atom?q={q('tài nguyên')}"),
        ("feed: feed_edits.atom", "/monre/feed_edits.atom"),
        ("crawl_runs table", "/monre/crawl_runs"),
        ("categories table", "/monre/categories"),
    ]
    return result


def time_pages(base: str, db: Path, repeat: int) -> list[dict]:
    out = []
    for name, path in pages(base, db):
        url = base + path
        get(url)  # warm-up
        times, statuses, flags = [], set(), set()
        for _ in range(repeat):
            status, body, seconds = get(url)
            times.append(seconds)
            statuses.add(status)
            text = body.decode("utf-8", "replace")
            if re.search(r"timed out", text, re.I):
                flags.add("TIME-OUT: " + ", ".join(sorted(set(re.findall(r"[Tt]hese facets timed out: ([^<]*)", text))))
                          if "facets timed out" in text else "TIME-OUT")
            if status != 200:
                flags.add(f"HTTP {status}")
        row = {"page": name, "path": path, "ms": 1000 * statistics.median(times), "status": sorted(statuses),
               "flags": sorted(flags)}
        rows = re.search(r"<h3>([\d,]+) rows?", text)
        row["rows"] = rows.group(1) if rows else ""
        out.append(row)
        print(f"  {row['ms']:8.0f} ms  {name:<40} {row['rows']:>9}  {' '.join(row['flags'])}", flush=True)
    return out


def trace_pages(db: Path, workdir: Path) -> None:
    """Each page's SQL and its time, from ``?_trace=1`` (a second server, with ``trace_debug`` on)."""
    server, base = serve(db, workdir / "datasette-trace.log", ("--setting", "trace_debug", "1"))
    try:
        print("\nthe slowest queries of each page (?_trace=1):")
        for name, path in pages(base, db):
            print(f"  {name}: {path}")
            print_trace(base, path)
    finally:
        server.terminate()
        server.wait(timeout=10)


def print_trace(base: str, path: str) -> None:
    """The page's SQL queries, slowest first: Datasette appends them to the HTML as ``<pre>JSON</pre>``."""
    sep = "&" if "?" in path else "?"
    status, body, _ = get(f"{base}{path}{sep}_trace=1&_size=10")  # short pages: the same queries
    found = re.findall(r"<pre>(.*?)</pre></body>", body.decode("utf-8", "replace"), re.S)
    if not found:
        print(f"    (no trace; HTTP {status})")
        return
    traces = json.loads(html.unescape(found[-1])).get("traces", [])
    for t in sorted(traces, key=lambda t: -t.get("duration_ms", 0))[:6]:
        sql = " ".join(str(t.get("sql", "")).split())
        print(f"    {t.get('duration_ms', 0):7.1f} ms  {sql[:160]}")
    print(f"    ({len(traces)} queries, {sum(t.get('duration_ms', 0) for t in traces):.0f} ms in all; HTTP {status})")


# --- writing at size -----------------------------------------------------------------------------------------
def write_test(built: Path, n: int, workdir: Path, rounds: int = 2) -> dict:
    """ms per article written through the Store into an empty archive, and into a copy of the built one.

    Two kinds of new articles: ``nightly`` — dated after everything stored, as a nightly run finds them —
    and ``spread`` — dated over 2008–2025 like the archive, as a first crawl of an older category adds
    them. Each write is timed from opening the Store to closing it (the last checkpoint included), in
    wall and CPU time. The copy of the built archive is synced to disk before it is timed: otherwise the
    first checkpoint's fsync pays for writing out the whole fresh copy. Empty and full alternate,
    ``rounds`` times; the median is kept.
    """
    base = list(generate(n, seed=99))
    for a in base:  # new URLs: these are new articles for both archives
        a["url"] = a["url"].replace("bai-viet-", "bai-moi-")
        a["id"] = url_id(a["url"])
    nightly = []
    for i, a in enumerate(base):
        a = dict(a)
        a["published_at"] = (datetime(2026, 1, 1, 6, 0) + timedelta(minutes=7 * i)).isoformat() + "+07:00"
        a["content_hash"] = short_hash(a["title"], a["published_at"], a["body_text"], length=32)
        nightly.append(a)
    results = {}
    for kind, fresh in (("nightly", nightly), ("spread", base)):
        times: dict[str, list[tuple[float, float]]] = {"empty": [], "full": []}
        for _ in range(rounds):
            for target in ("empty", "full"):
                path = workdir / target / "monre.db"
                shutil.rmtree(path.parent, ignore_errors=True)
                path.parent.mkdir(parents=True)
                if target == "full":
                    shutil.copyfile(built, path)
                os.sync()
                wall, cpu = time.perf_counter(), time.process_time()
                store = open_store(path)
                write(store, fresh)
                store.close()
                times[target].append((1000 * (time.perf_counter() - wall) / n, 1000 * (time.process_time() - cpu) / n))
                shutil.rmtree(path.parent, ignore_errors=True)
        results[kind] = {target: {"wall": statistics.median(t[0] for t in v), "cpu": statistics.median(t[1] for t in v)}
                         for target, v in times.items()}
        r = results[kind]
        print(f"\nwriting {n:,} new articles ({kind}) through the Store, ms/article (wall, CPU): "
              f"{r['empty']['wall']:.2f}, {r['empty']['cpu']:.2f} into an empty archive; "
              f"{r['full']['wall']:.2f}, {r['full']['cpu']:.2f} into one holding the built archive "
              f"(×{r['full']['wall'] / r['empty']['wall']:.2f} wall)")
    return results


# --- an incremental crawl at size ---------------------------------------------------------------------------
def incremental_test(n: int, workdir: Path) -> dict:
    """``scrapy crawl monre`` over an unchanged stand-in portal of n articles, all of them already stored.

    The archive holds the portal's own articles (ids from their canonical URLs, as the spider computes
    them; text from the generator above), written through the Store, every category marked crawled to its
    end, as a completed first crawl leaves it. Cached beside the page-timing archive.
    """
    import bench_crawl  # noqa: E402 (bench/ is this script's folder)
    from monre_crawler.urls import canonical_url
    from standin import Site

    db = workdir / f"incremental-{n}" / "monre.db"
    if not db.exists():
        site = Site.generate(n, seed=0)
        print(f"\nstoring the stand-in portal's {len(site):,} articles through the Store …", flush=True)
        db.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.with_suffix(".building.db")
        tmp.unlink(missing_ok=True)
        store = open_store(tmp)
        gen = TextGenerator(7)
        base = "http://127.0.0.1"

        def articles():
            for number, a in enumerate(site.articles):
                day = a.published.date() if hasattr(a.published, "date") else (a.published or date(2020, 1, 1))
                row = gen.article(number, list(a.categories) or ["Tin tức - Sự kiện"], day, False, True)
                url = canonical_url(a.path, base)
                row.update(id=url_id(url), url=url, categories=list(a.categories))
                yield row
        write(store, articles())
        store.set_category_state(list(site.categories), True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        os.replace(tmp, db)
    proc, url = bench_crawl.start_portal(n, 0, workdir / "incremental-portal.log")
    try:
        run = bench_crawl.monre_run("incremental", url, db, 8, workdir, f"{n}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"\nincremental crawl over the unchanged portal, {n:,} articles stored: {run.requests} requests, "
          f"{run.items} items, {run.wall:.1f} s wall (exit {run.status})")
    return {"requests": run.requests, "items": run.items, "wall": run.wall, "status": run.status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="print each page's SQL queries and their times")
    parser.add_argument("--write-test", type=int, default=0, metavar="N",
                        help="also time writing N articles into an empty archive and into the built one")
    parser.add_argument("--incremental", action="store_true",
                        help="also run an incremental crawl over an unchanged stand-in portal of --articles articles, all stored")
    parser.add_argument("--rebuild", action="store_true", help="build the archive again even if cached")
    parser.add_argument("--no-serve", action="store_true", help="only build and weigh")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args()

    workdir = RESULTS / f"archive-{args.articles}-{schema_key()}"
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "monre.db"
    if args.rebuild or not db.exists():
        build(args.articles, db)
    else:
        print(f"using the cached archive {db} ({db.stat().st_size / 1e6:,.0f} MB)")
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    results = {"articles": args.articles, "load": load, "weights": weigh(db)}
    if not args.no_serve:
        server, base = serve(db, workdir / "datasette.log")
        try:
            print(f"\npage times, median of {args.repeat} after a warm-up (ms), rows shown, flags:")
            results["pages"] = time_pages(base, db, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=10)
        if args.trace:
            trace_pages(db, workdir)
        slow = [p for p in results["pages"] if p["ms"] > 300 or p["flags"]]
        print(f"\n{len(results['pages']) - len(slow)} of {len(results['pages'])} pages ≤ 300 ms without a "
              f"time-out or an error" + (": slow or flagged: " + ", ".join(p["page"] for p in slow) if slow else ""))
    if args.write_test:
        results["write"] = write_test(db, args.write_test, workdir)
    if args.incremental:
        results["incremental"] = incremental_test(args.articles, workdir)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

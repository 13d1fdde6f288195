"""Screenshots of the archive as readers see it, with headless Chromium.

    python scripts/screenshots.py data/monre.db [--out screenshots] [--article ID] [--chromium PATH]

Starts ``datasette DB -m metadata.yml --template-dir templates --plugins-dir plugins --setting suggest_facets off
--setting facet_time_limit_ms 1000`` (the README's command) on 127.0.0.1 (a free port), then saves PNGs of the articles table, a search, one article's page and the crawl history
into ``--out`` (``screenshots/``, whose ``*.png`` git ignores). The database file should be called
``monre.db`` (Datasette names the database after the file; metadata.yml describes ``monre``).
Needs ``chromium`` (``apt-get install chromium``); the test suite does not.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"datasette exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"datasette did not answer at {url} within {timeout:.0f}s")


def shoot(chromium: str, url: str, out: Path, size: str) -> None:
    with tempfile.TemporaryDirectory(prefix="monre-chromium-") as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={out}", f"--window-size={size}",
            url,
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not out.exists():
        sys.exit(f"chromium failed on {url}:\n{result.stderr[-2000:]}")
    print(f"{out}  ←  {url}")


def pick_article(db: Path) -> str:
    """The newest article that has a summary, categories and several paragraphs, else the newest."""
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT id FROM articles WHERE summary <> '' AND body_text LIKE '%' || char(10) || '%' "
        "AND categories <> '[]' ORDER BY published_at DESC LIMIT 1"
    ).fetchone() or conn.execute("SELECT id FROM articles ORDER BY published_at DESC LIMIT 1").fetchone()
    if not row:
        sys.exit(f"{db} has no articles")
    return row[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--article", help="id of the article to show (default: a well-filled recent one)")
    parser.add_argument("--search", default="dat dai", help="search typed without diacritics")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    if not args.chromium:
        sys.exit("chromium not found: apt-get install chromium, or give --chromium PATH")
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist")
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.db.stem
    article = args.article or pick_article(args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    datasette = str(Path(sys.executable).with_name("datasette"))
    server = subprocess.Popen(
        [datasette, "serve", str(args.db), "-m", str(ROOT / "metadata.yml"), "--template-dir",
         str(ROOT / "templates"), "--plugins-dir", str(ROOT / "plugins"), "--setting", "suggest_facets", "off",
         "--setting", "facet_time_limit_ms", "1000", "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"{base}/-/versions.json", server)
        pages = [
            ("articles.png", f"{base}/{name}/articles", "1280,1600"),
            ("search.png", f"{base}/{name}/articles?_search={quote_plus(args.search)}", "1280,1200"),
            ("article.png", f"{base}/{name}/articles/{article}", "1280,1600"),
            ("article-narrow.png", f"{base}/{name}/articles/{article}", "420,1400"),
            ("crawl_history.png", f"{base}/{name}/crawl_history", "1280,900"),
        ]
        for filename, url, size in pages:
            shoot(args.chromium, url, args.out / filename, size)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()

"""Shared fixtures: run the real ``scrapy crawl monre`` against the stand-in portal on 127.0.0.1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The politeness settings of the real site, turned off for the stand-in portal on loopback.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "8",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_BACKOFF_BASE": "0.05",
    "DOWNLOAD_TIMEOUT": "10",
}


def crawl_command(base_url: str, db_path, *args: str, settings: dict | None = None, spider: str = "monre") -> list[str]:
    """The command line of ``scrapy crawl monre -a base_url=… -s SQLITE_PATH=…`` with the delays off."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}",
               "-s", f"SQLITE_PATH={db_path}"]
    for key, value in {**FAST, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    for arg in args:
        command += ["-a", arg]
    return command


def crawl_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def crawl(base_url: str, db_path, *args: str, settings: dict | None = None, timeout: float = 180,
          spider: str = "monre", **popen) -> subprocess.CompletedProcess:
    """Run ``scrapy crawl <spider> -a base_url=… -s SQLITE_PATH=…`` in a subprocess; return its result."""
    command = crawl_command(base_url, db_path, *args, settings=settings, spider=spider)
    return subprocess.run(command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=timeout,
                          **popen)


def rows(db_path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def articles_by_path(db_path) -> dict[str, dict]:
    """Stored articles keyed by lower-cased URL path, each with its sorted ``categories``."""
    from urllib.parse import urlsplit

    found = rows(db_path, """
        select a.*, (select json_group_array(c.name) from articles_categories ac
                     join categories c on c.id = ac.categories_id where ac.articles_id = a.id) as category_names
        from articles a""")
    import json

    out = {}
    for row in found:
        row["categories"] = sorted(json.loads(row.pop("category_names")))
        out[urlsplit(row["url"]).path.lower()] = row
    return out


@pytest.fixture(scope="session")
def crawled_db(tmp_path_factory):
    """``monre.db`` written by a real crawl of the stand-in portal (with NFD-served articles, and attached
    documents that the portal serves: real small PDF, DOCX, XLSX, DOC and XLS files)."""
    from standin import Portal, Site

    site = Site.generate(n_articles=40, seed=3)
    db = tmp_path_factory.mktemp("crawled") / "monre.db"
    with Portal(site, faults={"nfd", "attachments"}) as portal:
        result = crawl(portal.url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


@pytest.fixture(scope="session")
def hostile_crawl(tmp_path_factory):
    """``(result, db)`` of a real crawl of the stand-in with the ``hostile`` fault: scripts in every URL
    and in the HTML, and pages that broke parsers (see ``standin/hostile.py``)."""
    from standin import Portal, Site

    site = Site.generate(n_articles=8, seed=2)
    db = tmp_path_factory.mktemp("hostile") / "monre.db"
    with Portal(site, faults={"hostile"}) as portal:
        url = portal.url
        result = crawl(url, db)
    return result, db, url

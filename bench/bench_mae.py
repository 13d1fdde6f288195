"""Score ``scrapy crawl mae`` against the stand-in of mae.gov.vn: how many articles come out right.

    python bench/bench_mae.py [--articles 200] [--seeds 0,1,2,3,4] [--option banner_h1 --option …]

For each seed it generates ``standin.mae.Site.generate(articles, seed, options=…)`` (the banner's date is the
day of the crawl), serves it on 127.0.0.1, runs the real ``scrapy crawl mae`` (delays off, as the tests run it)
into a fresh archive and compares every stored article with the stand-in's model: title, date and time, body
(the paragraphs; captions and document lines set aside, as ``tests/test_mae.py`` does), lead, categories (a
listed article: exactly its category; the others: none), and the run's status. Prints one line per seed and the
totals.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monre_crawler.sites import mae as profile  # noqa: E402
from standin.mae import OPTIONS, Portal, Site  # noqa: E402
from tests.conftest import crawl, rows  # noqa: E402
from tests.test_mae import body_right  # noqa: E402

FIELDS = ("title", "date", "body", "lead", "categories", "all")


def crawl_day():
    """Today in Vietnam (UTC+7): the date the stand-in's banner prints (a date no article should take)."""
    return (datetime.now(timezone.utc) + timedelta(hours=7)).date()


def score(articles: int, seed: int, options: set[str], workdir: Path) -> dict:
    site = Site.generate(articles, seed, options=options, today=crawl_day())
    db = workdir / f"mae-{seed}.db"
    with Portal(site) as portal:
        result = crawl(portal.url, db, spider="mae", timeout=1800)
        requests = len(portal.requests)
    found = {r["id"]: r for r in rows(db, """
        select a.*, (select json_group_array(c.name) from articles_categories ac
                     join categories c on c.id = ac.categories_id where ac.articles_id = a.id) as names
        from articles a""")}
    counts = dict.fromkeys(FIELDS, 0)
    for a in site.articles:
        row = found.get(profile.article_key(a.id))
        if row is None:
            continue
        checks = {
            "title": row["title"] == a.title,
            "date": (row["published_at"] or "").removesuffix("+07:00") == a.published,
            "body": body_right(row, a),
            "lead": row["summary"] == a.lead,
            "categories": json.loads(row["names"]) == ([a.category] if a.reach == "listing" else []),
        }
        checks["all"] = all(checks.values())
        for name, ok in checks.items():
            counts[name] += ok
    (run,) = rows(db, "select status from crawl_runs")
    return {"articles": len(site.articles), "stored": len(found), "requests": requests, "exit": result.returncode,
            "status": run["status"], **counts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--option", action="append", default=[], choices=OPTIONS + ("all",))
    args = parser.parse_args(argv)
    options = set(OPTIONS) if "all" in args.option else set(args.option)
    totals: dict = {}
    print(f"options: {', '.join(sorted(options)) or 'none'}")
    with tempfile.TemporaryDirectory() as workdir:
        for seed in (int(s) for s in args.seeds.split(",")):
            result = score(args.articles, seed, options, Path(workdir))
            print(f"seed {seed}: " + ", ".join(f"{k} {v}" for k, v in result.items()), flush=True)
            for key, value in result.items():
                if isinstance(value, int):
                    totals[key] = totals.get(key, 0) + value
    print("total: " + ", ".join(f"{k} {v}" for k, v in totals.items() if k != "exit"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

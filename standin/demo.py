"""Offline demo: serve the stand-in portal on 127.0.0.1 and crawl it into ``data/demo/monre.db``.

    python -m standin.demo [--articles 60] [--db data/demo/monre.db]

Then open the result with the README's command (``datasette data/demo/monre.db -m metadata.yml
--template-dir templates --plugins-dir plugins …``, as printed at the end). Nothing leaves the machine:
the stand-in portal (``standin``) imitates the ministry portal's markup, both pagers and a few
of its quirks, and the crawl is the real ``scrapy crawl monre`` with the politeness delays turned off.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from standin import Portal, Site

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="articles on the stand-in portal (default 60)")
    parser.add_argument("--db", default="data/demo/monre.db", help="where to write (default data/demo/monre.db)")
    args = parser.parse_args(argv)
    site = Site.generate(n_articles=args.articles, seed=0, template_2021=0.2)
    with Portal(site, faults={"nfd", "no_date", "dead_link", "attachments", "error_500_once"}) as portal:
        print(f"Stand-in portal at {portal.url} ({len(site)} articles); crawling it into {args.db} …", flush=True)
        command = [sys.executable, "-m", "scrapy", "crawl", "monre", "-a", f"base_url={portal.url}",
                   "-s", f"SQLITE_PATH={args.db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                   "-s", "CONCURRENT_REQUESTS=8", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                   "-s", "RETRY_BACKOFF_BASE=0.1", "-s", "LOG_LEVEL=WARNING"]
        code = subprocess.call(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if code == 0:
        files = Path(args.db).parent / "files"
        print(f"Done. Open it with:\n  datasette {args.db} -m metadata.yml --template-dir templates --plugins-dir plugins "
              f"--setting suggest_facets off --setting facet_time_limit_ms 1000 --static files:{files}")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""What the nightly re-checks of recent articles cost at the polite pace (README "Edits and removals").

    python bench/bench_recheck.py --articles 40

Serves a stand-in portal whose ``--articles`` articles were all published within the last 20 days (so all
are inside the default ``MONRE_RECHECK_DAYS`` = 21 window), crawls it once with the delays off, then runs
the nightly incremental crawl twice over the unchanged portal with the project's own politeness settings
(2 requests at a time, ``DOWNLOAD_DELAY`` 1 s randomised, AutoThrottle): once with ``MONRE_RECHECK_DAYS=0``
(no re-checks) and once with the default window. Prints the requests and wall time of each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from standin import Portal, Site  # noqa: E402
from tests.conftest import crawl_command, crawl_env, rows  # noqa: E402

POLITE = {  # the project's settings.py values, undoing the test's FAST overrides
    "DOWNLOAD_DELAY": "1.0",
    "AUTOTHROTTLE_ENABLED": "1",
    "CONCURRENT_REQUESTS": "2",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    "RETRY_BACKOFF_BASE": "2.0",
    "DOWNLOAD_TIMEOUT": "60",
}


def run(url: str, db: Path, settings: dict) -> tuple[float, int]:
    start = time.monotonic()
    result = subprocess.run(crawl_command(url, db, settings=settings), cwd=ROOT, env=crawl_env(),
                            capture_output=True, text=True)
    wall = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    (last,) = rows(db, "select requests from crawl_runs order by id desc limit 1")
    return wall, last["requests"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()
    today = datetime.now(timezone.utc).date()
    site = Site.generate(n_articles=args.articles, seed=1, newest=today - timedelta(days=1),
                         oldest=today - timedelta(days=20))
    with tempfile.TemporaryDirectory() as folder, Portal(site) as portal:
        db = Path(folder) / "monre.db"
        run(portal.url, db, {})
        (stored,) = rows(db, "select count(*) as n from articles")
        without = run(portal.url, db, {**POLITE, "MONRE_RECHECK_DAYS": "0"})
        with_rechecks = run(portal.url, db, POLITE)
    print(f"{stored['n']} stored articles, all published within the last 20 days")
    print("| nightly run | requests | wall s |")
    print("| --- | ---: | ---: |")
    print(f"| MONRE_RECHECK_DAYS=0 | {without[1]} | {without[0]:.1f} |")
    print(f"| MONRE_RECHECK_DAYS=21 (default) | {with_rechecks[1]} | {with_rechecks[0]:.1f} |")
    extra = with_rechecks[1] - without[1]
    print(f"re-checks: {extra} extra requests, {with_rechecks[0] - without[0]:.1f} s extra, "
          f"{(with_rechecks[0] - without[0]) / max(extra, 1):.2f} s per re-checked article")


if __name__ == "__main__":
    main()

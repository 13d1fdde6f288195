"""``scrapy crawl``, made fit for cron: clear messages and an exit status that tells the truth.

Scrapy's own ``crawl`` exits 0 even when the crawl failed. This one, before crawling, checks the spider
arguments and opens the archive (which takes the single-writer lock), and, after crawling, reads the
run's verdict (see :mod:`monre_crawler.extensions`). Exit status:

- 0: the run is ``ok``;
- 1: the run ``failed`` (portal unreachable, interrupted, too many errors, archive not writable);
- 2: the crawl could not start (bad ``-a`` argument, another crawl running, archive unusable);
- 3: the run is ``degraded`` (fallbacks did the extraction: the portal probably changed its templates).

Each non-zero exit prints one line, starting ``monre:``, to standard error.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from monre_crawler.preflight import check_room
from monre_crawler.store import Store, StoreError

EXIT = {"ok": 0, "failed": 1, "degraded": 3}


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the crawl failed"

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl monre")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        spidercls = crawler.spidercls
        allowed = getattr(spidercls, "arguments", None)
        try:
            if allowed is not None:
                unknown = sorted(set(opts.spargs) - set(allowed))
                if unknown:
                    raise UsageError(f"unknown spider argument(s) {', '.join(unknown)}; "
                                     f"{spidercls.name} takes {', '.join(allowed)}")
            if hasattr(spidercls, "validate_arguments"):
                spidercls.validate_arguments(**opts.spargs)
        except (UsageError, TypeError) as exc:
            return self._fail(2, str(exc))
        if hasattr(spidercls, "validate_arguments"):  # our spiders write the archive: open it first
            try:
                check_room(self.settings.get("SQLITE_PATH"), self.settings.getint("SQLITE_MIN_FREE_BYTES"))
                crawler.monre_store = Store.open(
                    self.settings.get("SQLITE_PATH"),
                    batch_size=self.settings.getint("SQLITE_BATCH_SIZE"),
                    flush_seconds=self.settings.getfloat("SQLITE_FLUSH_SECONDS"),
                )
            except StoreError as exc:
                return self._fail(2, str(exc))
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            return self._fail(1, "the crawl could not start (see the log above)")
        stats = crawler.stats
        status = stats.get_value("monre/run_status") if stats else None
        if status is None:
            if hasattr(spidercls, "validate_arguments"):
                return self._fail(1, "the crawl ended without recording its run (see the log above)")
            return
        self.exitcode = EXIT.get(status, 1)
        if self.exitcode:
            run = stats.get_value("monre/run_id")
            sys.stderr.write(f"monre: run {run} {status}: {stats.get_value('monre/run_message')}\n")

    def _fail(self, code: int, message: str) -> None:
        sys.stderr.write(f"monre: {message}\n")
        self.exitcode = code

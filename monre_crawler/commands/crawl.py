"""``scrapy crawl``, made fit for cron: clear messages and an exit status that tells the truth.

Scrapy's own ``crawl`` exits 0 even when the crawl failed. This one, before crawling, checks the spider
arguments; the run recorder (:mod:`monre_crawler.extensions`) then opens the archive, taking the
single-writer lock, before any request, and this command turns a refusal into exit status 2. After
crawling, it reads the run's verdict. Exit status:

- 0: the run is ``ok``;
- 1: the run ``failed`` (portal unreachable, moved or forbidden by robots.txt, no news found, interrupted,
  too many errors, archive not writable);
- 2: the crawl could not start (bad ``-a`` argument, another crawl running, archive unusable);
- 3: the run is ``degraded`` (fallbacks did the extraction: the portal probably changed its layouts);
- 4: the run is ``incomplete`` (it lost listed articles or listing pages; the next run fetches them again).

Each non-zero exit prints one line, starting ``monre:``, to standard error.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from twisted.internet.defer import Deferred

from monre_crawler.extensions import CrawlRunRecorder
from monre_crawler.schema import StoreError

EXIT = {"ok": 0, "failed": 1, "degraded": 3, "incomplete": 4}


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
        refused: list[StoreError] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        _on_refusal(started, refused.append)
        self.crawler_process.start()
        if refused:
            return self._fail(2, str(refused[0]))
        if self.crawler_process.bootstrap_failed:
            return self._fail(1, "the crawl could not start (see the log above)")
        recorder = _recorder(crawler)
        if recorder is None or recorder.status is None:
            if hasattr(spidercls, "validate_arguments"):
                return self._fail(1, "the crawl ended without recording its run (see the log above)")
            return
        self.exitcode = EXIT.get(recorder.status, 1)
        if self.exitcode:
            sys.stderr.write(f"monre: run {recorder.run_id} {recorder.status}: {recorder.message}\n")

    def _fail(self, code: int, message: str) -> None:
        sys.stderr.write(f"monre: {message}\n")
        self.exitcode = code


def _on_refusal(started, record) -> None:
    """Call ``record(error)`` when the crawl does not start because the archive refused it (StoreError),
    and keep that expected refusal out of the log; ``started`` is what ``crawler_process.crawl`` returned
    (a Deferred, or an asyncio Task under AsyncCrawlerProcess)."""
    if isinstance(started, Deferred):
        def trap(failure):
            failure.trap(StoreError)
            record(failure.value)
        started.addErrback(trap)
        return

    def done(task):
        if not task.cancelled() and isinstance(task.exception(), StoreError):
            record(task.exception())
    started.add_done_callback(done)


def _recorder(crawler) -> CrawlRunRecorder | None:
    """The crawl's run recorder, which holds the run's verdict (None when the crawl never got that far)."""
    try:
        return crawler.get_extension(CrawlRunRecorder)
    except RuntimeError:  # the extensions were never built
        return None

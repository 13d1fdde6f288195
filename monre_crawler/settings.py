"""Settings of the monre_crawler Scrapy project.

Every override of a Scrapy setting says Scrapy's own default beside it. Project settings (SQLITE_*,
MONRE_*, RETRY_BACKOFF_*) are documented where they are defined. Any of them can be changed for one run
with ``-s NAME=VALUE`` (the tests turn the politeness delays off that way).
"""

BOT_NAME = "monre_crawler"
SPIDER_MODULES = ["monre_crawler.spiders"]
NEWSPIDER_MODULE = "monre_crawler.spiders"
# Our `crawl` command: Scrapy's, plus a clear message and a non-zero exit status when the run failed.
COMMANDS_MODULE = "monre_crawler.commands"  # Scrapy: "" (no project commands)

PROJECT_URL = "https://github.com/monre-crawler/monre_crawler"
# Name the project and where to find it, so the portal's operators know who is crawling and why.
USER_AGENT = f"monre_crawler/1.0 (+{PROJECT_URL}; news archive for researchers)"  # Scrapy: "Scrapy/VERSION (+https://scrapy.org)"

# --- Politeness: a government site on modest hardware -----------------------------------------------------
ROBOTSTXT_OBEY = True  # Scrapy: False
CONCURRENT_REQUESTS = 2  # Scrapy: 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # Scrapy: 8
DOWNLOAD_DELAY = 1.0  # seconds between requests to the portal; Scrapy: 0
# Wait DOWNLOAD_DELAY exactly, not 0.5-1.5 x DOWNLOAD_DELAY: we promise the portal at least 1 s between
# requests (AutoThrottle may only make the wait longer, never shorter than DOWNLOAD_DELAY). Scrapy 2.19's
# successor of RANDOMIZE_DOWNLOAD_DELAY (deprecated; its default True meant a jitter of 0.5).
DOWNLOAD_DELAY_JITTER = 0  # Scrapy: 0.5 (each wait drawn from 0.5-1.5 x DOWNLOAD_DELAY)
AUTOTHROTTLE_ENABLED = True  # Scrapy: False
AUTOTHROTTLE_START_DELAY = 1.0  # Scrapy: 5.0
AUTOTHROTTLE_MAX_DELAY = 60.0  # Scrapy: 60.0 (said here because it bounds the back-off)
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # Scrapy: 1.0
DOWNLOAD_TIMEOUT = 60  # seconds; Scrapy: 180

# --- Failures: retry with back-off, then log, count and go on -----------------------------------------------
RETRY_ENABLED = True  # Scrapy: True
RETRY_TIMES = 3  # retries after the first attempt; Scrapy: 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]  # Scrapy: the same list
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # the spider's errback logs the one ERROR line; Scrapy: "ERROR"
# The spider retries error pages served with status 200 with get_retry_request, which keeps the count in
# meta["retry_times"] on purpose.
META_COPY_WARN_SKIP_KEYS = ["retry_times"]  # Scrapy: []
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each further one (project setting)
RETRY_BACKOFF_MAX = 60.0  # cap of the back-off in seconds (project setting)
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # bytes; an article page is ~50 KB; Scrapy: 1 GiB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024  # bytes; Scrapy: 32 MiB
REDIRECT_MAX_TIMES = 5  # Scrapy: 20

# --- An unattended cron job has no use for a console or a remote-control server --------------------------
TELNETCONSOLE_ENABLED = False  # Scrapy: True
REMOTE_CONTROL_ENABLED = False  # Scrapy: True (an HTTP server that runs Python code sent to it)
LOG_LEVEL = "INFO"  # Scrapy: "DEBUG"
FEED_EXPORT_ENCODING = "utf-8"  # Scrapy: None (JSON feeds would escape Vietnamese as \\uXXXX)

# --- Pipeline ------------------------------------------------------------------------------------------------
ITEM_PIPELINES = {  # Scrapy: {}
    # health first: it counts every article page, the untitled ones the next pipeline drops included
    "monre_crawler.pipelines.extraction_health.ExtractionHealthPipeline": 100,
    "monre_crawler.pipelines.required_fields.RequiredFieldsPipeline": 150,
    "monre_crawler.pipelines.dates.DatesPipeline": 200,
    "monre_crawler.pipelines.plausibility.PlausibilityPipeline": 250,
    "monre_crawler.pipelines.content_hash.ContentHashPipeline": 300,
    "monre_crawler.pipelines.documents.DocumentsPipeline": 800,
    "monre_crawler.pipelines.sqlite.SQLitePipeline": 900,
}
EXTENSIONS = {  # Scrapy: {}
    "monre_crawler.extensions.CrawlRunRecorder": 500,
    "monre_crawler.offsite.OffsiteRedirectLogger": 510,
    "monre_crawler.progress.CrawlProgress": 520,
}
DOWNLOADER_MIDDLEWARES = {  # Scrapy: {}
    # a redirect off the site is not followed even for a dont_filter request (a re-check); before robots.txt (100)
    "monre_crawler.offsite.OffsiteRedirectGuard": 90,
    "monre_crawler.middlewares.RetryBackoffMiddleware": 560,
    # Scrapy's meta refresh (580), except that a refresh to javascript:… no longer fails the article
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "monre_crawler.middlewares.SafeMetaRefreshMiddleware": 580,
}

# --- The archive (project settings) ------------------------------------------------------------------------
SQLITE_PATH = "data/monre.db"  # the archive; its folder is created if missing
SQLITE_BATCH_SIZE = 100  # items written per transaction at most …
SQLITE_FLUSH_SECONDS = 5.0  # … and never held longer than this
# WAL pages written before the crawl copies them into the archive (SQLite: 1000). Each checkpoint writes the
# pages a batch dirtied back into the file and syncs it; in an archive of 100,000 articles a batch dirties a
# page per article in each index keyed by a hash, so checkpointing less often writes the hot pages once
# (bench/RESULTS.md, "Writing at size"). The WAL grows to about this × 4 KB (40 MB) between checkpoints.
SQLITE_WAL_AUTOCHECKPOINT = 10000
# Room the crawl checks for before it starts (a full disk is refused in one line, not met halfway).
SQLITE_MIN_FREE_BYTES = 16 * 1024 * 1024  # bytes; a night's crawl writes a few MB

# --- Attached documents (project settings; see monre_crawler.pipelines.documents) ------------------------------
MONRE_DOCUMENTS_ENABLED = True  # download the documents articles link (PDF, DOC(X), XLS(X)…) and read their text
MONRE_DOCUMENT_MAXSIZE = 50 * 1024 * 1024  # bytes; a bigger document is not downloaded (it is reported)
# The longest wait, in days, before a failed document that is the portal's own state (404/410 and other 4xx
# but 408/429, not a document, over the size cap, refused by robots.txt, a broken file) is asked for again:
# it is retried the next night, then after 2, 4, 8, 16 days, then every this many days, so a link that comes
# back is archived at most this many days later, and a dead link costs a request a month, not a night.
# Transient failures (server errors, timeouts) are retried by every run. 0: every failed document every run.
# See monre_crawler.document_retry.
MONRE_DOCUMENT_RETRY_MAX_DAYS = 30
# Where documents are stored. Empty: a folder files/ beside SQLITE_PATH (data/files/). Scrapy: no default.
FILES_STORE = ""

# --- When a run counts as failed or degraded (project settings; see monre_crawler.extensions) ----------------
MONRE_MAX_ERRORS = 20  # more logged errors than this and the run is "failed"
MONRE_FALLBACK_ALARM = 0.10  # share of articles needing a generic fallback above which the run is "degraded"
# For a portal read by the generic fallbacks by design (no layout known: mae.gov.vn): the share of articles with
# a key field (title, date, body) missing above which the run is "degraded" (instead of MONRE_FALLBACK_ALARM).
MONRE_MISSING_ALARM = 0.10
MONRE_PROGRESS_INTERVAL = 60  # seconds between progress lines (log and crawl_runs) of a running crawl; 0 = none
# Silent wrong data (a page's banner taken for every title, its "today" for every date): the run is "degraded"
# when this many articles of one run share a title (reposts are two), or when more than this many are dated
# the day of the crawl without a time of day (no ministry publishes that much in a day; also when 3 or more
# are, while most of the run's dates carry a time), or when any is dated after the day of the crawl.
MONRE_SAME_TITLE_ALARM = 3
MONRE_SAME_DAY_ALARM = 30
MONRE_MAX_PAGES = 5000  # listing pages per category at most: a guard against endless pagers
# A listing page lists 10-20 articles; one listing more than this is logged as absurd (a warning; its
# articles are still fetched, MONRE_LISTING_CHUNK at a time, so memory stays bounded whatever it lists).
MONRE_MAX_LISTING_ENTRIES = 1000
MONRE_LISTING_CHUNK = 500  # article requests handed to Scrapy's scheduler at once from one listing page
# A listing page bigger than this (bytes; a normal one is ~50 KB) is read as a stream, never held as one tree.
MONRE_STREAM_LISTING_BYTES = 1024 * 1024

# --- mae.gov.vn: backfill by id through the print view (project settings; see monre_crawler.spiders.mae) ------
MAE_BACKFILL = "auto"  # default of `-a backfill`: auto, new, all, off, or a number of ids
MAE_BACKFILL_MAX_IDS = 30000  # ids probed per run at most (at 1 request/s: about 8 hours)
MAE_BACKFILL_MAX_GAP = 300  # stop after this many missing ids in a row below everything found
MAE_BACKFILL_BATCH = 20  # ids scheduled at a time, when the crawl has nothing else to do

# --- History: edits and removals (project settings; README "Edits and removals") -----------------------------
# An incremental run re-fetches the articles published within this many days (undated ones: first stored
# within them) to notice edits and removals; 0 turns re-checks off (full=1 re-checks every article anyway).
MONRE_RECHECK_DAYS = 21

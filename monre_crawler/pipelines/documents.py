"""Archive the documents an article links (PDF, DOC(X), XLS(X)…) with Scrapy's FilesPipeline, and read their text.

For each attachment of a :class:`~monre_crawler.items.DocumentsItem` (the spider yields one after each
article that links documents, and one per article whose documents earlier runs could not archive):

- only ``http(s)`` links to the portal's own site are fetched (others are counted, not fetched);
- a document the archive already holds (``documents.status`` ``ok``, ``no_text`` or ``unreadable``) is not
  requested again, by this run or any later one: it is only linked to the article. Nor is a ``failed`` one
  that waits for its next try (:mod:`monre_crawler.document_retry`: a dead link is asked for again after a
  growing wait, a transient failure by the next run). Within a run, FilesPipeline itself fetches a URL once,
  however many articles link it;
- the request goes through the crawl's downloader, so robots.txt, the delays and AutoThrottle apply, with
  its own size cap (``MONRE_DOCUMENT_MAXSIZE``, 50 MB by default: a bigger file is cut off at the header);
- what comes back is sniffed (:func:`monre_crawler.documents.sniff`): an HTML page served as ``x.pdf`` is
  not stored. A document is stored under ``FILES_STORE`` (by default ``files/`` beside the archive:
  ``data/files/``) at ``full/<sha1 of its URL>.<real extension>``, then its text is read in a thread
  (:func:`monre_crawler.documents.analyse`, bounded), so a big PDF does not stall the crawl;
- the outcome becomes ``item.documents``, rows the SQLite pipeline writes in the batch after the article
  (``documents`` and ``articles_documents``). A document that could not be fetched or read is stored as ``failed`` with
  the reason, whether the failure was ``transient`` and how long it waits (``wait_days``); its article is
  stored all the same, and later runs try the document again.

Counts go to the crawl stats (``monre/documents/<outcome>``), which the run recorder writes to
``crawl_runs.documents``; each failure is one WARNING line naming the document and the reason.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.pipelines.files import FilesPipeline
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from .. import documents
from ..document_retry import is_due, next_wait_days
from ..items import DocumentsItem
from ..extensions import store_of
from ..schema import DOCUMENT_OK
from ..store import Store
from ..urls import is_portal_url, url_id

logger = logging.getLogger(__name__)
NO_CALLBACK = None  # FilesPipeline requests are downloaded by the pipeline, never parsed by the spider


def files_store(settings) -> str:
    """Where documents are stored: ``FILES_STORE``, or ``files/`` beside the archive (absolute)."""
    configured = settings.get("FILES_STORE")
    if configured:
        return configured if "://" in str(configured) else str(Path(configured).resolve())
    return str((Path(settings.get("SQLITE_PATH")).parent / "files").resolve())


class DocumentsPipeline(FilesPipeline):
    MEDIA_NAME = "document"

    def __init__(self, store_uri, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.maxsize = settings.getint("MONRE_DOCUMENT_MAXSIZE")
        self.retry_max_days = settings.getint("MONRE_DOCUMENT_RETRY_MAX_DAYS")
        self.stats = crawler.stats
        self.monre_store: Store | None = None
        self._failures: dict[str, str] = {}  # URL -> why it could not be fetched (media_failed cannot return it)
        self._counted: set[str] = set()  # documents counted and logged by this run
        self._texts: dict[str, str | None] = {}  # URL -> text, until the first item linking it completes
        self._waited: dict[str, int | None] = {}  # URL -> the wait (days) before this run's try, for the next one

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("MONRE_DOCUMENTS_ENABLED", True):
            raise NotConfigured("MONRE_DOCUMENTS_ENABLED is off")
        cls._update_stores(crawler.settings)
        return cls(files_store(crawler.settings), crawler=crawler)

    def open_spider(self, spider=None):
        super().open_spider()
        self.monre_store = store_of(self.crawler)

    # --- which documents to fetch ----------------------------------------------------------------------
    def get_media_requests(self, item, info):
        if not isinstance(item, DocumentsItem) or not item.attachments:
            return []
        wanted = [a for a in item.attachments if self._allowed(a.get("url", ""), info.spider)]
        if len(wanted) < len(item.attachments):  # another site's, or not http(s): linked, never fetched
            self.stats.inc_value("monre/documents/not_fetched_offsite", len(item.attachments) - len(wanted))
        ids = [url_id(a["url"]) for a in wanted]
        states = self.monre_store.document_states(ids)
        failed = self.monre_store.failed_documents([i for i in ids if states.get(i) == "failed"])
        requests = []
        for attachment, doc_id in zip(wanted, ids):
            if states.get(doc_id) in DOCUMENT_OK:
                continue
            before = failed.get(doc_id)
            if before and not is_due(**before, max_days=self.retry_max_days):
                continue  # a dead link waiting for its next try: only linked (counted by the spider's start)
            self._waited.setdefault(attachment["url"], before["wait_days"] if before else None)
            requests.append(Request(
                attachment["url"], callback=NO_CALLBACK,
                meta={"download_maxsize": self.maxsize, "download_warnsize": self.maxsize},
            ))
        return requests

    @staticmethod
    def _allowed(url: str, spider) -> bool:
        return is_portal_url(url, getattr(spider, "base_url", "") or "")

    def media_to_download(self, request, info, *, item=None):
        """Always download what get_media_requests asked for: it already left out what the archive holds
        (FilesPipeline's own check would re-read a file on disk, not the archive's verdict on it)."""
        return None

    # --- what came back --------------------------------------------------------------------------------
    async def media_downloaded(self, response, request, info, *, item=None):
        if response.status != 200:  # a server error (after Scrapy's retries) is a loss; a 404 is the portal's state
            return self._failed(request, f"HTTP {response.status}",
                                transient=response.status >= 500 or response.status in (408, 429))
        kind = documents.sniff(response.body, _extension(request.url))
        if not kind.document:
            return self._failed(request, f"not a document: the portal served {kind.label}"
                                         f" ({response.headers.get('Content-Type', b'').decode('latin-1')})")
        try:
            info_ = await super().media_downloaded(response, request, info, item=item)  # stores the file
        except Exception as exc:  # noqa: BLE001 - cannot write the file: this document fails, not the run
            return self._failed(request, f"cannot store the file: {exc}", transient=True)  # ours, not the portal's
        analysis = await maybe_deferred_to_future(
            deferToThread(documents.analyse, response.body, _extension(request.url)))
        # FilesPipeline keeps this result for the whole run (for other articles linking the same URL): the
        # text waits apart, for the first article to complete, so that a run does not hold every text.
        self._texts[request.url] = analysis.text
        return {
            **info_,
            "size": len(response.body),
            "sha1": hashlib.sha1(response.body).hexdigest(),  # noqa: S324 - a fingerprint, not security
            "content_type": kind.mime,
            "kind": kind.name,
            "pages": analysis.pages,
            "doc_status": analysis.status,
            "note": analysis.note,
        }

    def media_failed(self, failure, request, info):
        """A download that failed (timeout, refused, over the size cap, robots.txt): note why, for item_completed."""
        reason = failure.getErrorMessage() or failure.type.__name__
        transient = False
        if "larger than download max size" in reason or failure.check(DownloadCancelledError):
            # Scrapy cancels a download over download_maxsize: with its reason when the size was announced
            # (Content-Length), without one when the cap was reached while receiving the body
            reason = f"larger than MONRE_DOCUMENT_MAXSIZE ({self.maxsize:,} bytes)"
        else:
            # timeouts, refused or reset connections: a loss; robots.txt or another refusal: the portal's choice
            transient = not failure.check(IgnoreRequest)
            reason = f"{failure.type.__name__}: {reason}"
        self._failures[request.url] = (reason, transient)
        # Returning (not raising) keeps FilesPipeline from logging a traceback at ERROR: the reason is
        # logged once, as a WARNING, when the item completes.

    def _failed(self, request, reason: str, transient: bool = False) -> dict:
        return {"url": request.url, "doc_status": "failed", "note": reason, "transient": transient}

    def file_path(self, request, response=None, info=None, *, item=None):
        guid = hashlib.sha1(request.url.encode("utf-8")).hexdigest()  # noqa: S324 - a name, not security
        extension = _extension(request.url)
        if response is not None:
            extension = documents.sniff(response.body, extension).extension or extension
        if extension not in documents.EXTENSIONS:
            extension = ""
        return f"full/{guid}{extension}"

    # --- into the item -------------------------------------------------------------------------------------
    def item_completed(self, results, item, info):
        if not isinstance(item, DocumentsItem):
            return item
        by_url = {}
        for ok, value in results:
            if ok and isinstance(value, dict):
                by_url[value["url"]] = value
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows, seen = [], set()
        for attachment in item.attachments:
            url = attachment.get("url", "")
            if not self._allowed(url, info.spider):
                continue
            doc_id = url_id(url)
            if doc_id in seen:
                continue
            seen.add(doc_id)
            row = {"id": doc_id, "url": url, "title": attachment.get("title") or None}
            result = by_url.get(url)
            if result is None and url in self._failures:
                reason, transient = self._failures[url]
                result = {"url": url, "doc_status": "failed", "note": reason, "transient": transient}
            if result is not None and doc_id not in self._counted:  # the first article this run to link it
                row.update(self._row(result, now))
                if row["status"] == "failed":
                    row["transient"] = int(bool(result.get("transient")))
                    row["wait_days"] = next_wait_days(self._waited.get(url), row["transient"], self.retry_max_days)
                if result["doc_status"] != "failed":
                    row["text"] = self._texts.pop(url, None)
                elif result.get("transient"):
                    self.stats.inc_value("monre/documents/lost")  # could not be downloaded: the run is incomplete
                self._count(row, item)
            rows.append(row)  # without "status": archived already (by this run or an earlier one), only linked
        item.documents = rows
        return item

    @staticmethod
    def _row(result: dict, now: str) -> dict:
        return {
            "status": result["doc_status"],
            "note": result.get("note") or None,
            "path": result.get("path"),
            "size": result.get("size"),
            "content_type": result.get("content_type"),
            "kind": result.get("kind"),
            "sha1": result.get("sha1"),
            "pages": result.get("pages"),
            "text": None,
            "fetched_at": now if result.get("path") else None,
            "tried_at": now,
            "transient": None,  # for a failure: 1 (retried by the next run) or 0 (after wait_days)
            "wait_days": None,
        }

    def _count(self, row: dict, item) -> None:
        """Count and log each document once per run, whichever article brought it first."""
        self._counted.add(row["id"])
        status = row["status"]
        self.stats.inc_value(f"monre/documents/{status}")
        where = f"article {item.article_id}"
        if status == "failed":
            retried = "retried next run" if row["transient"] or not row["wait_days"] else (
                "retried next night" if row["wait_days"] == 1 else f"retried in {row['wait_days']} days")
            logger.warning("Document not archived (%s): %s linked from %s: %s", retried, row["url"], where,
                           row["note"])
        elif status != "ok":
            logger.info("Document archived without readable text (%s): %s: %s", status, row["url"], row["note"])

    def close_spider(self, spider=None):
        counts = {k: self.stats.get_value(f"monre/documents/{k}", 0) for k in ("ok", "no_text", "unreadable", "failed")}
        if any(counts.values()):
            logger.info("Documents: %(ok)d archived with text, %(no_text)d without text, "
                        "%(unreadable)d with unreadable text, %(failed)d failed", counts)


def _extension(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""

"""The attached documents of :class:`monre_crawler.spiders.base.PortalSpider`'s articles.

:class:`AttachmentsMixin` is a mixin of :class:`~monre_crawler.spiders.base.PortalSpider` (it uses the
spider's ``settings``, ``store``, ``base_url`` and ``profile``): the documents an article attaches, yielded for
:mod:`monre_crawler.pipelines.documents` to archive, and those that earlier runs did not archive.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ..items import ArticleItem, DocumentsItem
from ..urls import is_portal_url

__all__ = ["AttachmentsMixin"]


class AttachmentsMixin:
    """Attached documents to archive (a mixin of ``PortalSpider``; archived by
    :mod:`monre_crawler.pipelines.documents`)."""

    def documents_of(self, article: ArticleItem):
        """The article's attached documents, to archive: yielded apart from the article (after it), so that
        downloading them never holds the article back."""
        if article.attachments and article.title and self.settings.getbool("MONRE_DOCUMENTS_ENABLED", True):
            yield DocumentsItem(article_id=article.id, attachments=article.attachments)

    def documents_to_retry(self):
        """Attached documents of this portal's stored articles that earlier runs did not archive (failed and
        due for another try, or never handled): yielded at the start of a run; their articles are not fetched
        again. Failed ones that wait for their next try (:mod:`monre_crawler.document_retry`) are counted
        (``monre/documents/waiting``, said in ``crawl_runs.message``) and logged, not asked for."""
        if not self.settings.getbool("MONRE_DOCUMENTS_ENABLED", True):
            return
        max_days = self.settings.getint("MONRE_DOCUMENT_RETRY_MAX_DAYS")
        waiting = self.store.documents_waiting(self.profile.portal, max_days)
        if waiting:
            self.crawler.stats.set_value("monre/documents/waiting", len(waiting))
            self.logger.info("%d failed document(s) wait for their next try (dead links and the like), not asked "
                             "for this run; the first is due from %s", len(waiting),
                             min(waiting).strftime("%Y-%m-%d %H:%M UTC"))
        base = urlsplit(self.base_url)
        for article_id, attachments in self.store.documents_to_retry(self.profile.portal, max_days):
            # On the portal as it is reached now (its scheme and port may have changed since; the document's
            # id is its path, so the row stays the same).
            attachments = [{**a, "url": urlunsplit((base.scheme, base.netloc, *urlsplit(a["url"])[2:4], ""))}
                           for a in attachments if is_portal_url(a["url"], self.base_url)]
            if attachments:
                yield DocumentsItem(article_id=article_id, attachments=attachments)

"""Fingerprint an article's content (title, publication date, body text, all NFC).

The hash tells a changed article (same URL, new hash: updated) from an unchanged one, and a repost (new
URL, same hash as a stored article: one row with an alias) from a new article.
"""

from __future__ import annotations

from ..items import ArticleItem
from ..text import short_hash


class ContentHashPipeline:
    def process_item(self, item):
        if isinstance(item, ArticleItem):
            item.content_hash = short_hash(item.title, item.published_at or "", item.body_text, length=32)
        return item

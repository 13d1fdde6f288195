"""Item pipelines, one per file, in the order settings.ITEM_PIPELINES runs them:

1. :mod:`.extraction_health` counts, per key field, whether the layout's selectors or a fallback found it
   (every article page, so an untitled page counts as a missing title);
2. :mod:`.required_fields` drops articles without a title (logged and counted);
3. :mod:`.dates` turns the printed date into ISO 8601 (``monre_crawler.dates.parse_date``);
4. :mod:`.plausibility` counts what silent wrong data looks like (one title for many articles, the day of
   the crawl without a time, dates in the future), for the run's alarm;
5. :mod:`.content_hash` fingerprints title, date and body, for change and repost detection;
6. :mod:`.documents` archives the attached documents (a FilesPipeline) and reads their text;
7. :mod:`.sqlite` writes to the archive (upserts, merged categories, aliases of reposts, documents).

Pipelines see ``ArticleItem``; ``ListingSighting`` passes through to the SQLite pipeline untouched, and so
does ``DocumentsItem`` but for :mod:`.documents`, which archives its documents and fills its ``documents``.
"""

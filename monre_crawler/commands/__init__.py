"""Project commands: ``crawl`` replaces Scrapy's own (see :mod:`.crawl`)."""

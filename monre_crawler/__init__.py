"""monre_crawler: a Scrapy pipeline for the news of Vietnam's Ministry of Natural Resources and Environment."""

"""The feed storage for ``FEEDS = {"artifact://host:port/feeds/%(name)s-%(time)s.jsonl": {...}}``.

Scrapy writes the feed to a temporary file (BlockingFeedStorage) and hands it over when the crawl,
or a batch of it, is done; it goes up part by part from that file.
"""

import logging
import posixpath

from scrapy.extensions.feedexport import BlockingFeedStorage

from .api import ArtifactStoreApi
from .crawl import crawl_provenance, crawl_tags
from .location import parse_location
from .upload import upload_file

logger = logging.getLogger(__name__)

#: Media types of Scrapy's feed formats; others are stored as application/octet-stream.
FEED_CONTENT_TYPES = {
    "jsonlines": "application/jsonl",
    "jl": "application/jsonl",
    "json": "application/json",
    "csv": "text/csv",
    "xml": "application/xml",
    "marshal": "application/octet-stream",
    "pickle": "application/octet-stream",
}


class ArtifactFeedStorage(BlockingFeedStorage):
    """``FEED_STORAGES = {"artifact": "artifact_store_scrapy.ArtifactFeedStorage"}``"""

    def __init__(self, uri, *, settings=None, feed_options=None):
        self.location = parse_location(uri, settings)
        self.api = ArtifactStoreApi(self.location)
        self.key = self.location.path
        self.format = (feed_options or {}).get("format", "jsonlines")
        self.spider = None

    @classmethod
    def from_crawler(cls, crawler, uri, *, feed_options=None):
        return cls(uri, settings=crawler.settings, feed_options=feed_options)

    def open(self, spider):
        self.spider = spider
        return super().open(spider)

    def _store_in_thread(self, file):
        try:
            stored = upload_file(
                self.api,
                file,
                filename=posixpath.basename(self.key) or f"{self.spider.name}.{self.format}",
                content_type=FEED_CONTENT_TYPES.get(self.format, "application/octet-stream"),
                tags=[*crawl_tags(self.spider), "scrapy:feed"],
                metadata={"scrapy": {"feed": self.key, "format": self.format, "spider": self.spider.name}},
                provenance=crawl_provenance(self.spider),
                # A feed is a record of this run: one artifact each, even when another run's was alike.
                dedupe=False,
            )
        finally:
            file.close()
        logger.info(
            "Stored feed %(key)s as artifact %(id)s", {"key": self.key, "id": stored.artifact["id"]}
        )
        return stored.artifact

"""Scrapy's files and images pipelines, and feed exports, into the artifact store.

settings.py::

    ITEM_PIPELINES = {"artifact_store_scrapy.ArtifactFilesPipeline": 1}
    FILES_STORE = "artifact://127.0.0.1:8787/crawls/books"
    FEED_STORAGES = {"artifact": "artifact_store_scrapy.ArtifactFeedStorage"}
    FEEDS = {"artifact://127.0.0.1:8787/feeds/%(name)s-%(time)s.jsonl": {"format": "jsonlines"}}
    ARTIFACT_STORE_TOKEN = "..."
"""

from .api import ArtifactStoreApi, ArtifactStoreError
from .feed_storage import ArtifactFeedStorage
from .files_store import ArtifactFilesStore
from .location import StoreLocation, parse_location
from .pipelines import ArtifactFilesPipeline, ArtifactImagesPipeline
from .upload import upload_file

__all__ = [
    "ArtifactFeedStorage",
    "ArtifactFilesPipeline",
    "ArtifactFilesStore",
    "ArtifactImagesPipeline",
    "ArtifactStoreApi",
    "ArtifactStoreError",
    "StoreLocation",
    "parse_location",
    "upload_file",
]

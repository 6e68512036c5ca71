"""The FilesPipeline/ImagesPipeline store for ``FILES_STORE = "artifact://host:port/prefix"``."""

import logging
import mimetypes
import posixpath
import re
from datetime import datetime

from twisted.internet import threads

from .api import ArtifactStoreApi
from .crawl import crawl_provenance, crawl_tags, iso_now, path_tag
from .location import parse_location
from .upload import digest_of, seekable, upload_file

logger = logging.getLogger(__name__)


class ArtifactFilesStore:
    """
    Each file becomes an artifact tagged ``scrapy:file:<sha1 of its key>`` (its key: the URI's
    path joined with the pipeline's ``full/<sha1 of the URL>.ext``), so ``stat_file`` finds it
    in the catalogue again and an unchanged file is not downloaded again.
    """

    def __init__(self, uri: str, settings=None):
        self.location = parse_location(uri, settings)
        self.api = ArtifactStoreApi(self.location)
        self.dedupe = settings.getbool("ARTIFACT_STORE_DEDUPE", True) if settings is not None else True

    def persist_file(self, path, buf, info, meta=None, headers=None, provenance=None):
        """Uploads in the reactor's thread pool; the Deferred fires with the artifact."""
        return threads.deferToThread(self._persist, path, buf, info, meta, headers, provenance)

    def stat_file(self, path, info):
        return threads.deferToThread(self._stat, path)

    def _persist(self, path, buf, info, meta, headers, provenance):
        key = self.location.key_for(path)
        spider = info.spider
        content_type = _content_type(headers, path)
        source = seekable(buf)
        digest = digest_of(source)
        stored = upload_file(
            self.api,
            source,
            digest=digest,
            filename=posixpath.basename(path) or "file",
            content_type=content_type,
            tags=[*crawl_tags(spider), path_tag(key)],
            # The MD5 is what the pipeline reports as a file's checksum, up to date or not.
            metadata={"scrapy": {"path": key, "spider": spider.name, "md5": digest.md5_hex, **(meta or {})}},
            provenance=provenance or crawl_provenance(spider),
            dedupe=self.dedupe,
        )
        artifact = stored.artifact
        if stored.deduplicated:
            artifact = self._claim(artifact, key, path_tag(key))
        logger.debug(
            "Stored %(path)s as artifact %(id)s%(dedup)s",
            {"path": key, "id": artifact["id"], "dedup": " (already held)" if stored.deduplicated else ""},
            extra={"spider": spider},
        )
        return artifact

    def _claim(self, artifact: dict, key: str, tag: str) -> dict:
        """The store already held these bytes under another key: tag them with this one as well, and
        note when they were last stored, which ``stat_file`` reads as their age."""
        scrapy = dict(artifact.get("metadata", {}).get("scrapy") or {})
        scrapy["storedAt"] = iso_now()
        scrapy.setdefault("path", key)
        return self.api.update_artifact(
            artifact["id"],
            {"tags": {"add": [tag]}, "metadata": {**artifact.get("metadata", {}), "scrapy": scrapy}},
        )

    def _stat(self, path):
        key = self.location.key_for(path)
        page = self.api.search(tags=path_tag(key), sort="createdAt", order="desc", limit=1)
        if not page["artifacts"]:
            return {}
        artifact = page["artifacts"][0]
        scrapy = artifact.get("metadata", {}).get("scrapy") or {}
        stored_at = max(_epoch(artifact["createdAt"]), _epoch(scrapy.get("storedAt")) or 0)
        return {"checksum": scrapy.get("md5"), "last_modified": stored_at}


_MEDIA_TYPE = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
    r'(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"]*"|[a-z0-9!#$&^_.+-]+))*$',
    re.IGNORECASE,
)


def _content_type(headers, path: str) -> str:
    """The type the pipeline gives (the response's), when it is one; else guessed from the name."""
    for name, value in (headers or {}).items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value or "")
        if name.lower() == "content-type" and _MEDIA_TYPE.match(text.strip()) and len(text) <= 255:
            return text.strip()
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _epoch(iso: str | None) -> float | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

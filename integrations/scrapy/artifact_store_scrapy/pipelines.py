"""FilesPipeline and ImagesPipeline that store into the artifact store, with each response's provenance.

Scrapy 2.8 picks a store by the scheme of FILES_STORE from the pipeline class's STORE_SCHEMES
(there is no setting for it), and calls ``store_cls(uri)`` without the settings; these subclasses
add ``artifact`` to it and build the store with the crawler's settings (the token, the URL). The
stock pipelines also call ``persist_file`` without the response and without waiting for it; these
pass the response's provenance and make a file's result wait for its upload, so a failed upload is
a failed file (logged, left out of the item's ``files``) instead of a silent loss.
"""

from io import BytesIO
from urllib.parse import urlparse

from scrapy.pipelines.files import FileException, FilesPipeline
from scrapy.pipelines.images import ImagesPipeline
from scrapy.settings import Settings
from scrapy.utils.misc import md5sum
from twisted.internet.defer import DeferredList

from .crawl import response_provenance
from .files_store import ArtifactFilesStore
from .location import SCHEME

_UPLOADS = "_artifact_store_uploads"


class _StoresArtifacts:
    """What both pipelines share: the artifact store, and waiting for the uploads of each file."""

    def __init__(self, store_uri, download_func=None, settings=None):
        self._store_settings = settings if isinstance(settings, Settings) else Settings(settings)
        super().__init__(store_uri, download_func=download_func, settings=settings)

    def _get_store(self, uri):
        if urlparse(uri).scheme == SCHEME:
            return ArtifactFilesStore(uri, settings=self._store_settings)
        return super()._get_store(uri)

    def _persist(self, request, response, info, path, buf, meta=None, headers=None):
        if not isinstance(self.store, ArtifactFilesStore):
            return self.store.persist_file(path, buf, info, meta=meta, headers=headers)
        provenance = response_provenance(response, request, info.spider)
        upload = self.store.persist_file(path, buf, info, meta=meta, headers=headers, provenance=provenance)
        request.meta.setdefault(_UPLOADS, []).append(upload)
        return upload

    def media_downloaded(self, response, request, info, *, item=None):
        result = super().media_downloaded(response, request, info, item=item)
        uploads = request.meta.pop(_UPLOADS, [])
        if not uploads:
            return result
        waiting = DeferredList(uploads, fireOnOneErrback=True, consumeErrors=True)
        return waiting.addCallbacks(lambda _: result, self._upload_failed, errbackArgs=(request, info))

    def _upload_failed(self, failure, request, info):
        cause = getattr(failure.value, "subFailure", failure)
        info.spider.logger.warning(
            "File (store-error): could not store %(request)s in the artifact store: %(error)s",
            {"request": request, "error": cause.value},
        )
        raise FileException(f"store-error: {cause.value}")


class ArtifactFilesPipeline(_StoresArtifacts, FilesPipeline):
    """``ITEM_PIPELINES = {"artifact_store_scrapy.ArtifactFilesPipeline": 1}``"""

    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, SCHEME: ArtifactFilesStore}

    def file_downloaded(self, response, request, info, *, item=None):
        path = self.file_path(request, response=response, info=info, item=item)
        buf = BytesIO(response.body)
        checksum = md5sum(buf)
        buf.seek(0)
        content_type = response.headers.get("Content-Type")
        headers = {"Content-Type": content_type.decode("latin-1")} if content_type else None
        self._persist(request, response, info, path, buf, headers=headers)
        return checksum


class ArtifactImagesPipeline(_StoresArtifacts, ImagesPipeline):
    """``ITEM_PIPELINES = {"artifact_store_scrapy.ArtifactImagesPipeline": 1}`` (needs Pillow)."""

    STORE_SCHEMES = {**ImagesPipeline.STORE_SCHEMES, SCHEME: ArtifactFilesStore}

    def image_downloaded(self, response, request, info, *, item=None):
        checksum = None
        for path, image, buf in self.get_images(response, request, info, item=item):
            if checksum is None:
                buf.seek(0)
                checksum = md5sum(buf)
            width, height = image.size
            self._persist(
                request,
                response,
                info,
                path,
                buf,
                meta={"width": width, "height": height},
                headers={"Content-Type": "image/jpeg"},
            )
        return checksum

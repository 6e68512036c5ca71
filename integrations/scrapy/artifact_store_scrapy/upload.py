"""Uploading a file-like through the store's presigned flow, a part at a time.

The file is read in 1 MiB chunks, never held whole: once for its size, SHA-256 and MD5 (the SHA-256
is declared when the upload opens, so the store can answer an artifact it already holds with the
same bytes; the MD5 is signed into a single PUT), then per part for its MD5 (signed into its URL,
so storage refuses bytes changed on the way; a single PUT has it from the first read), then per
part again as it is sent. Parts go up one after another: a crawl already stores many files at once.
"""

import base64
import hashlib
import shutil
import tempfile
from dataclasses import dataclass

from .api import ArtifactStoreApi, ArtifactStoreError

READ_CHUNK = 1024 * 1024
#: Parts whose URLs one signing call asks for.
SIGN_BATCH = 8
#: In memory below this, on disk above, when a source that cannot seek has to be read again.
SPOOL_IN_MEMORY_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class Digest:
    size: int
    sha256_hex: str
    sha256_base64: str
    md5_hex: str
    md5_base64: str


@dataclass(frozen=True)
class Stored:
    artifact: dict
    #: True when the store already held these bytes for the caller and nothing was sent.
    deduplicated: bool
    digest: Digest


def chunks_of(file, start: int, length: int):
    """The bytes of [start, start + length) of a seekable file, READ_CHUNK at a time."""
    file.seek(start)
    left = length
    while left > 0:
        chunk = file.read(min(READ_CHUNK, left))
        if not chunk:
            raise ValueError(f"the file ended {left} bytes early: it changed while being uploaded")
        left -= len(chunk)
        yield chunk


def digest_of(file, start: int = 0, length: int | None = None) -> Digest:
    """Size, SHA-256 and MD5 of a range of the file (to its end when ``length`` is None)."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(), 0
    file.seek(start)
    while length is None or size < length:
        chunk = file.read(READ_CHUNK if length is None else min(READ_CHUNK, length - size))
        if not chunk:
            break
        sha256.update(chunk)
        md5.update(chunk)
        size += len(chunk)
    if length is not None and size != length:
        raise ValueError(f"the file ended {length - size} bytes early: it changed while being uploaded")
    return Digest(
        size=size,
        sha256_hex=sha256.hexdigest(),
        sha256_base64=base64.b64encode(sha256.digest()).decode(),
        md5_hex=md5.hexdigest(),
        md5_base64=base64.b64encode(md5.digest()).decode(),
    )


def seekable(file):
    """The file itself when it can seek, else a spooled copy of it (closed by the caller)."""
    if getattr(file, "seekable", lambda: False)():
        return file
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_MAX)
    shutil.copyfileobj(file, copy, READ_CHUNK)
    return copy


def upload_file(
    api: ArtifactStoreApi,
    file,
    *,
    filename: str,
    content_type: str,
    tags=(),
    metadata=None,
    provenance=None,
    dedupe: bool = True,
    digest: Digest | None = None,
) -> Stored:
    """
    Stores the file as an artifact; answers it once the store recorded it (or already held it).
    ``digest``: the whole file's, when the caller has read it already (the file must then seek).
    """
    source = file if digest else seekable(file)
    try:
        whole = digest or digest_of(source)
        return _upload(api, source, whole, filename, content_type, tags, metadata, provenance, dedupe)
    finally:
        if source is not file:
            source.close()


def _upload(api, source, whole, filename, content_type, tags, metadata, provenance, dedupe) -> Stored:
    body = {
        "filename": filename,
        "contentType": content_type,
        "size": whole.size,
        "sha256": whole.sha256_hex,
        "md5": whole.md5_base64,
        "tags": list(tags),
        "metadata": metadata or {},
    }
    if provenance:
        body["provenance"] = provenance
    if not dedupe:
        body["dedupe"] = False
    created = api.create_upload(body)
    if created.get("deduplicated"):
        return Stored(artifact=created["artifact"], deduplicated=True, digest=whole)
    try:
        _send_parts(api, source, whole.size, created)
        artifact = api.complete_upload(created["uploadId"])
    except BaseException:
        _abort_quietly(api, created["uploadId"])
        raise
    return Stored(artifact=artifact, deduplicated=False, digest=whole)


def _send_parts(api: ArtifactStoreApi, file, size: int, created: dict) -> None:
    upload_id, part_size, part_count = created["uploadId"], created["partSize"], created["partCount"]
    with_sha256 = "sha256" in created.get("checksums", {}).get("algorithms", [])

    def bounds(part_number):
        start = (part_number - 1) * part_size
        return start, min(size, start + part_size) - start

    # URLs the create answer signed with a checksum are used; bare ones (where the server does
    # not require checksums) are signed again with them, so storage checks every part.
    signed = {
        part["partNumber"]: part
        for part in created.get("parts", [])
        if any(name.lower() == "content-md5" for name in part["headers"])
    }
    for first in range(1, part_count + 1, SIGN_BATCH):
        numbers = range(first, min(first + SIGN_BATCH, part_count + 1))
        unsigned = [number for number in numbers if number not in signed]
        if unsigned:
            checksums = []
            for number in unsigned:
                part = digest_of(file, *bounds(number))
                checksum = {"partNumber": number, "md5": part.md5_base64}
                if with_sha256:
                    checksum["sha256"] = part.sha256_base64
                checksums.append(checksum)
            for part in api.sign_parts(upload_id, checksums)["parts"]:
                signed[part["partNumber"]] = part
        for number in numbers:
            _put_part(api, file, signed.pop(number), *bounds(number))


def _put_part(api: ArtifactStoreApi, file, part: dict, start: int, length: int) -> None:
    def send():
        api.put_part(part["url"], part["headers"], length, lambda: chunks_of(file, start, length))

    try:
        send()
    except ArtifactStoreError as error:
        # Bytes damaged on the way (storage checked them against the signed MD5): read and send again.
        if error.status == 400 and "BadDigest" in error.message:
            send()
        else:
            raise


def _abort_quietly(api: ArtifactStoreApi, upload_id: str) -> None:
    try:
        api.abort_upload(upload_id)
    except Exception:  # the upload expires anyway; the original error is the one to report
        pass

import hashlib
import io
import unittest

from artifact_store_scrapy.api import ArtifactStoreApi, ArtifactStoreError
from artifact_store_scrapy.location import StoreLocation
from artifact_store_scrapy.upload import READ_CHUNK, upload_file

from .fake_store import FakeStore

MiB = 1024 * 1024


class WatchedFile(io.BytesIO):
    """Records every read, to show the upload never asks for the whole file at once."""

    def __init__(self, data):
        super().__init__(data)
        self.reads = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


class OneWayStream(io.RawIOBase):
    """A source that cannot seek (a pipe, a socket)."""

    def __init__(self, data):
        self.data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class UploadTest(unittest.TestCase):
    def start(self, **options):
        store = FakeStore(**options).start()
        self.addCleanup(store.stop)
        api = ArtifactStoreApi(StoreLocation(base_url=store.url, token=store.token, path=""))
        self.addCleanup(api.session.close)
        return store, api

    def upload(self, api, data, **options):
        return upload_file(api, data, filename="f.bin", content_type="application/pdf", **options)

    def test_a_small_file_goes_up_in_one_put_signed_with_its_md5_and_declares_its_sha256(self):
        store, api = self.start()
        data = b"%PDF-1.4 small"
        stored = self.upload(api, io.BytesIO(data), tags=["scrapy"], provenance={"jobId": "j"})
        self.assertFalse(stored.deduplicated)
        self.assertEqual(stored.artifact["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(stored.artifact["provenance"], {"jobId": "j"})
        self.assertEqual(stored.digest.md5_hex, hashlib.md5(data).hexdigest())
        self.assertEqual([m for m, _ in store.requests], ["POST", "PUT", "POST"])

    def test_a_large_file_goes_up_part_by_part_each_signed_with_its_checksums_never_read_whole(self):
        store, api = self.start(part_size=MiB, single_threshold=MiB, algorithms=("md5", "sha256"))
        data = bytes(range(256)) * (10 * 1024 + 7)  # 2.5 MiB and a bit: three parts
        source = WatchedFile(data)
        stored = self.upload(api, source)
        self.assertEqual(stored.artifact["size"], len(data))
        self.assertEqual(len(store.calls("PUT", "/storage/")), 3)
        upload = next(iter(store.uploads.values()))
        self.assertEqual(sorted(upload["checksums"]), [1, 2, 3])
        self.assertTrue(all("sha256" in checksum for checksum in upload["checksums"].values()))
        self.assertTrue(source.reads and all(0 < size <= READ_CHUNK for size in source.reads), source.reads)

    def test_bytes_the_store_already_holds_are_not_sent_again(self):
        store, api = self.start()
        first = self.upload(api, io.BytesIO(b"same bytes"))
        again = self.upload(api, io.BytesIO(b"same bytes"))
        self.assertTrue(again.deduplicated)
        self.assertEqual(again.artifact["id"], first.artifact["id"])
        self.assertEqual(len(store.calls("PUT")), 1)
        self.assertFalse(self.upload(api, io.BytesIO(b"same bytes"), dedupe=False).deduplicated)

    def test_a_part_damaged_on_the_way_is_read_and_sent_again(self):
        store, api = self.start(part_size=MiB, single_threshold=MiB)
        store.damage_next_put.add(2)
        stored = self.upload(api, io.BytesIO(b"x" * (2 * MiB + 1)))
        self.assertEqual(stored.artifact["size"], 2 * MiB + 1)
        self.assertEqual(len(store.calls("PUT", "/storage/")), 4)

    def test_a_refused_part_aborts_the_upload_and_says_why(self):
        store, api = self.start(part_size=MiB, single_threshold=MiB)
        store.refuse_puts.add(1)
        with self.assertRaises(ArtifactStoreError) as raised:
            self.upload(api, io.BytesIO(b"y" * (MiB + 1)))
        self.assertEqual(raised.exception.status, 403)
        self.assertIn("AccessDenied", raised.exception.message)
        self.assertEqual([upload["state"] for upload in store.uploads.values()], ["aborted"])

    def test_a_source_that_cannot_seek_is_spooled_and_stored_whole(self):
        _, api = self.start(part_size=MiB, single_threshold=MiB)
        data = b"z" * (MiB + 5)
        stored = self.upload(api, io.BufferedReader(OneWayStream(data)))
        self.assertEqual(stored.artifact["sha256"], hashlib.sha256(data).hexdigest())

    def test_an_api_error_carries_its_status_and_code(self):
        store, api = self.start()
        store.token = "another"
        with self.assertRaises(ArtifactStoreError) as raised:
            self.upload(api, io.BytesIO(b"a"))
        self.assertEqual((raised.exception.status, raised.exception.code), (401, "unauthenticated"))


if __name__ == "__main__":
    unittest.main()

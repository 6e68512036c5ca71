import hashlib
import io
import time
import unittest
from types import SimpleNamespace

from artifact_store_scrapy.crawl import path_tag
from artifact_store_scrapy.files_store import ArtifactFilesStore

from .support import closing, spider_with, started_store, store_uri


class FilesStoreTest(unittest.TestCase):
    def setUp(self):
        self.fake = started_store(self)
        settings = {"ARTIFACT_STORE_TOKEN": self.fake.token, "ARTIFACT_STORE_JOB_ID": "nightly"}
        self.spider = spider_with(settings)
        self.info = SimpleNamespace(spider=self.spider)
        uri = store_uri(self.fake, "/crawls/books")
        self.store = closing(self, ArtifactFilesStore(uri, settings=self.spider.settings))

    def test_a_file_is_stored_under_its_key_with_the_crawl_tags_and_found_again_by_stat(self):
        data = b"%PDF-1.4 a report"
        artifact = self.store._persist("full/abc.pdf", io.BytesIO(data), self.info, None, None, None)
        self.assertEqual(artifact["filename"], "abc.pdf")
        self.assertEqual(artifact["contentType"], "application/pdf")  # from the name, no header given
        self.assertIn(path_tag("crawls/books/full/abc.pdf"), artifact["tags"])
        self.assertIn("spider:example-spider", artifact["tags"])
        self.assertEqual(artifact["metadata"]["scrapy"]["path"], "crawls/books/full/abc.pdf")
        self.assertEqual(artifact["provenance"]["jobId"], "nightly")
        self.assertTrue(artifact["provenance"]["runId"].startswith("scrapy-"))

        stat = self.store._stat("full/abc.pdf")
        self.assertEqual(stat["checksum"], hashlib.md5(data).hexdigest())
        self.assertLess(abs(stat["last_modified"] - time.time()), 60)

    def test_stat_of_a_file_never_stored_is_empty_so_the_pipeline_downloads_it(self):
        self.assertEqual(self.store._stat("full/never.pdf"), {})

    def test_the_type_the_pipeline_gives_wins_unless_it_is_no_media_type(self):
        png = {"Content-Type": b"image/png"}
        given = self.store._persist("full/a", io.BytesIO(b"1"), self.info, None, png, None)
        self.assertEqual(given["contentType"], "image/png")
        no_type = {"Content-Type": "pdf"}
        junk = self.store._persist("full/b.pdf", io.BytesIO(b"2"), self.info, None, no_type, None)
        self.assertEqual(junk["contentType"], "application/pdf")

    def test_bytes_already_held_under_another_key_are_tagged_with_this_one_too(self):
        self.store._persist("full/first.png", io.BytesIO(b"same"), self.info, None, None, None)
        second = self.store._persist("full/second.png", io.BytesIO(b"same"), self.info, None, None, None)
        self.assertEqual(len(self.fake.artifacts), 1)
        self.assertIn(path_tag("crawls/books/full/second.png"), second["tags"])
        self.assertIn("storedAt", second["metadata"]["scrapy"])
        self.assertEqual(self.store._stat("full/second.png")["checksum"], hashlib.md5(b"same").hexdigest())

    def test_the_provenance_given_is_the_one_recorded(self):
        provenance = {"sourceUrl": "https://example.com/a.pdf", "httpStatus": 200}
        artifact = self.store._persist("full/c.pdf", io.BytesIO(b"3"), self.info, None, None, provenance)
        self.assertEqual(artifact["provenance"], provenance)


if __name__ == "__main__":
    unittest.main()

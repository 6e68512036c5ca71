import tempfile
import unittest

from scrapy.http import Request, Response
from scrapy.pipelines.files import FSFilesStore
from scrapy.settings import Settings

from artifact_store_scrapy import ArtifactFilesPipeline, ArtifactImagesPipeline
from artifact_store_scrapy.crawl import response_provenance, run_id
from artifact_store_scrapy.files_store import ArtifactFilesStore

from .support import spider_with


class PipelinesTest(unittest.TestCase):
    def test_both_pipelines_build_the_artifact_store_with_the_crawl_settings(self):
        settings = Settings({"FILES_STORE": "artifact://host:1/x", "IMAGES_STORE": "artifact://host:1/y"})
        settings.set("ARTIFACT_STORE_TOKEN", "from-settings")
        for pipeline, path in ((ArtifactFilesPipeline, "x"), (ArtifactImagesPipeline, "y")):
            store = pipeline.from_settings(settings).store
            self.assertIsInstance(store, ArtifactFilesStore)
            self.assertEqual((store.location.token, store.location.path), ("from-settings", path))
        self.assertIn("artifact", ArtifactFilesPipeline.STORE_SCHEMES)

    def test_other_stores_still_work(self):
        with tempfile.TemporaryDirectory() as folder:
            pipeline = ArtifactFilesPipeline.from_settings(Settings({"FILES_STORE": folder}))
            self.assertIsInstance(pipeline.store, FSFilesStore)

    def test_provenance_comes_from_the_response_and_the_crawl(self):
        spider = spider_with({"ARTIFACT_STORE_JOB_ID": "job-7"})
        request = Request("https://example.com/a.pdf", headers={"User-Agent": "Scrapy/2.8"})
        response = Response(
            "https://cdn.example.com/a.pdf",
            status=200,
            headers={"Content-Type": "application/pdf", "Set-Cookie": "secret=1", "ETag": '"abc"'},
            request=request,
        )
        provenance = response_provenance(response, request, spider, fetched_at="2026-05-01T00:00:00.000Z")
        self.assertEqual(
            provenance,
            {
                "runId": run_id(spider.crawler),
                "jobId": "job-7",
                "fetchedAt": "2026-05-01T00:00:00.000Z",
                "httpStatus": 200,
                "sourceUrl": "https://example.com/a.pdf",
                "finalUrl": "https://cdn.example.com/a.pdf",
                "userAgent": "Scrapy/2.8",
                "headers": {"content-type": "application/pdf", "etag": '"abc"'},
            },
        )

    def test_one_run_id_per_crawler(self):
        first, second = spider_with({}), spider_with({})
        self.assertEqual(run_id(first.crawler), run_id(first.crawler))
        self.assertNotEqual(run_id(first.crawler), run_id(second.crawler))
        self.assertEqual(run_id(spider_with({"ARTIFACT_STORE_RUN_ID": "r-1"}).crawler), "r-1")


if __name__ == "__main__":
    unittest.main()

import os
import unittest
from unittest import mock

from scrapy.settings import Settings

from artifact_store_scrapy.location import parse_location


class ParseLocationTest(unittest.TestCase):
    def setUp(self):
        patcher = mock.patch.dict(os.environ, {}, clear=False)
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in ("ARTIFACT_STORE_TOKEN", "ARTIFACT_STORE_URL"):
            os.environ.pop(name, None)

    def test_host_and_port_mean_http_and_the_path_is_the_prefix(self):
        settings = Settings({"ARTIFACT_STORE_TOKEN": "t"})
        location = parse_location("artifact://127.0.0.1:8787/crawls/books", settings)
        self.assertEqual(location.base_url, "http://127.0.0.1:8787")
        self.assertEqual(location.path, "crawls/books")
        self.assertEqual(location.key_for("full/abc.pdf"), "crawls/books/full/abc.pdf")
        self.assertEqual(location.token, "t")

    def test_no_path_keys_files_by_their_pipeline_path(self):
        location = parse_location("artifact://store.example/", Settings({"ARTIFACT_STORE_TOKEN": "t"}))
        self.assertEqual(location.key_for("full/abc.pdf"), "full/abc.pdf")

    def test_a_token_in_the_uri_is_refused_since_scrapy_logs_feed_uris(self):
        settings = Settings({"ARTIFACT_STORE_TOKEN": "from-settings"})
        for uri in ("artifact://from-uri@host/x", "artifact://:secret@host:1/x"):
            with self.assertRaisesRegex(ValueError, "take no credentials"):
                parse_location(uri, settings)

    def test_the_url_setting_overrides_the_uri_host_for_https(self):
        settings = Settings({"ARTIFACT_STORE_TOKEN": "t", "ARTIFACT_STORE_URL": "https://api.example/"})
        location = parse_location("artifact://ignored/feeds/a.jsonl", settings)
        self.assertEqual(location.base_url, "https://api.example")

    def test_environment_variables_stand_in_for_settings(self):
        os.environ["ARTIFACT_STORE_TOKEN"] = "from-env"
        self.assertEqual(parse_location("artifact://host/x").token, "from-env")

    def test_no_token_or_another_scheme_is_an_error(self):
        with self.assertRaisesRegex(ValueError, "ARTIFACT_STORE_TOKEN"):
            parse_location("artifact://host/x")
        with self.assertRaisesRegex(ValueError, "expected 'artifact'"):
            parse_location("s3://bucket/x", Settings({"ARTIFACT_STORE_TOKEN": "t"}))


if __name__ == "__main__":
    unittest.main()

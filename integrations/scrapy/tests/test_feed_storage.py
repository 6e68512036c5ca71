import json
import unittest

from artifact_store_scrapy.feed_storage import ArtifactFeedStorage

from .support import closing, spider_with, started_store, store_uri


class FeedStorageTest(unittest.TestCase):
    def test_a_json_lines_feed_is_stored_as_one_artifact_of_the_run(self):
        fake = started_store(self)
        spider = spider_with({"ARTIFACT_STORE_TOKEN": fake.token, "ARTIFACT_STORE_TAGS": ["books"]})
        storage = closing(
            self,
            ArtifactFeedStorage.from_crawler(
                spider.crawler, store_uri(fake, "/feeds/books.jsonl"), feed_options={"format": "jsonlines"}
            ),
        )
        file = storage.open(spider)
        lines = [{"title": "A"}, {"title": "B"}]
        file.write("".join(json.dumps(line) + "\n" for line in lines).encode())
        artifact = storage._store_in_thread(file)
        self.assertTrue(file.closed)
        self.assertEqual(artifact["filename"], "books.jsonl")
        self.assertEqual(artifact["contentType"], "application/jsonl")
        self.assertEqual(
            sorted(artifact["tags"]), ["books", "scrapy", "scrapy:feed", "spider:example-spider"]
        )
        self.assertEqual(artifact["metadata"]["scrapy"]["feed"], "feeds/books.jsonl")
        stored = fake.artifacts[artifact["id"]]["bytes"].decode().splitlines()
        self.assertEqual([json.loads(line) for line in stored], lines)

    def test_each_feed_is_a_record_of_its_run_even_when_alike(self):
        fake = started_store(self)
        spider = spider_with({"ARTIFACT_STORE_TOKEN": fake.token})
        ids = set()
        for _ in range(2):
            uri = store_uri(fake, "/feeds/same.jsonl")
            storage = closing(self, ArtifactFeedStorage.from_crawler(spider.crawler, uri))
            file = storage.open(spider)
            file.write(b'{"same": true}\n')
            ids.add(storage._store_in_thread(file)["id"])
        self.assertEqual(len(ids), 2)


if __name__ == "__main__":
    unittest.main()

"""A crawler and spider as Scrapy builds them, for stores that read settings and the spider's name."""

import scrapy
from scrapy.utils.test import get_crawler

from .fake_store import FakeStore


class ExampleSpider(scrapy.Spider):
    name = "Example Spider"


def spider_with(settings: dict):
    crawler = get_crawler(ExampleSpider, settings)
    return crawler._create_spider()


def started_store(test, **options) -> FakeStore:
    store = FakeStore(**options).start()
    test.addCleanup(store.stop)
    return store


def closing(test, client):
    """The client (a store or feed storage), its kept-alive connections closed after the test."""
    test.addCleanup(client.api.session.close)
    return client


def store_uri(store: FakeStore, path: str) -> str:
    return store.url.replace("http://", "artifact://") + path

"""The spider the end-to-end test and the benchmark run (``scrapy runspider``): it follows an index's
``a.page`` links and yields each page with the ``a.file`` links it holds as ``file_urls``."""

import scrapy


class SiteSpider(scrapy.Spider):
    name = "loopback-site"

    def __init__(self, start_url=None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response):
        for href in response.css("a.page::attr(href)").getall():
            yield response.follow(href, callback=self.parse_page)

    def parse_page(self, response):
        yield {
            "url": response.url,
            "title": response.css("title::text").get(),
            "file_urls": [response.urljoin(href) for href in response.css("a.file::attr(href)").getall()],
        }

"""What the store records about a crawl: its job and run ids, tags, and each response's provenance."""

import hashlib
import os
import re
import secrets
import weakref
from datetime import datetime, timezone

#: Response headers kept in provenance unless ARTIFACT_STORE_PROVENANCE_HEADERS names others.
DEFAULT_PROVENANCE_HEADERS = (
    "content-type",
    "content-length",
    "content-language",
    "content-disposition",
    "last-modified",
    "etag",
    "date",
    "server",
    "cache-control",
    "expires",
    "x-robots-tag",
)
_TAG = re.compile(r"^[a-z0-9][a-z0-9._:/-]{0,63}$")
_CRAWL_ID = re.compile(r"^[\x21-\x7e]{1,200}$")
_run_ids: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tag_of(text: str) -> str:
    """A store tag from free text (a spider's name): lower case, other characters as '-'."""
    tag = re.sub(r"[^a-z0-9._:/-]+", "-", text.strip().lower()).strip("-._:/")[:64]
    return tag or "unnamed"


def valid_tags(tags) -> list:
    """Tags as the store accepts them; a bad one from settings is an error, not silently dropped."""
    normalized = [str(tag).strip().lower() for tag in tags]
    bad = [tag for tag in normalized if not _TAG.match(tag)]
    if bad:
        raise ValueError(f"Tag {bad[0]!r} is not valid: 1-64 characters of a-z, 0-9 and . _ : / -")
    return normalized


def path_tag(key: str) -> str:
    """The tag that finds a stored file again by its key: keys can be longer than a tag may be."""
    return f"scrapy:file:{hashlib.sha1(key.encode('utf-8')).hexdigest()}"


def job_id(settings) -> str | None:
    """``ARTIFACT_STORE_JOB_ID``, else the job id scrapyd gives each run (``SCRAPY_JOB``)."""
    value = (settings.get("ARTIFACT_STORE_JOB_ID") if settings is not None else None) or os.environ.get(
        "SCRAPY_JOB"
    )
    return _crawl_id(value)


def run_id(crawler) -> str:
    """``ARTIFACT_STORE_RUN_ID``, else one id per crawler, shared by its pipelines and feeds."""
    configured = _crawl_id(crawler.settings.get("ARTIFACT_STORE_RUN_ID"))
    if configured:
        return configured
    if crawler not in _run_ids:
        started = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        _run_ids[crawler] = f"scrapy-{started}-{secrets.token_hex(4)}"
    return _run_ids[crawler]


def crawl_tags(spider) -> list:
    """``scrapy``, ``spider:<name>`` and the ``ARTIFACT_STORE_TAGS`` setting's."""
    extra = spider.crawler.settings.getlist("ARTIFACT_STORE_TAGS")
    return ["scrapy", f"spider:{tag_of(spider.name)}", *valid_tags(extra)]


def crawl_provenance(spider) -> dict:
    """The provenance every artifact of the crawl shares: its job and run."""
    provenance = {"runId": run_id(spider.crawler)}
    job = job_id(spider.crawler.settings)
    if job:
        provenance["jobId"] = job
    return provenance


def response_provenance(response, request, spider, fetched_at: str | None = None) -> dict:
    """Where the bytes came from: URLs, status, when, the user agent and selected headers."""
    provenance = crawl_provenance(spider)
    provenance["fetchedAt"] = fetched_at or iso_now()
    provenance["httpStatus"] = response.status
    if _is_http(request.url):
        provenance["sourceUrl"] = request.url
    if _is_http(response.url) and response.url != request.url:
        provenance["finalUrl"] = response.url
    user_agent = request.headers.get("User-Agent")
    if user_agent:
        provenance["userAgent"] = user_agent.decode("latin-1")[:1024]
    settings = spider.crawler.settings
    wanted = settings.getlist("ARTIFACT_STORE_PROVENANCE_HEADERS") or DEFAULT_PROVENANCE_HEADERS
    headers = {}
    for name in wanted[:50]:
        value = response.headers.get(name)
        if value is not None:
            headers[name.lower()] = value.decode("latin-1")[:4096]
    if headers:
        provenance["headers"] = headers
    return provenance


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= 4096


def _crawl_id(value) -> str | None:
    if not value:
        return None
    if not _CRAWL_ID.match(str(value)):
        raise ValueError(f"Job and run ids are 1-200 visible ASCII characters, not {value!r}")
    return str(value)

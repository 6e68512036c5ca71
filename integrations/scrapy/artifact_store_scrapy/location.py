"""Where the store is and who the crawler is to it: from an ``artifact://`` URI and settings."""

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SCHEME = "artifact"


@dataclass(frozen=True)
class StoreLocation:
    """The API's base URL, the bearer token, and the key prefix named by the URI's path."""

    base_url: str
    token: str
    #: The URI's path without its leading slash: "crawls/books" for artifact://host/crawls/books.
    path: str

    def key_for(self, name: str) -> str:
        """The store-wide key of a file the pipeline names ``name`` (its path under the URI)."""
        prefix = self.path.strip("/")
        return f"{prefix}/{name}" if prefix else name


def _setting(settings, name: str):
    value = settings.get(name) if settings is not None else None
    return value if value else os.environ.get(name) or None


def parse_location(uri: str, settings=None) -> StoreLocation:
    """
    ``artifact://host[:port]/path``: the API at http://host:port (``ARTIFACT_STORE_URL``
    overrides it, e.g. for https), the token from ``ARTIFACT_STORE_TOKEN``. Settings fall back to
    environment variables of the same names. A token in the URI is refused: Scrapy logs feed URIs.
    """
    parts = urlsplit(uri)
    if parts.scheme != SCHEME:
        raise ValueError(f"Incorrect URI scheme in {uri}, expected '{SCHEME}'")
    if not parts.hostname and not _setting(settings, "ARTIFACT_STORE_URL"):
        raise ValueError(f"{uri} names no host: write artifact://host:port/path or set ARTIFACT_STORE_URL")
    host = parts.netloc.rsplit("@", 1)[-1]
    base_url = (_setting(settings, "ARTIFACT_STORE_URL") or f"http://{host}").rstrip("/")
    if parts.username or parts.password:
        raise ValueError(
            "artifact:// URIs take no credentials (Scrapy writes feed URIs to its log): "
            "set ARTIFACT_STORE_TOKEN instead"
        )
    token = _setting(settings, "ARTIFACT_STORE_TOKEN")
    if not token:
        raise ValueError(f"No token for {base_url}: set ARTIFACT_STORE_TOKEN")
    return StoreLocation(base_url=base_url, token=token, path=unquote(parts.path).lstrip("/"))

"""HTTP/1.1 with kept-alive connections per thread (http.client), and retries of what is safe to repeat.

Scrapy runs stores in its reactor's thread pool, so each thread keeps connections of its own:
http.client connections are not safe to share between threads.
"""

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Statuses worth another try: the server, or something in front of it, may answer next time.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: What a connection the server closed while idle, or a network blip, raises.
CONNECTION_ERRORS = (http.client.HTTPException, ConnectionError, TimeoutError, OSError)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


class HttpSession:
    def __init__(self, timeout: float = 60.0, retries: int = 3, backoff: float = 0.25):
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._local = threading.local()

    def request(self, method, url, *, headers=None, body=None, retry=True) -> Answer:
        """
        One request. ``body`` is bytes, or a callable giving an iterable of byte chunks (called
        again for each attempt, so a part is read afresh rather than held). With ``retry``, network
        errors and retryable statuses are tried again with backoff.
        """
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                answer = self._send(method, url, headers or {}, body)
            except CONNECTION_ERRORS:
                if attempt + 1 >= attempts:
                    raise
            else:
                if answer.status not in RETRYABLE_STATUSES or attempt + 1 >= attempts:
                    return answer
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _send(self, method, url, headers, body) -> Answer:
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        while True:
            reused = (parts.scheme, parts.netloc) in self._pool()
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                answer = self._exchange(connection, method, target, headers, body)
            except BaseException as error:
                self._drop(parts.scheme, parts.netloc)
                # A kept-alive connection the server closed while idle: once more on a fresh one.
                if reused and isinstance(error, CONNECTION_ERRORS):
                    continue
                raise
            if answer.headers.get("connection", "").lower() == "close":
                self._drop(parts.scheme, parts.netloc)
            return answer

    @staticmethod
    def _exchange(connection, method, target, headers, body) -> Answer:
        connection.request(method, target, body=body() if callable(body) else body, headers=headers)
        response = connection.getresponse()
        return Answer(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=response.read(),
        )

    def _connection(self, scheme, netloc):
        pool = self._pool()
        key = (scheme, netloc)
        if key not in pool:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            pool[key] = kind(netloc, timeout=self.timeout)
        return pool[key]

    def _drop(self, scheme, netloc):
        connection = self._pool().pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def _pool(self) -> dict:
        if not hasattr(self._local, "connections"):
            self._local.connections = {}
        return self._local.connections

    def close(self):
        """Closes this thread's connections (the others close as their threads end)."""
        for connection in self._pool().values():
            connection.close()
        self._pool().clear()

"""The few calls of the store's HTTP API (v1) that a crawler needs, as plain functions over JSON."""

import json
from urllib.parse import quote, urlencode

from .http_session import HttpSession
from .location import StoreLocation

USER_AGENT = "artifact-store-scrapy/0.1"


class ArtifactStoreError(Exception):
    """An error answer of the API: ``status``, ``code`` and ``message`` as it sent them."""

    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class ArtifactStoreApi:
    def __init__(self, location: StoreLocation, session: HttpSession | None = None):
        self.location = location
        self.session = session or HttpSession()

    # Uploads -------------------------------------------------------------------------------------

    def create_upload(self, body: dict) -> dict:
        """Opens an upload (or answers ``{"deduplicated": true, "artifact"}``). Not repeated on 5xx:
        a second open would leave the first pending until it expires."""
        return self._call("POST", "/v1/uploads", body, retry=False)

    def sign_parts(self, upload_id: str, parts: list) -> dict:
        return self._call("POST", f"/v1/uploads/{quote(upload_id)}/parts", {"parts": parts})

    def complete_upload(self, upload_id: str, sha256: str | None = None) -> dict:
        """Idempotent on the server's side, so repeated after a 5xx or a dropped connection."""
        body = {"sha256": sha256} if sha256 else {}
        return self._call("POST", f"/v1/uploads/{quote(upload_id)}/complete", body)

    def abort_upload(self, upload_id: str) -> None:
        self._call("DELETE", f"/v1/uploads/{quote(upload_id)}")

    def put_part(self, url: str, headers: dict, length: int, chunks) -> None:
        """PUTs ``length`` bytes (``chunks()`` yields them, afresh for each attempt) to a presigned URL
        with exactly the headers it was signed with."""
        sent = dict(headers)
        if not any(name.lower() == "content-length" for name in sent):
            sent["Content-Length"] = str(length)  # else http.client would send the chunks chunked
        answer = self.session.request("PUT", url, headers=sent, body=chunks)
        if answer.status >= 300:
            raise ArtifactStoreError(
                answer.status, "storage_refused_part", answer.body[:500].decode("utf-8", "replace")
            )

    # Artifacts -----------------------------------------------------------------------------------

    def search(self, **query) -> dict:
        """GET /v1/artifacts with the given filters (lists become comma-separated)."""
        params = {
            name: ",".join(value) if isinstance(value, (list, tuple)) else value
            for name, value in query.items()
            if value is not None
        }
        return self._call("GET", f"/v1/artifacts?{urlencode(params)}")

    def update_artifact(self, artifact_id: str, body: dict) -> dict:
        return self._call("PATCH", f"/v1/artifacts/{quote(artifact_id)}", body)

    def download_link(self, artifact_id: str) -> str:
        return self._call("GET", f"/v1/artifacts/{quote(artifact_id)}/download?redirect=false")["url"]

    # ---------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body=None, retry=True):
        headers = {
            "Authorization": f"Bearer {self.location.token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        answer = self.session.request(
            method, f"{self.location.base_url}{path}", headers=headers, body=payload, retry=retry
        )
        parsed = _json_or_none(answer.body)
        if answer.status >= 400:
            error = (parsed or {}).get("error", {}) if isinstance(parsed, dict) else {}
            raise ArtifactStoreError(
                answer.status,
                error.get("code", "http_error"),
                error.get("message", answer.body[:300].decode("utf-8", "replace")),
                error.get("details"),
            )
        return parsed


def _json_or_none(body: bytes):
    try:
        return json.loads(body) if body else None
    except ValueError:  # a proxy's HTML error page, say
        return None

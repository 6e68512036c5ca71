"""A stand-in for the store's API and its presigned storage, in-process, for the unit tests.

It keeps to the contract the adapter relies on (packages/api/src/schemas.ts): uploads declare
size and SHA-256, part URLs are signed only with each part's checksums, storage refuses bytes
whose MD5 is not the signed one, completion checks size and SHA-256. The real store is exercised
by test/scrapy.test.ts.
"""

import base64
import hashlib
import json
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error_body(code, message):
    return {"error": {"code": code, "message": message, "requestId": "r"}}


class FakeStore:
    def __init__(self, *, part_size=1024 * 1024, single_threshold=1024 * 1024, algorithms=("md5",)):
        self.part_size = part_size
        self.single_threshold = single_threshold
        self.algorithms = list(algorithms)
        self.token = "test-token"
        self.uploads = {}
        self.artifacts = {}
        #: (method, path) of every request, in order.
        self.requests = []
        #: Part numbers whose next PUT is answered 400 BadDigest, as if damaged on the way.
        self.damage_next_put = set()
        #: Part numbers whose PUTs are always refused.
        self.refuse_puts = set()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method, prefix=""):
        return [path for m, path in self.requests if m == method and path.startswith(prefix)]

    # API ------------------------------------------------------------------------------------------

    def create(self, body):
        if body.get("sha256") and body.get("dedupe", True):
            for artifact in self.artifacts.values():
                if artifact["sha256"] == body["sha256"] and artifact["size"] == body["size"]:
                    view = self.view(artifact)
                    return 200, {"deduplicated": True, "artifactId": artifact["id"], "artifact": view}
        size = body["size"]
        single = size < self.single_threshold
        part_size = size if single else self.part_size
        part_count = 1 if single else -(-size // part_size)
        upload_id = str(uuid.uuid4())
        self.uploads[upload_id] = {
            "id": upload_id,
            "body": body,
            "partSize": part_size,
            "partCount": part_count,
            "checksums": {},
            "parts": {},
            "state": "open",
        }
        parts = []
        if single and body.get("md5") and self.algorithms == ["md5"]:
            parts = self.sign(upload_id, [{"partNumber": 1, "md5": body["md5"]}])
        return 201, {
            "deduplicated": False,
            "uploadId": upload_id,
            "artifactId": str(uuid.uuid4()),
            "mode": "single" if single else "multipart",
            "partSize": part_size,
            "partCount": part_count,
            "checksums": {"algorithms": self.algorithms, "required": True},
            "parts": parts,
            "expiresAt": now_iso(),
        }

    def sign(self, upload_id, checksums):
        upload = self.uploads[upload_id]
        signed = []
        for checksum in checksums:
            missing = [name for name in self.algorithms if name not in checksum]
            if missing:
                raise ValueError(f"part_checksum_required: {missing}")
            number = checksum["partNumber"]
            upload["checksums"][number] = checksum
            headers = {"content-type": upload["body"]["contentType"], "content-md5": checksum["md5"]}
            if "sha256" in checksum:
                headers["x-amz-checksum-sha256"] = checksum["sha256"]
            signed.append(
                {
                    "partNumber": number,
                    "url": f"{self.url}/storage/{upload_id}/{number}?X-Amz-Signature=fake",
                    "method": "PUT",
                    "headers": headers,
                }
            )
        return signed

    def put(self, upload_id, number, headers, data):
        upload = self.uploads[upload_id]
        if number in self.refuse_puts:
            return 403, b"<Error><Code>AccessDenied</Code></Error>"
        if number in self.damage_next_put:
            self.damage_next_put.discard(number)
            return 400, b"<Error><Code>BadDigest</Code></Error>"
        checksum = upload["checksums"].get(number)
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        if not checksum or headers.get("content-md5") != checksum["md5"] or md5 != checksum["md5"]:
            return 400, b"<Error><Code>BadDigest</Code></Error>"
        upload["parts"][number] = data
        return 200, b""

    def complete(self, upload_id):
        upload = self.uploads[upload_id]
        data = b"".join(upload["parts"][n] for n in sorted(upload["parts"]))
        body = upload["body"]
        if len(data) != body["size"] or hashlib.sha256(data).hexdigest() != body["sha256"]:
            return 409, error_body("size_or_sha256_mismatch", "")
        upload["state"] = "completed"
        artifact = {
            "id": str(uuid.uuid4()),
            "filename": body["filename"],
            "contentType": body["contentType"],
            "size": body["size"],
            "sha256": body["sha256"],
            "tags": sorted(set(body.get("tags", []))),
            "metadata": body.get("metadata", {}),
            "provenance": body.get("provenance"),
            "state": "verified",
            "createdAt": now_iso(),
            "bytes": data,
        }
        self.artifacts[artifact["id"]] = artifact
        return 200, self.view(artifact)

    def search(self, query):
        tags = set(query.get("tags", [""])[0].split(",")) - {""}
        found = [self.view(a) for a in reversed(list(self.artifacts.values())) if tags <= set(a["tags"])]
        return 200, {"artifacts": found[: int(query.get("limit", ["50"])[0])], "nextCursor": None}

    def update(self, artifact_id, body):
        artifact = self.artifacts[artifact_id]
        artifact["tags"] = sorted(set(artifact["tags"]) | set(body.get("tags", {}).get("add", [])))
        if "metadata" in body:
            artifact["metadata"] = body["metadata"]
        return 200, self.view(artifact)

    @staticmethod
    def view(artifact):
        return {name: value for name, value in artifact.items() if name != "bytes"}

    # HTTP -----------------------------------------------------------------------------------------

    def _handler(self):
        store = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length)

            def _route(self, method):
                parts = urlsplit(self.path)
                data = self._body()
                with store.lock:
                    store.requests.append((method, parts.path))
                    if parts.path.startswith("/storage/"):
                        _, _, upload_id, number = parts.path.split("/")
                        headers = {name.lower(): value for name, value in self.headers.items()}
                        return self._answer(*store.put(upload_id, int(number), headers, data))
                    if self.headers.get("Authorization") != f"Bearer {store.token}":
                        return self._answer(401, error_body("unauthenticated", ""))
                    body = json.loads(data) if data else {}
                    segments = parts.path.strip("/").split("/")
                    try:
                        if method == "POST" and segments == ["v1", "uploads"]:
                            return self._answer(*store.create(body))
                        if method == "POST" and segments[3:] == ["parts"]:
                            signed = store.sign(segments[2], body["parts"])
                            answer = {"uploadId": segments[2], "parts": signed, "expiresAt": now_iso()}
                            return self._answer(200, answer)
                        if method == "POST" and segments[3:] == ["complete"]:
                            return self._answer(*store.complete(segments[2]))
                        if method == "DELETE" and segments[:2] == ["v1", "uploads"]:
                            store.uploads[segments[2]]["state"] = "aborted"
                            return self._answer(204, b"")
                        if method == "GET" and segments == ["v1", "artifacts"]:
                            return self._answer(*store.search(parse_qs(parts.query)))
                        if method == "PATCH" and segments[:2] == ["v1", "artifacts"]:
                            return self._answer(*store.update(segments[2], body))
                    except ValueError as error:
                        return self._answer(400, error_body("invalid", str(error)))
                    return self._answer(404, error_body("not_found", self.path))

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PUT(self):
                self._route("PUT")

            def do_PATCH(self):
                self._route("PATCH")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler

"""A real Cloud Storage endpoint for the tests: gcp-storage-emulator in memory on 127.0.0.1."""

from __future__ import annotations

import http.client
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from gcp_storage_emulator.server import create_server
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

#: Environment variables that would point the library at real credentials or another endpoint.
_FOREIGN = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_PROJECT",
    "API_ENDPOINT_OVERRIDE",
    "DOTFLOW_GCS_BUCKET",
    "DOTFLOW_GCS_PREFIX",
)


@pytest.fixture(scope="session")
def gcs_server() -> Iterator[object]:
    """The emulator (one request at a time, metadata rewritten on every write)."""
    logging.getLogger("gcp_storage_emulator").setLevel(logging.ERROR)
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def gcs_endpoint(gcs_server) -> Iterator[str]:
    """The emulator's URL, exported as ``STORAGE_EMULATOR_HOST`` for the session."""
    host, port = gcs_server._api._httpd.server_address[:2]
    url = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name in _FOREIGN:
            patch.delenv(name, raising=False)
        patch.setenv("STORAGE_EMULATOR_HOST", url)
        patch.setenv("NO_GCE_CHECK", "true")
        yield url


@pytest.fixture(scope="session")
def gcs_client(gcs_endpoint: str) -> storage.Client:
    """A plain client on the emulator, to set up and inspect buckets."""
    return storage.Client(project="test", credentials=AnonymousCredentials())


@pytest.fixture(scope="session")
def gcs_bucket(gcs_client: storage.Client) -> str:
    """A bucket shared by the session (tests use their own workflow ids inside it)."""
    name = f"dotflow-{uuid.uuid4().hex[:10]}"
    gcs_client.create_bucket(name)
    return name


@pytest.fixture(autouse=True)
def _emptied(request) -> Iterator[None]:
    """Empty the emulator after each test: it rewrites all its metadata on every write."""
    yield
    if "gcs_server" in request.fixturenames:
        request.getfixturevalue("gcs_server").wipe(keep_buckets=True)


@pytest.fixture
def gcs_env(gcs_endpoint: str, gcs_bucket: str) -> dict[str, str]:
    """The environment a subprocess needs: the emulator and the bucket, no Google credentials."""
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
    env["STORAGE_EMULATOR_HOST"] = gcs_endpoint
    env["NO_GCE_CHECK"] = "true"
    env["DOTFLOW_GCS_BUCKET"] = gcs_bucket
    return env


class FaultProxy:
    """An HTTP proxy in front of the emulator that answers chosen requests with an error.

    ``status=0`` closes the connection without an answer (a connection reset).
    """

    def __init__(self, upstream: str) -> None:
        self.failures: list[tuple[int, str]] = []
        self.seen: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        target = urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status = proxy._failure_for(self.path)
                if status == 0:
                    proxy._record(self.command, 0)
                    self.close_connection = True
                    return
                if status is not None:
                    payload = (
                        f'{{"error": {{"code": {status}, "message": "injected by the test"}}}}'
                    ).encode()
                    headers = [("Content-Type", "application/json")]
                else:
                    connection = http.client.HTTPConnection(
                        target.hostname, target.port, timeout=30
                    )
                    forwarded = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                    connection.request(self.command, self.path, body=body, headers=forwarded)
                    answer = connection.getresponse()
                    payload = answer.read()
                    status = answer.status
                    headers = [
                        (k, v)
                        for k, v in answer.getheaders()
                        if k.lower() not in ("content-length", "transfer-encoding", "connection")
                    ]
                    connection.close()
                proxy._record(self.command, status)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _record(self, method: str, status: int) -> None:
        # Recorded before the answer is sent, so the order is the order the client saw.
        with self._lock:
            self.seen.append((method, status))

    def _failure_for(self, path: str) -> int | None:
        with self._lock:
            for i, (status, match) in enumerate(self.failures):
                if match in path:
                    del self.failures[i]
                    return status
        return None

    def fail_next(self, count: int, status: int = 503, match: str = "") -> None:
        """Answer the next ``count`` requests whose path contains ``match`` with ``status``.

        The library also fetches bucket metadata on its own (and tolerates failures there), so
        tests aim failures at the requests they mean with ``match``.
        """
        with self._lock:
            if not self.failures:
                self.seen.clear()
            self.failures.extend([(status, match)] * count)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fault_proxy(gcs_endpoint: str, monkeypatch) -> Iterator[FaultProxy]:
    """A proxy to the emulator that can inject errors; ``STORAGE_EMULATOR_HOST`` points at it."""
    proxy = FaultProxy(gcs_endpoint)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
    yield proxy
    proxy.close()

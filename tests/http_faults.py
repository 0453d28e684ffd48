"""An HTTP proxy for tests that answers chosen requests with an error instead of forwarding them.

The S3 and Cloud Storage tests put it in front of their emulators to check which failures the
SDKs retry and how the adapters report the rest.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

#: ``render(status, detail)`` -> the body and content type of an injected error answer.
Render = Callable[[int, str], tuple[bytes, str]]


class FaultProxy:
    """Forwards every request to ``upstream`` except those :meth:`fail_next` aims at.

    ``seen`` lists ``(method, status)`` of every answer in the order the client got them
    (status ``0``: the connection was closed without an answer).
    """

    def __init__(self, upstream: str, render: Render) -> None:
        self.failures: list[tuple[int, str, str]] = []  # (status, path match, detail)
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
                failure = proxy._failure_for(self.path)
                if failure is not None and failure[0] == 0:
                    proxy._record(self.command, 0)
                    self.close_connection = True
                    return
                if failure is not None:
                    status = failure[0]
                    payload, content_type = render(status, failure[2])
                    headers = [("Content-Type", content_type)]
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

    def _failure_for(self, path: str) -> tuple[int, str, str] | None:
        with self._lock:
            for i, failure in enumerate(self.failures):
                if failure[1] in path:
                    del self.failures[i]
                    return failure
        return None

    def fail_next(
        self, count: int, status: int = 503, detail: str = "", *, match: str = ""
    ) -> None:
        """Answer the next ``count`` requests whose path contains ``match`` with ``status``.

        ``detail`` goes to the error body (an S3 error code, say); ``status=0`` closes the
        connection without an answer (a connection reset). Clears ``seen`` when nothing was
        pending, so ``seen`` starts with the requests the failures are for.
        """
        with self._lock:
            if not self.failures:
                self.seen.clear()
            self.failures.extend([(status, match, detail)] * count)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

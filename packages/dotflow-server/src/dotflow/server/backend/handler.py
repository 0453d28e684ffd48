"""The reference backend's HTTP handler: four write endpoints, a few read ones."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from dotflow.server.backend.faults import Faults
from dotflow.server.backend.store import Store

__all__ = ["BackendHTTPServer", "BackendHandler"]

logger = logging.getLogger(__name__)


class BackendHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server holding the store, the token and the faults."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], store: Store, token: str | None, faults: Faults
    ) -> None:
        super().__init__(address, BackendHandler)
        self.store = store
        self.token = token
        self.faults = faults
        self.requests_lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []

    def record(self, method: str, path: str, authorized: bool) -> None:
        """Remember that a request arrived (whatever became of it)."""
        with self.requests_lock:
            self.requests.append({"method": method, "path": path, "authorized": authorized})


class BackendHandler(BaseHTTPRequestHandler):
    """Handles one connection (HTTP/1.1 keep-alive)."""

    protocol_version = "HTTP/1.1"
    # Without it, a keep-alive reply waits ~40 ms on loopback (Nagle + delayed ACK).
    disable_nagle_algorithm = True
    server: BackendHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    def _reply(self, status: int, document: Any) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        given = self.headers.get("X-User-Token") or ""
        expected = self.server.token
        if expected is None:
            return bool(given)
        return hmac.compare_digest(given.encode(), expected.encode())

    def _parts(self) -> list[str]:
        return [unquote(part) for part in urlsplit(self.path).path.split("/") if part]

    def _write(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        authorized = self._authorized()
        self.server.record(self.command, urlsplit(self.path).path, authorized)
        fault = self.server.faults.take()
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.status is not None:
            self._reply(fault.status, {"error": "injected fault"})
            return
        if not authorized:
            self._reply(401, {"error": "missing or wrong X-User-Token"})
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            self._reply(400, {"error": "the body is not JSON"})
            return
        status, document = self.server.store.apply(
            self.command, self._parts(), body, self.headers.get("Idempotency-Key")
        )
        self._reply(status, document)

    do_POST = _write
    do_PATCH = _write

    def do_GET(self) -> None:
        parts = self._parts()
        store = self.server.store
        match parts:
            case [] | ["health"]:
                self._reply(200, {"status": "ok"})
            case ["workflows"]:
                self._reply(200, {"workflows": store.workflow_ids()})
            case ["workflows", wid]:
                workflow = store.workflow(wid)
                if workflow is None:
                    self._reply(404, {"error": f"no workflow {wid!r}"})
                else:
                    self._reply(200, workflow)
            case ["events"]:
                self._reply(200, {"events": store.events()})
            case _:
                self._reply(404, {"error": f"no endpoint GET {self.path}"})

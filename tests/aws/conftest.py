"""A real S3 endpoint for the tests: moto in server mode on 127.0.0.1, started once per session."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

#: Credentials moto accepts; set for the session so the standard chain finds them.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server, with AWS test credentials in the environment."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_ENV.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
            patch.delenv(name, raising=False)
        yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str):
    """A plain boto3 client on the moto server, to set up and inspect buckets."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def s3_bucket(s3_client) -> str:
    """A bucket shared by the session (tests use their own workflow ids inside it)."""
    name = f"dotflow-{uuid.uuid4().hex[:10]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def aws_env(s3_endpoint: str, s3_bucket: str) -> dict[str, str]:
    """The environment a subprocess needs to reach the moto server through the standard chain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DOTFLOW_"))}
    env.update(AWS_ENV)
    env["AWS_ENDPOINT_URL"] = s3_endpoint
    env["DOTFLOW_S3_BUCKET"] = s3_bucket
    return env


class FaultProxy:
    """An HTTP proxy in front of the S3 server that answers the next requests with an error.

    Used to check that transient errors (5xx, throttling) are retried by the SDK's retry settings.
    """

    def __init__(self, upstream: str) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

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
                with proxy._lock:
                    failure = proxy.failures.pop(0) if proxy.failures else None
                if failure is not None and failure[0] == 0:
                    proxy._record(self.command, 0)
                    self.close_connection = True
                elif failure is not None:
                    status, code = failure
                    proxy._record(self.command, status)
                    payload = (
                        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
                        f"<Message>injected by the test</Message></Error>"
                    ).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                else:
                    connection = http.client.HTTPConnection(
                        target.hostname, target.port, timeout=30
                    )
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    payload = answer.read()
                    proxy._record(self.command, answer.status)
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in (
                            "content-length",
                            "transfer-encoding",
                            "connection",
                        ):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                    connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

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

    def fail_next(self, count: int, status: int = 503, code: str = "SlowDown") -> None:
        """Answer the next ``count`` requests with ``status`` / ``code`` instead of forwarding.

        ``status=0`` closes the connection without an answer (a connection reset).
        """
        with self._lock:
            if not self.failures:
                self.seen.clear()
            self.failures.extend([(status, code)] * count)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fault_proxy(s3_endpoint: str) -> Iterator[FaultProxy]:
    """A proxy to the moto server that can inject transient errors."""
    proxy = FaultProxy(s3_endpoint)
    yield proxy
    proxy.close()

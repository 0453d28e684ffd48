"""A real Cloud Storage endpoint for the tests: gcp-storage-emulator in memory on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest
from gcp_storage_emulator.server import create_server
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from http_faults import FaultProxy

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


def _gcs_error(status: int, detail: str) -> tuple[bytes, str]:
    payload = f'{{"error": {{"code": {status}, "message": "injected by the test"}}}}'.encode()
    return payload, "application/json"


@pytest.fixture
def fault_proxy(gcs_endpoint: str, monkeypatch) -> Iterator[FaultProxy]:
    """A proxy to the emulator that can inject errors; ``STORAGE_EMULATOR_HOST`` points at it."""
    proxy = FaultProxy(gcs_endpoint, _gcs_error)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
    yield proxy
    proxy.close()

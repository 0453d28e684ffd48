"""A real Dask cluster shared by the whole session, and recording adapters."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

HERE = Path(__file__).resolve().parent

# The step modules of these tests live in this folder. Put it on sys.path before the cluster
# starts: worker processes are spawned, and spawn hands them the parent's sys.path, so the
# workers import `dask_steps` exactly as the client does.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from dask_recorders import RecordingNotify, RecordingServer  # noqa: E402 - needs the path above


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[LocalCluster]:
    """Two single-threaded worker processes. A task whose worker dies is rerun once, then fails."""
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"allowed_failures": 1, "dashboard_address": ":0"},
    )
    try:
        yield cluster
    finally:
        from dotflow.dask import ExecutionDask

        # dotflow keeps its connection to an address for later runs: close it before the
        # cluster, or it keeps trying to reconnect until the interpreter exits.
        ExecutionDask(cluster.scheduler_address).close()
        cluster.close()


@pytest.fixture
def dask_address(dask_cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared cluster's address, also in DOTFLOW_DASK_ADDRESS so `mode="dask"` uses it."""
    address = dask_cluster.scheduler_address
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", address)
    return address


@pytest.fixture
def dask_client(dask_address: str) -> Iterator[Client]:
    """A client of the shared cluster, for the tests that look at the workers themselves."""
    client = Client(dask_address, set_as_default=False)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def notify() -> RecordingNotify:
    return RecordingNotify()


@pytest.fixture
def server() -> RecordingServer:
    return RecordingServer()

"""Connecting to a Dask scheduler, or starting a local cluster for one run."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
from collections.abc import Iterator
from typing import Any

from distributed import Client, LocalCluster

from dotflow.dask.errors import DaskConnectionError

__all__ = ["connect"]

logger = logging.getLogger(__name__)

_GUARD_HINT = (
    "if your script starts the workflow when it is imported, put that code under "
    '`if __name__ == "__main__":` (Dask\'s worker processes import the script again)'
)


@contextlib.contextmanager
def connect(
    address: str | None,
    timeout: float,
    cluster_options: dict[str, Any],
) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a local cluster started for the block.

    Args:
        address: the scheduler's address (``tcp://host:8786``); ``None`` starts a
            ``LocalCluster`` of worker processes sized to this machine, closed on exit.
        timeout: seconds to wait for the scheduler.
        cluster_options: extra ``LocalCluster`` arguments (``n_workers``, ``threads_per_worker``).
    """
    cluster: LocalCluster | None = None
    if address is None:
        if getattr(multiprocessing.current_process(), "_inheriting", False):
            # A worker process started with "spawn" re-imports the user's script: without the
            # __main__ guard, the script would start a cluster from inside every worker.
            raise DaskConnectionError(None, _GUARD_HINT)
        options = {
            "processes": True,
            "dashboard_address": None,
            # No dashboard, and the scheduler's small HTTP server on a free port rather than
            # 8787, which another cluster on this machine may hold.
            "scheduler_kwargs": {"dashboard_address": ":0"},
            **cluster_options,
        }
        logger.debug("starting a local Dask cluster %s", options)
        try:
            cluster = LocalCluster(**options)
        except Exception as error:
            reason = f"{type(error).__name__}: {error}; {_GUARD_HINT}"
            raise DaskConnectionError(None, reason) from error
        target: Any = cluster
    else:
        target = address
    try:
        try:
            client = Client(target, timeout=timeout, set_as_default=False)
        except Exception as error:
            raise DaskConnectionError(address, f"{type(error).__name__}: {error}") from error
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()

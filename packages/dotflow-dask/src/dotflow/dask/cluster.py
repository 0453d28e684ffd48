"""The clients (and local clusters) dotflow opens, shared by every run of the process.

A ``LocalCluster`` takes a second or more to start, and a client a round trip or two to connect:
both are opened on the first run that needs them and reused by the later runs of the process
(``mode="dask"`` builds a new ``ExecutionDask`` on every ``start()``, so they are kept here, by
cluster settings or address). They are closed at interpreter exit, or earlier by
``ExecutionDask.close()``. Only what dotflow opened is ever closed: a scheduler named by an
address keeps running (only dotflow's connection to it is closed), and a user's own ``Client``
never enters this module.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from typing import Any

from distributed import Client, LocalCluster

from dotflow.dask.errors import DaskConnectionError

__all__ = ["close_all", "close_owned", "shared_client"]

logger = logging.getLogger(__name__)

_GUARD_HINT = (
    "if your script starts the workflow when it is imported, put that code under "
    '`if __name__ == "__main__":` (Dask\'s worker processes import the script again)'
)
_CLOSE_TIMEOUT = 10  # seconds; a scheduler that went away must not hold up the exit

#: ``("address", "tcp://...")`` or ``("local", ((option, value), ...))``
Key = tuple[str, Any]


@dataclass
class _Owned:
    """A client dotflow opened, and the local cluster it started for it (if any)."""

    client: Client
    cluster: LocalCluster | None

    def alive(self) -> bool:
        if self.client.status != "running":
            return False
        return self.cluster is None or self.cluster.status.name == "running"

    def close(self) -> None:
        # The client first: closing the cluster under a connected client makes it log errors.
        try:
            self.client.close(timeout=_CLOSE_TIMEOUT)
        except Exception:
            logger.debug("closing the Dask client failed", exc_info=True)
        if self.cluster is not None:
            logger.debug("closing the local Dask cluster %s", self.cluster.scheduler_address)
            try:
                self.cluster.close(timeout=_CLOSE_TIMEOUT)
            except Exception:
                logger.debug("closing the local Dask cluster failed", exc_info=True)


_lock = threading.Lock()
_owned: dict[Key, _Owned] = {}
_state = {"pid": os.getpid(), "atexit": False}


def key_for(address: str | None, cluster_options: dict[str, Any]) -> Key:
    """Where ``ExecutionDask``'s settings point: an address, or a local cluster's options."""
    if address is not None:
        return ("address", address)
    return ("local", tuple(sorted(cluster_options.items())))


def shared_client(address: str | None, timeout: float, cluster_options: dict[str, Any]) -> Client:
    """A connected client of the scheduler at ``address``, or of dotflow's local cluster.

    Opened on first use, then reused while it stays connected.

    Args:
        address: the scheduler's address (``tcp://host:8786``); ``None`` for a
            ``LocalCluster`` of worker processes sized to this machine (or by the options).
        timeout: seconds to wait for the scheduler.
        cluster_options: extra ``LocalCluster`` arguments (``n_workers``, ``threads_per_worker``).

    Raises:
        DaskConnectionError: the scheduler does not answer, or the cluster does not start.
    """
    key = key_for(address, cluster_options)
    with _lock:
        _forget_after_fork()
        owned = _owned.get(key)
        if owned is not None:
            if owned.alive():
                return owned.client
            logger.debug("the Dask client of %s is %s: reconnecting", key, owned.client.status)
            del _owned[key]
            owned.close()
        owned = _open(address, timeout, cluster_options)
        _owned[key] = owned
        if not _state["atexit"]:
            # Registered after distributed's own exit hooks, so it runs before them.
            atexit.register(close_all)
            _state["atexit"] = True
        return owned.client


def close_owned(key: Key) -> bool:
    """Close the client (and local cluster) dotflow opened for ``key``; ``False`` if none."""
    with _lock:
        _forget_after_fork()
        owned = _owned.pop(key, None)
    if owned is None:
        return False
    owned.close()
    return True


def close_all() -> None:
    """Close every client and local cluster dotflow opened (run at interpreter exit)."""
    with _lock:
        _forget_after_fork()
        everything = list(_owned.values())
        _owned.clear()
    for owned in everything:
        owned.close()


def _forget_after_fork() -> None:
    # A forked child shares the parent's sockets: it must neither use nor close them.
    if _state["pid"] != os.getpid():
        _owned.clear()
        _state["pid"] = os.getpid()


def _open(address: str | None, timeout: float, cluster_options: dict[str, Any]) -> _Owned:
    cluster: LocalCluster | None = None
    target: Any = address
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
        target = cluster
    try:
        client = Client(target, timeout=timeout, set_as_default=False)
    except Exception as error:
        if cluster is not None:
            cluster.close()
        raise DaskConnectionError(address, f"{type(error).__name__}: {error}") from error
    return _Owned(client, cluster)

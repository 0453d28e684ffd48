"""ExecutionDask: the ``dask`` execution mode, registered in ``dotflow.execution``.

Workers only compute: each task's step runs on a Dask worker through :func:`run_task`, and the
client (the process that called ``start()``) does the rest through the Runtime: checkpoints,
status changes, storage, callbacks. Events therefore reach notify, log and server once, from one
process, in the same order as in the local modes. How the run is driven is in :mod:`.driver`.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from dotflow.abc.execution import Execution
from dotflow.dask.cluster import close_all, close_owned, key_for, shared_client
from dotflow.dask.driver import Driver
from dotflow.dask.shipping import step_payload

if TYPE_CHECKING:
    from types import TracebackType

    from distributed import Client

    from dotflow.abc import Runtime
    from dotflow.spi.model import Task

__all__ = ["ADDRESS_ENV", "ExecutionDask"]

logger = logging.getLogger(__name__)

#: The environment variable naming the scheduler to use when no address is given.
ADDRESS_ENV = "DOTFLOW_DASK_ADDRESS"


class ExecutionDask(Execution):
    """Runs task groups as Dask tasks on a cluster.

    Args:
        address: the scheduler to use (``tcp://host:8786``). When ``None`` (and no ``client``),
            the ``DOTFLOW_DASK_ADDRESS`` environment variable is read; when that is unset or
            empty, a ``LocalCluster`` of worker processes is started on the first run and
            reused by the later runs of the process, until :meth:`close` or exit.
        client: a ``distributed.Client`` of your own to run on; dotflow never closes it.
        timeout: seconds to wait for the scheduler to answer.
        n_workers: workers of the local cluster (default: sized to the machine).
        threads_per_worker: threads per worker of the local cluster (default: sized to the
            machine).

    Use it as a context manager (``with ExecutionDask() as dask: workflow.start(mode=dask)``)
    to close dotflow's local cluster, or its connection to ``address``, when the block ends.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Client | None = None,
        timeout: float = 30,
        n_workers: int | None = None,
        threads_per_worker: int | None = None,
    ) -> None:
        self.cluster_options: dict[str, Any] = {}
        if n_workers is not None:
            self.cluster_options["n_workers"] = n_workers
        if threads_per_worker is not None:
            self.cluster_options["threads_per_worker"] = threads_per_worker
        if client is not None and (address is not None or self.cluster_options):
            msg = (
                "ExecutionDask(client=...) runs on that client's cluster: leave out address, "
                "n_workers and threads_per_worker"
            )
            raise ValueError(msg)
        if address is None and client is None:
            address = os.environ.get(ADDRESS_ENV, "").strip() or None
        if address is not None and self.cluster_options:
            msg = (
                f"n_workers and threads_per_worker size a local cluster; the scheduler at "
                f"{address!r} has its own workers (unset {ADDRESS_ENV} to start a local cluster)"
            )
            raise ValueError(msg)
        self.address = address
        self.client = client
        self.timeout = timeout

    def __repr__(self) -> str:
        if self.client is not None:
            scheduler = self.client.scheduler
            return f"<ExecutionDask client {scheduler.address if scheduler else 'closed'}>"
        return f"<ExecutionDask {self.address or 'local cluster'}>"

    def __enter__(self) -> ExecutionDask:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close what dotflow opened for these settings: the local cluster, or the connection.

        The local cluster dotflow started (and its workers) stop; for an ``address``, only
        dotflow's connection closes and the scheduler keeps running; a ``client`` you passed is
        left alone. The next run opens them again. Closing twice is harmless.
        """
        if self.client is None:
            close_owned(key_for(self.address, self.cluster_options))

    @staticmethod
    def close_all() -> None:
        """Close every local cluster and connection dotflow opened in this process.

        Runs by itself at interpreter exit.
        """
        close_all()

    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        """Run every group on the cluster; tasks are updated in place."""
        # Fail before anything is submitted (or a cluster started) if a step cannot be sent;
        # each distinct step is converted once.
        payloads = {}
        for group in groups:
            for task in group:
                if id(task.step) not in payloads:
                    payloads[id(task.step)] = step_payload(task.step)
        client = self.client
        if client is None:
            client = shared_client(self.address, self.timeout, self.cluster_options)
        Driver(client, runtime, payloads).run(groups)

"""ExecutionDask: the ``dask`` execution mode, registered in ``dotflow.execution``.

Workers only compute: each task's step runs on a Dask worker through :func:`run_task`, and the
client (the process that called ``start()``) does the rest through the Runtime: checkpoints,
status changes, storage, callbacks. Events therefore reach notify, log and server once, from one
process, in the same order as in the local modes.

The client drives every group: it submits a group's first task, and when that task's future is
done it applies the outcome and submits the next task of the group with the finished task's
context as ``previous_context``. Groups run concurrently; the tasks of one group in order.

Retries: a worker announces each retried attempt as a Dask event (on ``RETRY_TOPIC``, with the
task's Dask key, unique to the run), and the client turns each into a Retry transition as it
arrives. When a task finishes, any retry
whose event has not arrived yet (events and results travel separately) is reported then, before
the final status, so a task always shows exactly ``retry_count`` Retry events before it ends.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distributed import KilledWorker

from dotflow.abc.execution import Execution
from dotflow.core.context import Context
from dotflow.core.types.status import TypeStatus
from dotflow.dask.cluster import connect
from dotflow.dask.errors import WorkerLostError
from dotflow.dask.importable import step_reference
from dotflow.dask.worker import run_task

if TYPE_CHECKING:
    from collections.abc import Iterator

    from distributed import Client, Future

    from dotflow.core.engine import Runtime
    from dotflow.core.task import Task

__all__ = ["ADDRESS_ENV", "ExecutionDask"]

logger = logging.getLogger(__name__)

#: The environment variable naming the scheduler to use when no address is given.
ADDRESS_ENV = "DOTFLOW_DASK_ADDRESS"

#: The Dask event topic on which workers announce retried attempts (the message is the task's
#: Dask key, unique to one run). One fixed topic keeps the scheduler's event log bounded.
RETRY_TOPIC = "dotflow-retry"

_DONE = "done"
_RETRY = "retry"
_POLL = 1.0  # seconds between checks that the client is still connected


class ExecutionDask(Execution):
    """Runs task groups as Dask tasks on a cluster.

    Args:
        address: the scheduler to use (``tcp://host:8786``). When ``None``, the
            ``DOTFLOW_DASK_ADDRESS`` environment variable is read; when that is unset or empty,
            a ``LocalCluster`` of worker processes sized to this machine is started for the run
            and closed after it.
        timeout: seconds to wait for the scheduler to answer.
        n_workers: workers of the local cluster (default: sized to the machine).
        threads_per_worker: threads per worker of the local cluster (default: sized to the
            machine).
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        timeout: float = 30,
        n_workers: int | None = None,
        threads_per_worker: int | None = None,
    ) -> None:
        if address is None:
            address = os.environ.get(ADDRESS_ENV, "").strip() or None
        self.address = address
        self.timeout = timeout
        self.cluster_options: dict[str, Any] = {}
        if n_workers is not None:
            self.cluster_options["n_workers"] = n_workers
        if threads_per_worker is not None:
            self.cluster_options["threads_per_worker"] = threads_per_worker

    def __repr__(self) -> str:
        return f"<ExecutionDask {self.address or 'local cluster'}>"

    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        """Run every group on the cluster; tasks are updated in place."""
        # Fail before anything is submitted (or a cluster started) if a step cannot be imported.
        steps = {id(task.step): task.step for group in groups for task in group}
        references = {key: step_reference(step) for key, step in steps.items()}
        with connect(self.address, self.timeout, self.cluster_options) as client:
            _Driver(client, runtime, references).run(groups)


@dataclass
class _Running:
    """A task submitted to the cluster, with the rest of its group."""

    task: Task
    future: Future[Any]
    rest: Iterator[Task]
    retries_reported: int = 0


class _Driver:
    """Drives the groups of one run from the client: submit, wait, apply, submit the next."""

    def __init__(self, client: Client, runtime: Runtime, references: dict[int, str]) -> None:
        self.client = client
        self.runtime = runtime
        self.references = references
        self.run_id = uuid.uuid4().hex
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.running: dict[str, _Running] = {}  # by Dask key
        self.submitted = 0

    def run(self, groups: list[list[Task]]) -> None:
        self.client.subscribe_topic(RETRY_TOPIC, self._on_retry_event)
        try:
            for group in groups:
                self._advance(iter(group), Context())
            while self.running:
                try:
                    kind, key = self.events.get(timeout=_POLL)
                except queue.Empty:
                    self._check_connected()
                    continue
                running = self.running.get(key)
                if running is None:
                    continue  # another run's retry, or a late one of a task already finished
                if kind == _RETRY:
                    running.retries_reported += 1
                    self.runtime.transition(running.task, TypeStatus.RETRY)
                else:
                    self._finish(key)
        finally:
            for running in self.running.values():
                running.future.cancel()
            try:
                self.client.unsubscribe_topic(RETRY_TOPIC)
            except Exception:  # the client may be closed already
                logger.debug("unsubscribing from %s failed", RETRY_TOPIC, exc_info=True)

    def _advance(self, rest: Iterator[Task], previous: Context) -> None:
        """Submit the next task of a group, skipping those restored from a checkpoint."""
        runtime = self.runtime
        for task in rest:
            if runtime.stopped.is_set():
                return
            if runtime.restore(task):
                previous = task.current_context
                continue
            runtime.begin(task, previous)
            self.submitted += 1
            key = f"dotflow-{task.task_id}-{self.run_id}-{self.submitted}"
            try:
                future = self.client.submit(
                    run_task,
                    self.references[id(task.step)],
                    task.task_id,
                    task.workflow_id,
                    task.group_name,
                    task.initial_context,
                    previous,
                    RETRY_TOPIC,
                    key,
                    key=key,
                    pure=False,
                )
            except Exception as error:  # e.g. a context that cannot be serialised
                runtime.fail(task, error)
                previous = task.current_context
                continue
            self.running[key] = _Running(task, future, rest)
            future.add_done_callback(lambda _, key=key: self.events.put((_DONE, key)))
            return

    def _finish(self, key: str) -> None:
        running = self.running.pop(key)
        task, future, runtime = running.task, running.future, self.runtime
        if future.status == "finished":
            try:
                outcome = pickle.loads(future.result())
            except Exception as error:
                runtime.fail(task, TypeError(f"the worker's result could not be read: {error}"))
            else:
                # Retries whose events have not arrived yet, so that every retry is reported
                # exactly once and before the final status.
                for _ in range(outcome.retries - running.retries_reported):
                    runtime.transition(task, TypeStatus.RETRY)
                runtime.finish(task, outcome)
        else:
            runtime.fail(task, _future_error(future))
        future.release()
        self._advance(running.rest, task.current_context)

    def _on_retry_event(self, event: tuple[float, Any]) -> None:
        # Called in the client's event-loop thread: hand over to the driving thread.
        self.events.put((_RETRY, str(event[1])))

    def _check_connected(self) -> None:
        if self.client.status in ("running", "connecting", "newly-created"):
            return
        lost = ConnectionError(
            f"the connection to the Dask scheduler was lost (client {self.client.status})"
        )
        for key in list(self.running):
            running = self.running.pop(key)
            running.future.cancel()
            self.runtime.fail(running.task, lost)


def _future_error(future: Future[Any]) -> BaseException:
    """The error of a future that did not finish, as the task's failure."""
    if future.status == "cancelled":
        return RuntimeError(
            "the Dask scheduler cancelled this task (the client lost its connection, or the "
            "task was cancelled on the cluster)"
        )
    try:
        error = future.exception(timeout=_POLL)
    except Exception as failure:
        return failure
    if isinstance(error, KilledWorker):
        return WorkerLostError(str(error))
    if isinstance(error, ModuleNotFoundError) and (error.name or "").startswith("dotflow"):
        return ModuleNotFoundError(
            f"{error}; install dotflow-dask (and the modules of your steps) on every Dask worker",
            name=error.name,
        )
    return error if error is not None else RuntimeError(f"Dask task ended as {future.status}")

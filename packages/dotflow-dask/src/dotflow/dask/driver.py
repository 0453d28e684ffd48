"""Driving one run from the client: submit every group at once, apply outcomes in order.

Every group is submitted as one chain of Dask tasks before anything is awaited: each task
depends on the one before and takes its previous context from that task's outcome on the worker
(see :mod:`.worker`), so a group runs from task to task on the cluster, with no round trip to the
client between two tasks. The client applies the outcomes in each group's order as they arrive
(fetched in batches): the next task of a group is reported In progress when the task before it
has finished, as in ``sequential`` mode, whatever the workers have already done meanwhile.

Stopping: a failure without ``keep_going`` stops the run. The rest of that group does not
compute (each task sees its predecessor failed); the other groups are told through
:func:`.worker.stop_run` on every worker, after which only the tasks the client has reported In
progress compute. A task that already ran before the message arrived is reported as it ran.

Infrastructure failures (a killed worker, a cancelled task, a lost connection) fail the task
where they happen; Dask fails its dependents too, so with ``keep_going`` the rest of the group
is submitted again from there, with an empty previous context (as after any failed task).

Retries: a worker announces each retried attempt as a Dask event (on ``RETRY_TOPIC``, with the
task's Dask key, unique to the run); the client reports it as a Retry transition once the task is
In progress. A retry whose event has not arrived when its task finishes (events and results
travel separately) is reported then, before the final status.
"""

from __future__ import annotations

import logging
import pickle
import queue
import threading
import uuid
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from distributed import KilledWorker

from dotflow.dask.errors import WorkerLostError
from dotflow.dask.worker import SKIPPED, run_task, stop_run
from dotflow.spi.execution import Outcome
from dotflow.spi.model import Context, TypeStatus

if TYPE_CHECKING:
    from distributed import Client, Future

    from dotflow.abc import Runtime
    from dotflow.dask.shipping import StepPayload
    from dotflow.spi.model import Task

__all__ = ["RETRY_TOPIC", "Driver"]

logger = logging.getLogger(__name__)

#: The Dask event topic on which workers announce retried attempts (the message is the task's
#: Dask key). One fixed topic keeps the scheduler's event log bounded.
RETRY_TOPIC = "dotflow-retry"

_DONE = "done"
_RETRY = "retry"
_POLL = 1.0  # seconds between checks that the client is still connected


@dataclass
class _Link:
    """A task submitted to the cluster, and what came back for it."""

    key: str
    future: Future[Any]
    done: bool = False
    fetched: bool = False
    value: Any = None  # the worker's bytes once fetched
    error: BaseException | None = None


@dataclass
class _Group:
    """One group's tasks, the position of the next one to apply, and its submitted links."""

    tasks: list[Task]
    stored: dict[int, Context]  # checkpoints found (resume), by position
    position: int = 0
    begun: bool = False  # the task at ``position`` was reported In progress
    links: dict[int, _Link] = field(default_factory=dict)
    failed_submit: dict[int, BaseException] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.tasks)


class Driver:
    """Drives the groups of one run from the client."""

    def __init__(self, client: Client, runtime: Runtime, payloads: dict[int, StepPayload]) -> None:
        self.client = client
        self.runtime = runtime
        self.payloads = payloads
        self.run_id = uuid.uuid4().hex
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.by_key: dict[str, tuple[_Group, int]] = {}
        self.retries_seen: Counter[str] = Counter()
        self.retries_reported: Counter[str] = Counter()
        self.submitted = 0
        self.stop_sent = False
        self.groups: list[_Group] = []

    # -- the loop ---------------------------------------------------------------------------

    def run(self, groups: list[list[Task]]) -> None:
        active = self.groups = [_Group(tasks, self._checkpoints(tasks)) for tasks in groups]
        _router(self.client).add(self.run_id, self.events)
        try:
            for group in active:
                self._submit(group, 0, Context())
            for group in active:
                self._advance(group)
            active = [group for group in active if not group.finished]
            while active:
                if not self._wait():
                    self._lost(active)
                    return
                self._fetch(active)
                for group in active:
                    self._advance(group)
                active = [group for group in active if not group.finished]
        finally:
            _router(self.client).remove(self.run_id)
            for group in active:
                self._drop(group)

    def _wait(self) -> bool:
        """Wait for news from the cluster and take it all in; ``False`` if the client is gone."""
        try:
            events = [self.events.get(timeout=_POLL)]
        except queue.Empty:
            return self.client.status in ("running", "connecting", "newly-created")
        while True:
            try:
                events.append(self.events.get_nowait())
            except queue.Empty:
                break
        for kind, key in events:
            where = self.by_key.get(key)
            if where is None:
                continue  # a task released already, or a late retry event
            group, position = where
            if kind == _DONE:
                group.links[position].done = True
            else:
                self.retries_seen[key] += 1
                if group.begun and group.position == position:
                    self._report_retries(group.tasks[position], key)
        return True

    # -- submitting -------------------------------------------------------------------------

    def _checkpoints(self, tasks: list[Task]) -> dict[int, Context]:
        """With ``resume``, the stored results of the group's tasks, by position.

        Read before the group is submitted, so the chain skips them; each is reported Completed
        in its turn, as ``Runtime.restore`` does.
        """
        if not self.runtime.resume:
            return {}
        storage = self.runtime.config.storage
        found = {}
        for position, task in enumerate(tasks):
            stored = storage.get(storage.key(task))
            if stored is not None:
                found[position] = stored
        return found

    def _submit(self, group: _Group, start: int, previous: Context) -> None:
        """Submit the group's tasks from ``start`` on as one chain (checkpointed ones skipped)."""
        upstream: Context | Future[Any] = previous
        runtime = self.runtime
        for position in range(start, len(group.tasks)):
            if position in group.stored:
                upstream = group.stored[position]
                continue
            task = group.tasks[position]
            self.submitted += 1
            key = f"dotflow-{task.task_id}-{self.run_id}-{self.submitted}"
            try:
                future = self.client.submit(
                    run_task,
                    self.payloads[id(task.step)],
                    task.task_id,
                    task.workflow_id,
                    task.group_name,
                    task.initial_context,
                    upstream,
                    runtime.keep_going,
                    self.run_id,
                    RETRY_TOPIC,
                    key,
                    key=key,
                    pure=False,
                )
            except Exception as error:  # e.g. an initial context that cannot be serialised
                group.failed_submit[position] = TypeError(
                    f"this task cannot be sent to the Dask workers ({_root_cause(error)}): its "
                    "initial_context and previous context must be picklable data"
                )
                return  # the rest is submitted again after this task has failed (keep_going)
            group.links[position] = _Link(key, future)
            self.by_key[key] = (group, position)
            future.add_done_callback(lambda _, key=key: self.events.put((_DONE, key)))
            upstream = future

    # -- applying ---------------------------------------------------------------------------

    def _advance(self, group: _Group) -> None:
        """Apply the group's outcomes in order, as far as they have arrived."""
        runtime = self.runtime
        while not group.finished:
            position = group.position
            task = group.tasks[position]
            stopped = runtime.stopped.is_set()
            if position in group.stored:
                if stopped:
                    return self._drop(group)
                task.current_context = group.stored[position]
                task.duration = 0.0
                runtime.transition(task, TypeStatus.COMPLETED)
                group.position += 1
                continue
            link = group.links.get(position)
            if link is None:
                error = group.failed_submit.pop(position, None)
                if error is None or stopped:
                    return self._drop(group)
                self._begin(group)
                runtime.fail(task, error)
                self._next(group, resubmit=True)
                continue
            if not group.begun and not stopped:
                self._begin(group)
            if not link.fetched:
                return  # not arrived yet
            if link.error is None and link.value == SKIPPED:
                return self._drop(group)  # the run stopped before it started
            if not group.begun:  # it started before the workers heard of the stop
                self._begin(group)
            if link.error is not None:
                runtime.fail(task, link.error)
                self._next(group, resubmit=True)
                continue
            try:
                outcome: Outcome = pickle.loads(link.value)
            except Exception as error:
                runtime.fail(task, TypeError(f"the worker's result could not be read: {error}"))
            else:
                # Retries whose events have not arrived yet, so that every retry is reported
                # exactly once and before the final status.
                for _ in range(outcome.retries - self.retries_reported[link.key]):
                    runtime.transition(task, TypeStatus.RETRY)
                runtime.finish(task, outcome)
            self._next(group, resubmit=False)
        return None

    def _begin(self, group: _Group) -> None:
        position = group.position
        previous = group.tasks[position - 1].current_context if position else Context()
        task = group.tasks[position]
        self.runtime.begin(task, previous)
        group.begun = True
        link = group.links.get(position)
        if link is not None:
            self._report_retries(task, link.key)

    def _next(self, group: _Group, resubmit: bool) -> None:
        """Move past the task just applied; after a failure Dask could not compute around,
        submit the rest of the group again (``keep_going``)."""
        task = group.tasks[group.position]
        link = group.links.pop(group.position, None)
        if link is not None:
            self._release(link)
        group.position += 1
        group.begun = False
        if resubmit:  # Dask failed the rest of the chain with this task: none of it ran
            for position in list(group.links):
                self._release(group.links.pop(position))
        if self.runtime.stopped.is_set():
            self._stop()
        elif resubmit and not group.finished:
            self._submit(group, group.position, task.current_context)

    def _drop(self, group: _Group) -> None:
        """Nothing more of the group runs: release what is still submitted."""
        for link in group.links.values():
            self._release(link)
        group.links.clear()
        group.position = len(group.tasks)

    def _release(self, link: _Link) -> None:
        self.by_key.pop(link.key, None)
        self.retries_seen.pop(link.key, None)
        self.retries_reported.pop(link.key, None)
        link.future.release()

    def _report_retries(self, task: Task, key: str) -> None:
        for _ in range(self.retries_seen[key] - self.retries_reported[key]):
            self.retries_reported[key] += 1
            self.runtime.transition(task, TypeStatus.RETRY)

    def _stop(self) -> None:
        """Tell every worker the run stopped; only the tasks reported In progress compute."""
        if self.stop_sent:
            return
        self.stop_sent = True
        running = [
            group.links[group.position].key
            for group in self.groups
            if group.begun and group.position in group.links
        ]
        try:
            self.client.run(stop_run, self.run_id, running, on_error="ignore")
        except Exception:  # the tasks then run to their end and are reported as they ran
            logger.debug("telling the Dask workers that run %s stopped failed", self.run_id)

    # -- results ----------------------------------------------------------------------------

    def _fetch(self, groups: list[_Group]) -> None:
        """Bring back the results of the finished tasks, in one request where possible."""
        finished: list[_Link] = []
        for group in groups:
            for link in group.links.values():
                if link.done and not link.fetched:
                    if link.future.status == "finished":
                        finished.append(link)
                    else:
                        link.error, link.fetched = _future_error(link.future), True
        if not finished:
            return
        try:
            values = self.client.gather([link.future for link in finished])
        except Exception:  # one of them went missing meanwhile: one by one
            for link in finished:
                try:
                    link.value = link.future.result()
                except Exception:
                    link.error = _future_error(link.future)
                link.fetched = True
            return
        for link, value in zip(finished, values, strict=True):
            link.value, link.fetched = value, True

    def _lost(self, groups: list[_Group]) -> None:
        """The client lost the scheduler: fail the tasks reported In progress, run no more."""
        lost = ConnectionError(
            f"the connection to the Dask scheduler was lost (client {self.client.status})"
        )
        for group in groups:
            if group.begun and not group.finished:
                self.runtime.fail(group.tasks[group.position], lost)
            self._drop(group)


def _root_cause(error: BaseException) -> str:
    """The innermost error of a chain (Dask wraps pickling errors in its own)."""
    seen = {id(error)}
    while (inner := error.__cause__ or error.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        error = inner
    return f"{type(error).__name__}: {error}"


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


class _Router:
    """Hands each retry event of a client's topic to the run whose task it names."""

    def __init__(self, client: Client) -> None:
        self.runs: dict[str, queue.Queue[tuple[str, str]]] = {}
        self.lock = threading.Lock()
        self.subscribed = False
        self.client = client

    def add(self, run_id: str, events: queue.Queue[tuple[str, str]]) -> None:
        with self.lock:
            self.runs[run_id] = events
            if not self.subscribed:
                # Once per client: the subscription stays for the client's later runs.
                self.client.subscribe_topic(RETRY_TOPIC, self._on_event)
                self.subscribed = True

    def remove(self, run_id: str) -> None:
        with self.lock:
            self.runs.pop(run_id, None)

    def _on_event(self, event: tuple[float, Any]) -> None:
        # Called in the client's event-loop thread; the key is dotflow-TASK-RUN-N.
        key = str(event[1])
        parts = key.split("-")
        events = self.runs.get(parts[2]) if len(parts) == 4 else None
        if events is not None:
            events.put((_RETRY, key))


_routers: weakref.WeakKeyDictionary[Any, _Router] = weakref.WeakKeyDictionary()
_routers_lock = threading.Lock()


def _router(client: Client) -> _Router:
    with _routers_lock:
        router = _routers.get(client)
        if router is None:
            router = _routers[client] = _Router(client)
        return router

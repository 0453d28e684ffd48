"""The Runtime protocol: what an execution is given to run tasks with.

An :class:`~dotflow.abc.Execution` only decides where and when each task computes; the runtime it
receives does everything around a task (checkpoints, status changes, storage, callbacks). The
engine provides it; an execution adapter only calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import threading

    from dotflow.abc.log import Log
    from dotflow.abc.metrics import Metrics
    from dotflow.abc.notify import Notify
    from dotflow.abc.server import Server
    from dotflow.abc.storage import Storage
    from dotflow.abc.tracer import Tracer
    from dotflow.core.attempts import Outcome
    from dotflow.core.context import Context
    from dotflow.core.task import Task
    from dotflow.core.types.status import TypeStatus

__all__ = ["Adapters", "Runtime"]


class Adapters(Protocol):
    """The adapters of the workflow being run (a ``dotflow.Config``), read-only."""

    @property
    def storage(self) -> Storage: ...

    @property
    def notify(self) -> Notify: ...

    @property
    def log(self) -> Log: ...

    @property
    def server(self) -> Server: ...

    @property
    def tracer(self) -> Tracer: ...

    @property
    def metrics(self) -> Metrics: ...


class Runtime(Protocol):
    """The lifecycle of the tasks of one workflow run, as an execution drives it.

    A task's life: :meth:`restore` (with ``resume``, a stored result ends it at once), else
    :meth:`begin`, then the computation (:func:`dotflow.spi.execution.compute` wherever the
    execution runs it), then :meth:`finish` with its outcome (or :meth:`fail`). Every method may
    be called from several threads at once, one task per thread.
    """

    @property
    def config(self) -> Adapters:
        """The workflow's adapters (the storage, to read checkpoints)."""
        ...

    @property
    def keep_going(self) -> bool:
        """Whether the remaining tasks run after one failed."""
        ...

    @property
    def resume(self) -> bool:
        """Whether tasks with a stored result are skipped."""
        ...

    @property
    def stopped(self) -> threading.Event:
        """Set when no further task may start (a failure without ``keep_going``, Ctrl-C)."""
        ...

    @property
    def interrupted(self) -> BaseException | None:
        """What stopped the run from outside its steps (Ctrl-C), or ``None``."""
        ...

    def transition(self, task: Task, status: TypeStatus) -> None:
        """Set ``task``'s status and report it (notify, log, server, then tracer and metrics)."""
        ...

    def restore(self, task: Task) -> bool:
        """With ``resume``, mark ``task`` Completed from its checkpoint; ``True`` if it had one."""
        ...

    def begin(self, task: Task, previous: Context) -> None:
        """Mark ``task`` In progress with ``previous`` as its previous context."""
        ...

    def finish(self, task: Task, outcome: Outcome) -> None:
        """Apply ``outcome``: store the result, set the final status, call the task callback."""
        ...

    def fail(self, task: Task, error: BaseException) -> None:
        """Finish ``task`` as Failed with ``error`` (for errors outside the step itself)."""
        ...

    def run_task(self, task: Task, previous: Context) -> Context:
        """Run one task in this thread (restore, begin, compute, finish); return its context."""
        ...

    def run_chain(self, tasks: list[Task]) -> None:
        """Run ``tasks`` in order in this thread, each fed the previous one's context."""
        ...

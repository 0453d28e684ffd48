"""Parallel mode: every task computes in its own worker process, all at once.

Workers only compute. Each sends its outcome back through its own pipe as one pickled message (of
any size; the parent reads every pipe as data arrives, so no worker blocks on a full pipe), and the
parent does everything else: status changes, storage, callbacks. Events therefore reach notify,
log and server once, from one process. A worker that dies without answering is seen as the end of
its pipe, and its task fails with the exit code or signal.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, cast

from dotflow.abc.execution import Execution
from dotflow.core.attempts import Outcome, compute
from dotflow.core.context import Context
from dotflow.core.exceptions import WorkerDiedError
from dotflow.core.execution.transfer import dump_outcome
from dotflow.core.task import Task, TaskError
from dotflow.core.types.status import TypeStatus

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from dotflow.abc.runtime import Runtime

__all__ = ["Parallel"]

_RETRY = b"retry"


def _worker(task: Task, conn: Connection, parent: int, inherited: list[int]) -> None:
    # A forked worker holds copies of the parent's reading ends: its own pipe's and those of
    # the workers started before it. While any copy is open, a write to a pipe whose reader
    # (the parent) died blocks forever once the pipe is full instead of failing.
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    _exit_with_parent(parent)
    outcome = Outcome()

    def retry() -> None:
        # "retry" and the failed attempt, so the parent's Retry event can say why.
        conn.send_bytes(_RETRY + pickle.dumps(outcome.errors[-1] if outcome.errors else None))

    try:
        outcome = compute(task, retry, outcome)
    except KeyboardInterrupt as error:
        # Ctrl-C reaches every process of the terminal's group: end quietly (no traceback per
        # worker) and tell the parent, which records the interruption once.
        reason = "the worker was interrupted (Ctrl-C or SIGINT) before the task finished"
        outcome = Outcome(errors=[TaskError(1, type(error).__name__, reason)], failed=True)
    try:
        conn.send_bytes(dump_outcome(outcome, "the worker process"))
        conn.close()
    except (OSError, KeyboardInterrupt):  # the parent is gone or stopping: nothing to tell
        pass


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that runs the workflow dies (even by SIGKILL).

    Otherwise the worker would run to the end, and a resume started meanwhile would run the same
    task a second time at once. Linux: the kernel sends SIGKILL (``PR_SET_PDEATHSIG``).
    Elsewhere: a daemon thread checks the parent once per :data:`WATCH_INTERVAL`.
    """
    if sys.platform.startswith("linux") and _set_parent_death_signal():
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="dotflow-parent-watch", daemon=True).start()


#: Seconds between two checks of the parent by a worker where the kernel cannot tell it.
WATCH_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1


def _set_parent_death_signal() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _context() -> Any:
    import multiprocessing

    # fork starts a worker in about a millisecond and runs steps that are not importable (defined
    # in __main__, closures); elsewhere the platform's safe default applies.
    method = "fork" if sys.platform.startswith("linux") else None
    return multiprocessing.get_context(method)


class Parallel(Execution):
    """Each task runs in its own process, all at the same time (at most ``max_workers`` at once)."""

    max_workers = 256
    chains_context = False

    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        from multiprocessing.connection import wait

        pending = [task for group in groups for task in group if not runtime.restore(task)]
        pending.reverse()
        context = _context()
        running: dict[Any, tuple[Task, Any]] = {}
        results: dict[Any, bytes] = {}
        earlier: dict[Any, tuple[TaskError, ...]] = {}
        while pending or running:
            while pending and len(running) < self.max_workers:
                task = pending.pop()
                runtime.begin(task, Context())
                reader, writer = context.Pipe(duplex=False)
                # The worker gets the definition only: callbacks stay in this process.
                job = Task(
                    task.task_id,
                    task.workflow_id,
                    task.step,
                    None,
                    task.initial_context,
                    task.group_name,
                    TypeStatus.IN_PROGRESS,
                    previous_context=Context(),
                )
                # Only a forked child shares this process's descriptors (and must close them).
                inherited = (
                    [reader.fileno(), *(r.fileno() for r in running)]
                    if context.get_start_method() == "fork"
                    else []
                )
                process = context.Process(
                    target=_worker,
                    args=(job, writer, os.getpid(), inherited),
                    name=f"dotflow-task-{task.task_id}",
                    daemon=True,
                )
                try:
                    process.start()
                except Exception as error:  # out of processes or memory
                    reader.close()
                    writer.close()
                    runtime.fail(task, error)
                    continue
                writer.close()
                running[reader] = (task, process)
            for reader in cast("list[Connection]", wait(list(running))):
                task, process = running[reader]
                try:
                    message = reader.recv_bytes()
                except (EOFError, OSError):
                    del running[reader]
                    reader.close()
                    process.join()
                    # The errors shown with Retry events come back, complete, in the outcome.
                    task.errors = earlier.pop(reader, task.errors)
                    self._finish(runtime, task, process, results.pop(reader, None))
                    continue
                if message.startswith(_RETRY):  # an outcome is a pickle: it starts with 0x80
                    earlier.setdefault(reader, task.errors)
                    self._retry(runtime, task, message[len(_RETRY) :])
                else:
                    results[reader] = message

    @staticmethod
    def _retry(runtime: Runtime, task: Task, error: bytes) -> None:
        failed: TaskError | None = pickle.loads(error)
        if failed is not None:  # shown with the Retry event; finish() records the outcome's
            task.errors = (*task.errors, failed)
        runtime.transition(task, TypeStatus.RETRY)

    @staticmethod
    def _finish(runtime: Runtime, task: Task, process: Any, result: bytes | None) -> None:
        if result is None:
            runtime.fail(task, WorkerDiedError(process.exitcode))
            return
        try:
            outcome: Outcome = pickle.loads(result)
        except Exception as error:
            runtime.fail(task, TypeError(f"the worker's result could not be read: {error}"))
            return
        runtime.finish(task, outcome)

"""Running a step: attempts, timeouts, async functions and class-based steps.

Nothing here touches storage, logs or adapters; it computes a task's :class:`Outcome`, so the same
code runs in the caller's thread and inside a worker process.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.core.action import MAX_WAIT, Action, action_methods, is_class_step
from dotflow.core.context import Context
from dotflow.core.exceptions import TaskTimeoutError
from dotflow.core.task import TaskError

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["Outcome", "compute", "task_error"]


@attrs.define
class Outcome:
    """What running a task produced: a value, or the errors of every failed attempt."""

    value: Any = None
    errors: list[TaskError] = attrs.Factory(list)
    retries: int = 0
    duration: float = 0.0
    failed: bool = False
    #: A ``SystemExit`` or ``KeyboardInterrupt`` raised by the step: the task failed with it, and
    #: the caller re-raises it once the task is finished (see :meth:`Runtime.run_task`).
    interrupt: BaseException | None = None


def compute(task: Task, on_retry: Callable[[], None], outcome: Outcome | None = None) -> Outcome:
    """Run ``task``'s step with its retry policy and return the outcome.

    Args:
        task: the task; its ``previous_context`` and ``initial_context`` are injected.
        on_retry: called before every attempt after the first.
        outcome: the outcome to fill (and return); pass one to read the failed attempts'
            errors from ``on_retry``.
    """
    started = time.perf_counter()
    outcome = Outcome() if outcome is None else outcome
    step = task.step
    try:
        if isinstance(step, Action):
            value = _attempts(step, None, task, task.previous_context, outcome, on_retry)
        else:  # a class with @action methods
            value = step()
        if is_class_step(value) and not isinstance(value, Context):
            value = _run_methods(value, task, outcome, on_retry)
        outcome.value = value
    except _Failed:
        outcome.failed = True
    except _Interrupted as stop:
        outcome.failed = True
        outcome.interrupt = stop.interrupt
    except (SystemExit, KeyboardInterrupt) as interrupt:  # in a class step's constructor
        outcome.errors.append(task_error(1, interrupt))
        outcome.failed = True
        outcome.interrupt = interrupt
    except Exception as error:  # a class step's constructor failed
        outcome.errors.append(task_error(1, error))
        outcome.failed = True
    outcome.duration = time.perf_counter() - started
    return outcome


class _Failed(Exception):
    """Every attempt of one action failed; the errors are already in the outcome."""


class _Interrupted(Exception):
    """The step raised ``SystemExit``/``KeyboardInterrupt``: no more attempts; it is recorded."""

    def __init__(self, interrupt: BaseException) -> None:
        super().__init__()
        self.interrupt = interrupt


def _run_methods(instance: Any, task: Task, outcome: Outcome, on_retry: Callable[[], None]) -> Any:
    previous = task.previous_context
    value = None
    cls: type = type(instance)
    for _, method in action_methods(cls):
        value = _attempts(method, instance, task, previous, outcome, on_retry)
        previous = (
            value
            if isinstance(value, Context)
            else Context(storage=value, task_id=task.task_id, workflow_id=task.workflow_id)
        )
    return value


def _attempts(
    step: Action,
    instance: Any,
    task: Task,
    previous: Context | None,
    outcome: Outcome,
    on_retry: Callable[[], None],
) -> Any:
    values = {"previous_context": previous, "initial_context": task.initial_context, "task": task}
    kwargs = {name: values[name] for name in step.injected}
    args = () if instance is None else (instance,)
    delay = step.retry_delay
    for attempt in range(1, step.retry + 1):
        if attempt > 1:
            outcome.retries += 1
            on_retry()
        try:
            return _call(step, args, kwargs)
        except Exception as error:
            outcome.errors.append(task_error(attempt, error))
        except (SystemExit, KeyboardInterrupt) as interrupt:
            # Not retried: the step (or the user) asked to stop. The task still ends Failed.
            outcome.errors.append(task_error(attempt, interrupt))
            raise _Interrupted(interrupt) from None
        if attempt < step.retry and delay > 0:
            time.sleep(delay)
            if step.backoff:
                delay = min(delay * 2, MAX_WAIT)
    raise _Failed


def task_error(attempt: int, error: BaseException) -> TaskError:
    """The record of a failed attempt."""
    message = str(error)
    if isinstance(error, SystemExit):
        message = f"the step called sys.exit({error.code!r}); the run stops"
    elif isinstance(error, KeyboardInterrupt):
        message = "interrupted (KeyboardInterrupt); the run stops"
    return TaskError(
        attempt=attempt,
        exception=type(error).__name__,
        message=message,
        traceback="".join(traceback.format_exception(error)),
    )


def _call(step: Action, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    timeout = step.timeout
    if step.is_async:
        return _run_coroutine(step, args, kwargs, timeout)
    if timeout <= 0:
        return step.func(*args, **kwargs)
    return _in_thread(lambda: step.func(*args, **kwargs), timeout)


def _run_coroutine(
    step: Action, args: tuple[Any, ...], kwargs: dict[str, Any], timeout: float
) -> Any:
    import asyncio

    async def main() -> Any:
        coro = step.func(*args, **kwargs)
        if timeout > 0:
            try:
                return await asyncio.wait_for(coro, timeout)
            except TimeoutError:
                raise TaskTimeoutError(timeout) from None
        return await coro

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: run ours here
        if timeout <= 0:
            return asyncio.run(main())
    # Inside a running loop (or with a timeout that must also stop a blocking coroutine),
    # the coroutine gets its own loop in its own thread.
    return _in_thread(lambda: asyncio.run(main()), timeout if timeout > 0 else None)


def _in_thread(call: Callable[[], Any], timeout: float | None) -> Any:
    """Run ``call`` in a daemon thread, so a hung attempt never keeps the process alive."""
    result: list[Any] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            result.append(call())
        except BaseException as error:
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=target, name="dotflow-attempt", daemon=True).start()
    if not done.wait(timeout):
        raise TaskTimeoutError(timeout or 0)
    if failure:
        raise failure[0]
    return result[0]

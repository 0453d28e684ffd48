"""Errors raised by dotflow. Each names what was wrong and how to fix it."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AdapterNotFoundError",
    "DotflowError",
    "ExecutionModeNotFoundError",
    "InputChangedError",
    "InvalidOnInputChangeError",
    "InvalidWorkflowFactoryError",
    "InvalidWorkflowIdError",
    "NotAnActionError",
    "NotCallableError",
    "NotJSONSerializableError",
    "NotPicklableError",
    "PickledResultError",
    "SelfReferencingValueError",
    "StepImportError",
    "TaskTimeoutError",
    "WorkerDiedError",
]


class DotflowError(Exception):
    """Base class of every error dotflow raises on purpose."""


class InvalidWorkflowIdError(DotflowError, ValueError):
    """A workflow id that is empty or could escape a storage location."""

    def __init__(self, workflow_id: Any, reason: str) -> None:
        self.workflow_id = workflow_id
        super().__init__(
            f"invalid workflow_id {workflow_id!r}: {reason}; use a non-empty name made of "
            "letters, digits, '-', '_', '.' (for example 'my-pipeline-v1') or a UUID"
        )


class NotAnActionError(DotflowError, TypeError):
    """A step that is not decorated with ``@action``."""

    def __init__(self, step: Any) -> None:
        self.step = step
        name = getattr(step, "__qualname__", None) or type(step).__name__
        super().__init__(
            f"step {name!r} is not an @action: decorate it with "
            "`from dotflow import action` / `@action`, or give a class with @action methods"
        )


class NotCallableError(DotflowError, TypeError):
    """A callback that is neither callable nor a ``"module.function"`` path."""

    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(
            f"callback must be callable or a 'module.function' path, got {type(value).__name__}"
        )


class InvalidWorkflowFactoryError(DotflowError, TypeError):
    """A ``--workflow`` factory that is not callable or does not return a ``DotFlow``."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"--workflow {path}: {reason}")


class StepImportError(DotflowError, ImportError):
    """A ``"pkg.mod.func"`` / ``"pkg.mod:func"`` path that cannot be imported."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot import {path!r}: {reason}")


class AdapterNotFoundError(DotflowError, LookupError):
    """No adapter of that name is registered for a port."""

    def __init__(self, port: str, name: str, available: list[str], hint: str = "") -> None:
        self.port = port
        self.name = name
        self.available = available
        known = ", ".join(available) or "none"
        super().__init__(f"unknown {port} {name!r}{hint} (available: {known})")


class ExecutionModeNotFoundError(AdapterNotFoundError):
    """An execution mode that no installed distribution registers."""


class InvalidOnInputChangeError(DotflowError, ValueError):
    """An ``on_input_change`` policy other than reuse, reset or raise."""

    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(
            f"invalid on_input_change {value!r}: use 'reuse' (keep checkpoints), "
            "'reset' (discard them and run everything) or 'raise'"
        )


class InputChangedError(DotflowError, RuntimeError):
    """``on_input_change="raise"`` and the initial contexts changed since the checkpoints."""

    def __init__(self, workflow_id: str) -> None:
        self.workflow_id = workflow_id
        super().__init__(
            f"the initial contexts of workflow {workflow_id!r} changed since its checkpoints were "
            "stored: pass on_input_change='reset' to run everything again, 'reuse' to keep the "
            "checkpoints, or use a new workflow_id"
        )


class NotJSONSerializableError(DotflowError, TypeError):
    """A task result a persistent storage cannot keep without altering it."""

    def __init__(self, where: str, value: Any, reason: str = "") -> None:
        self.value = value
        kind = type(value).__name__
        why = reason or f"{kind} is not a JSON type"
        super().__init__(
            f"cannot store the result at {where}: {why}; return JSON types, tuple, set, "
            "frozenset, bytes, Decimal, UUID, date, time, datetime or timedelta (kept exactly), "
            "convert it first (for example to a dict or str), or make the storage with "
            "serializer='pickle'"
        )


class SelfReferencingValueError(NotJSONSerializableError):
    """A task result that contains itself: no encoding can store it (tagged JSON included)."""


class TaskTimeoutError(DotflowError, TimeoutError):
    """An attempt that ran longer than its ``timeout``."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(f"attempt exceeded the timeout of {timeout:g} s")


class WorkerDiedError(DotflowError, RuntimeError):
    """The worker process of a parallel task ended without returning a result."""

    def __init__(self, exitcode: int | None) -> None:
        self.exitcode = exitcode
        if exitcode is not None and exitcode < 0:
            import signal

            try:
                how = f"was killed by signal {signal.Signals(-exitcode).name}"
            except ValueError:
                how = f"was killed by signal {-exitcode}"
        else:
            how = f"exited with code {exitcode}"
        super().__init__(f"the worker process {how} before returning a result")


class NotPicklableError(DotflowError, TypeError):
    """A task result that a storage with ``serializer="pickle"`` cannot pickle."""

    def __init__(self, where: str, value: Any, reason: str) -> None:
        self.value = value
        super().__init__(
            f"cannot store the result at {where} with serializer='pickle': {reason}; return a "
            "value pickle can serialize (no lambdas, local classes, open files, locks or sockets)"
        )


class PickledResultError(DotflowError, ValueError):
    """A stored result was pickled, and the storage reading it was not made to unpickle."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"the result at {where} was stored with serializer='pickle': read it with a storage "
            "made with serializer='pickle' (unpickling runs code from the stored data, so only "
            "for a storage nobody else can write to)"
        )

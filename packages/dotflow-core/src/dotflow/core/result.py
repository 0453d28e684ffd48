"""Results: JSON-ready models of a finished (or running) workflow and its tasks.

The cattrs converter that (un)structures them is built on first use, so ``import dotflow`` does
not import cattrs.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.core.task import TaskError

if TYPE_CHECKING:
    import cattrs

    from dotflow.core.context import Context
    from dotflow.core.task import Task

__all__ = [
    "TaskResult",
    "WorkflowResult",
    "WorkflowSchema",
    "converter",
    "make_task_result",
    "task_result",
    "unencodable_marker",
]


def _check_mode(mode: str) -> None:
    # Pydantic's modes: "python" and "json" both get JSON-ready values here.
    if mode not in ("python", "json"):
        msg = f"model_dump(mode={mode!r}): use 'python' or 'json'"
        raise ValueError(msg)


@attrs.define
class TaskResult:
    """A task's outcome: status, timing, errors and the values of its contexts."""

    task_id: int
    workflow_id: str
    step: str
    group_name: str
    status: str
    duration: float | None = None
    retry_count: int = 0
    errors: list[TaskError] = attrs.Factory(list)
    initial_context: Any = None
    current_context: Any = None
    previous_context: Any = None


@attrs.define
class WorkflowResult:
    """A workflow run: its id, mode, status, timing and tasks."""

    workflow_id: str
    status: str
    mode: str | None = None
    started_at: datetime | None = None
    duration: float | None = None
    tasks: list[TaskResult] = attrs.Factory(list)

    def to_dict(self, max_size: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict; ``max_size`` caps each task's contexts to that many bytes."""
        data: dict[str, Any] = converter().unstructure(self)
        if max_size is not None:
            for task in data["tasks"]:
                _cap(task, max_size)
        return data

    def to_json(self, max_size: int | None = None, **kwargs: Any) -> str:
        """The result as a JSON document (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(max_size), ensure_ascii=False, **kwargs)

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """:meth:`to_dict`, by the name of dotflow 1.0.1's (Pydantic) result."""
        _check_mode(mode)
        return self.to_dict()

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """:meth:`to_json`, by the name of dotflow 1.0.1's (Pydantic) result."""
        return self.to_json(indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkflowResult:
        """Rebuild a result from :meth:`to_dict` output."""
        return converter().structure(data, cls)


class WorkflowSchema(dict[str, Any]):
    """``workflow.task.schema()``: a JSON-ready dict of the workflow and its tasks.

    ``model_dump()`` / ``model_dump_json()`` work as on dotflow 1.0.1's Pydantic model.
    """

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """A plain ``dict`` copy."""
        _check_mode(mode)
        return dict(self)

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The schema as a JSON document."""
        return json.dumps(self, ensure_ascii=False, indent=indent)


@functools.cache
def converter() -> cattrs.Converter:
    """The one converter for every dotflow model."""
    import cattrs

    conv = cattrs.Converter()
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
    return conv


def _jsonable(value: Any) -> Any:
    """``value`` if it is standard JSON data, else a JSON-ready stand-in that says what it was.

    Standard: no ``NaN``/``Infinity`` tokens and UTF-8 encodable, so ``to_json()`` (and the
    CLI's ``--json``) is always a document any JSON parser reads.
    """
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        try:
            shown = json.dumps(
                value,
                allow_nan=False,
                ensure_ascii=False,
                default=lambda o: {"type": type(o).__name__, "repr": repr(o)},
            )
            shown.encode("utf-8")
            return json.loads(shown)
        except ValueError as error:  # a cycle, NaN, a lone surrogate, an int too long for text
            return unencodable_marker(error)
    return value


def unencodable_marker(error: BaseException) -> dict[str, Any]:
    """What a context that has no JSON form is replaced by, saying why."""
    reason = str(error)
    if "Circular reference" in reason:
        reason = "the value contains itself (it is self-referencing)"
    return {"unserializable": True, "reason": f"{type(error).__name__}: {reason}"[:500]}


def _context_value(context: Context | None) -> Any:
    return None if context is None else _jsonable(context.storage)


def _cap(task: dict[str, Any], max_size: int) -> None:
    sizes = {
        name: len(json.dumps(task[name], ensure_ascii=False))
        for name in ("current_context", "previous_context", "initial_context")
    }
    total = sum(sizes.values())
    for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
        if total <= max_size:
            break
        task[name] = {"truncated": True, "size": size}
        total -= size


def make_task_result(task: Task) -> TaskResult:
    """The :class:`TaskResult` of ``task``."""
    return TaskResult(
        task_id=task.task_id,
        workflow_id=task.workflow_id,
        step=task.step_name,
        group_name=task.group_name,
        status=task.status.value,
        duration=task.duration,
        retry_count=task.retry_count,
        errors=list(task.errors),
        initial_context=_context_value(task.initial_context),
        current_context=_context_value(task.current_context),
        previous_context=_context_value(task.previous_context),
    )


def task_result(task: Task, max_size: int | None = None) -> dict[str, Any]:
    """``task`` as a JSON-ready dict, contexts capped to ``max_size`` bytes when given."""
    data: dict[str, Any] = converter().unstructure(make_task_result(task))
    if max_size is not None:
        _cap(data, max_size)
    return data

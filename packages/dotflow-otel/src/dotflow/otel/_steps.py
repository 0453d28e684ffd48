"""What the adapters derive from a step (its name, span name, metric attributes), built once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dotflow.otel import attributes as attr

if TYPE_CHECKING:
    from dotflow import Task

__all__ = ["StepInfo", "step_info"]

#: Past this many distinct steps the cache starts over (steps made anew per run stay bounded).
_LIMIT = 1024


class StepInfo:
    """The names and attribute sets of one step."""

    __slots__ = ("completed", "failed", "name", "running", "span_name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.span_name = f"task {name}"
        self.running = {attr.TASK_STEP: name}
        self.completed = {attr.TASK_STEP: name, attr.TASK_STATUS: "Completed"}
        self.failed = {attr.TASK_STEP: name, attr.TASK_STATUS: "Failed"}


_cache: dict[Any, StepInfo] = {}


def step_info(task: Task) -> StepInfo:
    """The :class:`StepInfo` of ``task``'s step (cached by the step object)."""
    step = task.step
    try:
        found = _cache.get(step)
    except TypeError:  # an unhashable step object: derive it every time
        return StepInfo(task.step_name)
    if found is None:
        if len(_cache) >= _LIMIT:
            _cache.clear()
        found = _cache[step] = StepInfo(task.step_name)
    return found

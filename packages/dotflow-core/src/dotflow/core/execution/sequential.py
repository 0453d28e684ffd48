"""Sequential modes: tasks run in the caller's thread, one after another."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from dotflow.abc.execution import Execution
from dotflow.core.execution.threads import run_in_threads

if TYPE_CHECKING:
    from dotflow.abc.runtime import Runtime
    from dotflow.core.task import Task

__all__ = ["Sequential", "SequentialGroup"]


class Sequential(Execution):
    """One group runs in the caller's thread; several groups run in parallel threads."""

    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        if len(groups) == 1:
            runtime.run_chain(groups[0])
        else:
            run_in_threads([partial(runtime.run_chain, group) for group in groups])


class SequentialGroup(Execution):
    """Groups run one after another; tasks within a group run in order."""

    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        for group in groups:
            runtime.run_chain(group)

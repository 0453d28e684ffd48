"""What an execution adapter (a ``mode``) needs to run tasks somewhere else.

The engine hands :meth:`dotflow.abc.Execution.run` a :class:`~dotflow.abc.Runtime`. An execution
that computes in the calling process just calls ``runtime.run_chain(group)``. One that computes
elsewhere (processes, a cluster) ships the task's step there, runs :func:`compute` on the worker,
sends the :class:`Outcome` back with :func:`dump_outcome` (a result that cannot be pickled fails
the task instead of the run), and gives it to ``runtime.finish(task, outcome)``.
"""

from __future__ import annotations

from dotflow.abc.runtime import Adapters, Runtime
from dotflow.core.action import Action, action_methods, is_class_step
from dotflow.core.attempts import Outcome, compute, task_error
from dotflow.core.execution.transfer import dump_outcome
from dotflow.core.imports import import_path
from dotflow.core.workflow import execution_for

__all__ = [
    "Action",
    "Adapters",
    "Outcome",
    "Runtime",
    "action_methods",
    "compute",
    "dump_outcome",
    "execution_for",
    "import_path",
    "is_class_step",
    "task_error",
]

"""The worker's half of a task, called directly: the context it hands on, and when it skips."""

from __future__ import annotations

import pickle
from typing import Any

import dask_steps as steps
from hypothesis import given
from hypothesis import strategies as st

from dotflow import Config, Context
from dotflow.core.attempts import Outcome
from dotflow.core.engine import Runtime
from dotflow.core.task import Task
from dotflow.dask.worker import SKIPPED, run_task, stop_run

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)
returned = values | st.builds(
    Context,
    storage=values,
    task_id=st.none() | st.integers(1, 9),
    workflow_id=st.none() | st.sampled_from(["other", "wf"]),
)


def _on_worker(value: Any, previous: Context | bytes = Context(), **kwargs: Any) -> bytes:
    initial = Context()
    initial.storage = value  # as is: Context(value) would unwrap a value that is a Context
    return run_task("dask_steps:echo", 3, "wf", "g", initial, previous, **kwargs)


@given(returned)
def test_the_worker_builds_the_context_the_runtime_would(value: Any) -> None:
    outcome: Outcome = pickle.loads(_on_worker(value))
    assert not outcome.failed
    worker_context = outcome.value
    local = Task(3, "wf", steps.echo)
    Runtime(Config()).finish(local, Outcome(value=value))
    expected = local.current_context
    assert isinstance(worker_context, Context)
    assert (worker_context.storage, worker_context.task_id, worker_context.workflow_id) == (
        expected.storage,
        expected.task_id,
        expected.workflow_id,
    )
    # the client's Runtime keeps the worker's context as it is
    applied = Task(3, "wf", steps.echo)
    Runtime(Config()).finish(applied, outcome)
    assert applied.current_context is worker_context


def test_a_task_after_a_failure_skips_unless_keep_going() -> None:
    failed = pickle.dumps(Outcome(failed=True))
    assert _on_worker(1, failed) == SKIPPED
    ran: Outcome = pickle.loads(_on_worker(1, failed, keep_going=True))
    assert ran.value.storage == 1
    assert _on_worker(1, SKIPPED, keep_going=True) == SKIPPED
    succeeded = pickle.dumps(Outcome(value=Context("before", 2, "wf")))
    chained: Outcome = pickle.loads(
        run_task(
            "dask_steps:plus_one",
            3,
            "wf",
            "g",
            Context(),
            pickle.dumps(Outcome(value=Context(41, 2, "wf"))),
        )
    )
    assert chained.value.storage == 42
    assert pickle.loads(_on_worker(1, succeeded)).value.storage == 1


def test_a_stopped_run_computes_only_the_tasks_still_allowed() -> None:
    stop_run("run-a", ["key-allowed"])
    assert _on_worker(1, run_id="run-a", key="key-other") == SKIPPED
    allowed: Outcome = pickle.loads(_on_worker(1, run_id="run-a", key="key-allowed"))
    assert allowed.value.storage == 1
    other_run: Outcome = pickle.loads(_on_worker(1, run_id="run-b", key="key-other"))
    assert other_run.value.storage == 1


def test_a_step_that_does_not_load_fails_its_task_with_the_fix() -> None:
    outcome: Outcome = pickle.loads(
        run_task("no_such_module:step", 1, "wf", "g", Context(), Context())
    )
    assert outcome.failed
    (error,) = outcome.errors
    assert error.exception == "ImportError"
    assert "'no_such_module:step' cannot be imported on the Dask worker" in error.message
    broken: Outcome = pickle.loads(run_task(b"not a pickle", 1, "wf", "g", Context(), Context()))
    assert broken.failed
    assert "sent by value cannot be unpickled on the Dask worker" in broken.errors[0].message

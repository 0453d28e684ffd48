"""Steps, callbacks and workflow factories the CLI tests run (importable via PYTHONPATH)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from dotflow import Config, DotFlow, action
from dotflow.abc import Log, Notify
from dotflow.providers import StorageFile


@action
def ok():
    return {"ok": True}


@action
def echo(initial_context):
    """Return the initial context as given, with its Python type."""
    value = initial_context.storage
    return {"value": value, "type": type(value).__name__}


@action
def boom():
    raise ValueError("boom")


@action
def pid():
    return {"pid": os.getpid()}


@action
def slow(initial_context):
    time.sleep(float(initial_context.storage or 0.5))
    return {"slept": True}


@action
def counted(initial_context):
    """Append a line to the file named by the initial context: counts real executions."""
    with open(initial_context.storage, "a") as handle:
        handle.write("ran\n")
    return {"counted": True}


@action
def fail_if_marker(initial_context):
    """Fail while the marker file named by the initial context exists."""
    if Path(initial_context.storage).exists():
        raise RuntimeError("marker present")
    return {"passed": True}


class Pipeline:
    """A class step: its @action methods run in order."""

    @action
    def first(self):
        return 1

    @action
    def second(self, previous_context):
        return previous_context.storage + 1


def on_done(task):
    print(f"CALLBACK task={task.task_id} status={task.status.value}")


not_callable = 42


# Factories for --workflow.
def two_steps() -> DotFlow:
    workflow = DotFlow()
    workflow.task.add(step=ok)
    workflow.task.add(step=pid)
    return workflow


def parallel_pids() -> DotFlow:
    workflow = DotFlow()
    for _ in range(3):
        workflow.task.add(step=pid)
    return workflow


def with_file_storage() -> DotFlow:
    """Configures its own storage and id: the CLI's explicit flags must win over them."""
    workflow = DotFlow(
        config=Config(storage=StorageFile(path="factory-output")), workflow_id="factory-id"
    )
    workflow.task.add(step=ok)
    return workflow


def resumable() -> DotFlow:
    """Task 2 fails while ``marker`` exists; task 1 counts its runs in ``count.txt``."""
    workflow = DotFlow(config=Config(storage=StorageFile(path=".output")), workflow_id="resumable")
    workflow.task.add(step=counted, initial_context="count.txt")
    workflow.task.add(step=fail_if_marker, initial_context="marker")
    return workflow


def with_failure() -> DotFlow:
    workflow = DotFlow()
    workflow.task.add(step=boom)
    workflow.task.add(step=ok)
    return workflow


def returns_none():
    DotFlow().task.add(step=ok)  # builds one, then forgets to return it


def returns_int():
    return 7


def returns_started_run():
    workflow = DotFlow()
    workflow.task.add(step=ok)
    return workflow.start()  # the old pattern: starts it itself


def raises():
    raise RuntimeError("cannot build")


def needs_argument(name):
    return DotFlow()


instance = two_steps()


@action
def wait_for_file(initial_context):
    """Wait (up to 30 s) until the file named by the initial context exists."""
    deadline = time.monotonic() + 30
    while not Path(initial_context.storage).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{initial_context.storage} never appeared")
        time.sleep(0.02)
    return {"released": True}


@action
def fail_once(initial_context):
    """Fail, and remove the marker file, while the marker named by the initial context exists."""
    marker = Path(initial_context.storage)
    if marker.exists():
        marker.unlink()
        raise RuntimeError("failing once")
    return {"passed": True}


def fail_once_workflow() -> DotFlow:
    """Task 1 counts its runs in count.txt; task 2 fails once while ``marker`` exists."""
    workflow = DotFlow(config=Config(storage=StorageFile(path=".output")), workflow_id="fail-once")
    workflow.task.add(step=counted, initial_context="count.txt")
    workflow.task.add(step=fail_once, initial_context="marker")
    return workflow


class RecordingNotify(Notify):
    """A notifier a factory configures: appends every status it is sent to notified.txt."""

    def send(self, task):
        with open("notified.txt", "a") as handle:
            handle.write(f"{task.task_id} {task.status.value}\n")


class RecordingLog(Log):
    """A log a factory configures: appends every record to logged.txt."""

    def info(self, task):
        with open("logged.txt", "a") as handle:
            handle.write(f"info {task.task_id} {task.status.value}\n")

    def error(self, task):
        with open("logged.txt", "a") as handle:
            handle.write(f"error {task.task_id} {task.status.value}\n")


def with_own_adapters() -> DotFlow:
    workflow = DotFlow(config=Config(notify=RecordingNotify(), log=RecordingLog()))
    workflow.task.add(step=ok)
    workflow.task.add(step=boom)
    return workflow

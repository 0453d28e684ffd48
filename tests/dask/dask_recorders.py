"""Notify and server adapters that record what they are told, for the Dask tests."""

from __future__ import annotations

import os
import threading

from dotflow.abc import Notify, Server


class RecordingNotify(Notify):
    """Records every status change it is told about, with the process and thread it came from."""

    def __init__(self) -> None:
        self.events: list[tuple[int, str]] = []
        self.origins: set[tuple[int, str]] = set()
        self.lock = threading.Lock()

    def send(self, task) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.events.append((task.task_id, task.status.value))
            self.origins.add((os.getpid(), threading.current_thread().name))

    def by_task(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for task_id, status in self.events:
            found.setdefault(task_id, []).append(status)
        return found


class RecordingServer(Server):
    """Records the workflow and task updates a server would receive."""

    def __init__(self) -> None:
        self.workflows: list[str] = []
        self.tasks: list[tuple[int, str]] = []
        self.lock = threading.Lock()

    def create_workflow(self, workflow) -> None:  # type: ignore[no-untyped-def]
        pass

    def update_workflow(self, workflow, status) -> None:  # type: ignore[no-untyped-def]
        self.workflows.append(status.value)

    def create_task(self, task) -> None:  # type: ignore[no-untyped-def]
        pass

    def update_task(self, task) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.tasks.append((task.task_id, task.status.value))

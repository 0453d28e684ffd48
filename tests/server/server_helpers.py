"""Helpers shared by the dotflow-server tests (constants, subprocess runners, event checks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TOKEN = "tok-5ecret-never-logged-8c1f"
MANAGED_VARIABLES = (
    "WORKFLOW_ID",
    "SERVER_BASE_URL",
    "SERVER_USER_TOKEN",
    "DOTFLOW_SERVER_URL",
    "DOTFLOW_USER_TOKEN",
    "TASK_ID",
)
DOTFLOW = Path(sys.executable).with_name("dotflow")


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without managed-mode variables, with the test steps importable."""
    env = {k: v for k, v in os.environ.items() if k not in MANAGED_VARIABLES and k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class Ran:
    """A finished subprocess and how long it took (wall time, for upper bounds only)."""

    returncode: int
    stdout: str
    stderr: str
    elapsed: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 90) -> Ran:
    """Run ``args`` to completion."""
    started = time.monotonic()
    done = subprocess.run(
        list(args), env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def run_cli(args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 90) -> Ran:
    """Run the real ``dotflow`` console script."""
    return run([str(DOTFLOW), *args], env, cwd, timeout)


def run_driver(
    steps: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    mode: str = "sequential",
    options: Mapping[str, Any] | None = None,
    timeout: float = 90,
) -> tuple[Ran, dict[str, Any]]:
    """Run ``driver.py`` (a runner's Python entry point with small ServerAPI settings)."""
    env = dict(env)
    if options:
        env["DOTFLOW_TEST_SERVER_OPTIONS"] = json.dumps(options)
    ran = run([sys.executable, str(HERE / "driver.py"), mode, *steps], env, cwd, timeout)
    lines = [line for line in ran.stdout.splitlines() if line.startswith("{")]
    assert lines, ran.output
    return ran, json.loads(lines[-1])


Row = tuple[str, str, Any]


def summary(events: list[dict[str, Any]]) -> list[Row]:
    """``(method, path, what)`` of each backend event in order: the status, or a POST's ``id``."""
    return [
        (
            e["method"],
            e["path"],
            e["body"].get("id") if e["method"] == "POST" else e["body"].get("status"),
        )
        for e in events
    ]


def expected_run(workflow_id: str, task_ids: Sequence[int], created: bool) -> list[Row]:
    """The events of a sequential run of tasks that all complete, as :func:`summary` shows them."""
    base = f"/workflows/{workflow_id}"
    events: list[Row] = []
    if created:
        events.append(("POST", "/workflows", workflow_id))
    events += [("POST", f"{base}/tasks", tid) for tid in task_ids]
    events.append(("PATCH", base, "In progress"))
    for tid in task_ids:
        events += [
            ("PATCH", f"{base}/tasks/{tid}", "In progress"),
            ("PATCH", f"{base}/tasks/{tid}", "Completed"),
        ]
    events.append(("PATCH", base, "Completed"))
    return events


def is_subsequence(part: Sequence[Any], whole: Sequence[Any]) -> bool:
    """Whether ``part`` appears in ``whole`` in the same order (gaps allowed)."""
    rest = iter(whole)
    return all(any(item == other for other in rest) for item in part)

"""Seed 000, the RFC of ``dotflow start --workflow module.factory``: every snippet, run for real.

The RFC's ``dotflow_cloud`` project is written to a temporary folder (its modules are the RFC's
own code); every CLI line runs the installed ``dotflow`` command there.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

# seed_run.py sits next to this file (tests use --import-mode=importlib, which adds no folder).
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
from seed_run import dotflow, write

ACTIONS = """
from dotflow import action


@action
def step_one():
    return {"one": 1}


@action
def step_two(previous_context):
    return {"two": 2, "after": previous_context.storage}
"""

# "Factory shape", verbatim.
FACTORY = """
from dotflow import Config, DotFlow
from dotflow_cloud.actions import step_one, step_two
def main() -> DotFlow:
    workflow = DotFlow(config=Config())
    workflow.task.add(step=step_one)
    workflow.task.add(step=step_two)
    return workflow # no @action, no .start() here
"""

# "Motivation": the pattern the RFC replaces, which must keep working with --step.
CURRENT_PAIN = """
from dotflow import Config, DotFlow, action
from dotflow_cloud.actions import step_one, step_two
@action
def main():
    workflow = DotFlow(config=Config())
    workflow.task.add(step=step_one)
    workflow.task.add(step=step_two)
    workflow.start(mode="sequential")
    return workflow
"""

# Open question "return-type validation": factories that start the workflow themselves.
NOT_FACTORIES = """
from dotflow import DotFlow
from dotflow_cloud.actions import step_one

def starts_itself():
    workflow = DotFlow()
    workflow.task.add(step=step_one)
    workflow.start()

not_callable = 42

def with_cli_defaults() -> DotFlow:
    from dotflow import Config
    from dotflow.providers import StorageFile

    workflow = DotFlow(config=Config(storage=StorageFile(path="factory_out")))
    workflow.task.add(step=step_one)
    return workflow
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "dotflow_cloud/actions.py", ACTIONS)
    write(tmp_path, "dotflow_cloud/workflow.py", FACTORY)
    write(tmp_path, "dotflow_cloud/legacy.py", CURRENT_PAIN)
    write(tmp_path, "dotflow_cloud/others.py", NOT_FACTORIES)
    return tmp_path


def _stored(folder: Path, stdout: str) -> list[dict[str, object]]:
    workflow_id = re.search(r"workflow id (\S+)", stdout)
    assert workflow_id, stdout
    files = sorted((folder / workflow_id.group(1)).glob("[0-9]*.json"), key=lambda p: int(p.stem))
    return [json.loads(path.read_text())["storage"] for path in files]


def test_usage_runs_the_factory(project: Path) -> None:
    done = dotflow("start", "--workflow", "dotflow_cloud.workflow.main", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "task 1 step_one: Completed" in done.stdout
    assert "task 2 step_two: Completed" in done.stdout
    assert "Workflow completed: 2 tasks (2 completed)" in done.stdout


def test_usage_short_flag_and_storage(project: Path) -> None:
    done = dotflow(
        "start", "-w", "dotflow_cloud.workflow.main", "--storage", "file", "--path", "out",
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _stored(project / "out", done.stdout) == [
        {"one": 1},
        {"two": 2, "after": {"one": 1}},
    ]


def test_usage_with_mode_parallel(project: Path) -> None:
    done = dotflow(
        "start", "--workflow", "dotflow_cloud.workflow.main", "--mode", "parallel",
        "--storage", "file", "--path", "out",
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # In parallel mode the tasks run side by side: step_two has no previous context.
    assert _stored(project / "out", done.stdout) == [{"one": 1}, {"two": 2, "after": None}]


def test_cli_wins_over_factory_defaults(project: Path) -> None:
    done = dotflow(
        "start", "--workflow", "dotflow_cloud.others.with_cli_defaults",
        "--storage", "file", "--path", "cli_out",
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _stored(project / "cli_out", done.stdout) == [{"one": 1}]
    assert not (project / "factory_out").exists()


def test_step_and_workflow_are_mutually_exclusive(project: Path) -> None:
    both = dotflow(
        "start", "--workflow", "dotflow_cloud.workflow.main",
        "--step", "dotflow_cloud.actions.step_one",
        cwd=project,
    )  # fmt: skip
    neither = dotflow("start", cwd=project)
    for done in (both, neither):
        assert done.returncode == 2
        assert "give exactly one of --step MODULE.FUNC and --workflow MODULE.FACTORY" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        ("dotflow_cloud.others.starts_itself", "the factory returned NoneType, not a DotFlow"),
        ("dotflow_cloud.others.not_callable", "is a int, not callable"),
        ("dotflow_cloud.actions.step_one", "not a DotFlow"),
    ],
)
def test_invalid_workflow_factory(project: Path, factory: str, message: str) -> None:
    done = dotflow("start", "--workflow", factory, cwd=project)
    assert done.returncode == 2
    assert f"Error: --workflow {factory}: " in done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_workflow_factory_is_the_rfc_exception() -> None:
    from dotflow.core.exception import InvalidWorkflowFactory
    from dotflow.core.exceptions import DotflowError

    assert issubclass(InvalidWorkflowFactory, DotflowError)


def test_step_still_runs_the_old_pattern(project: Path) -> None:
    # Non-goal: "No deprecation of --step".
    done = dotflow("start", "--step", "dotflow_cloud.legacy.main", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "task 1 main: Completed" in done.stdout


def test_factory_is_plain_python(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(project))
    try:
        from dotflow_cloud.workflow import main  # type: ignore[import-not-found]

        workflow = main()
        workflow.start(mode="sequential")
        assert workflow.result_storage() == [{"one": 1}, {"two": 2, "after": {"one": 1}}]
    finally:
        for name in [m for m in sys.modules if m.partition(".")[0] == "dotflow_cloud"]:
            del sys.modules[name]

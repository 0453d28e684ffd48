"""dotflow 1.0.1's public names, called the way 1.0.1 users call them.

Each name is an alias, a lazy lookup or a thin adapter over today's API; these tests pin that the
1.0.1 spelling reaches today's behaviour (the same classes raised, the same runs).
"""

from __future__ import annotations

import importlib
import json
import logging
import platform
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import Any

import pytest

from dotflow import Config, DotFlow, action
from dotflow.core import registry
from dotflow.core.types.status import TypeStatus

PROVIDER_MODULES = {
    "storage_s3": ("StorageS3", "dotflow-aws", "dotflow.aws.storage"),
    "storage_gcs": ("StorageGCS", "dotflow-gcp", "dotflow.gcp.storage"),
    "server_api": ("ServerAPI", "dotflow-server", "dotflow.server.api"),
    "notify_telegram": ("NotifyTelegram", "dotflow-telegram", "dotflow.telegram.notify"),
    "scheduler_cron": ("SchedulerCron", "dotflow-cron", "dotflow.cron.scheduler"),
}


@action
def one() -> int:
    return 1


@action
def add_one(previous_context: Any) -> int:
    return previous_context.storage + 1


@action
def echo(initial_context: Any) -> Any:
    return initial_context.storage


def plain() -> int:
    return 1


ATTEMPTS: list[int] = []


# --- provider modules -------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(PROVIDER_MODULES))
def test_provider_module_gives_the_adapter_class(module: str) -> None:
    cls_name, _, home = PROVIDER_MODULES[module]
    compat = importlib.import_module(f"dotflow.providers.{module}")
    adapter = getattr(compat, cls_name)
    assert adapter is getattr(importlib.import_module(home), cls_name)
    assert cls_name in dir(compat)
    with pytest.raises(AttributeError, match="has no attribute 'Elsewhere'"):
        compat.Elsewhere  # noqa: B018


def test_provider_modules_import_no_adapter() -> None:
    modules = ", ".join(f"dotflow.providers.{m}" for m in PROVIDER_MODULES)
    code = (
        f"import sys, {modules}\n"
        "heavy = ('boto3', 'google', 'telegram', 'apscheduler', 'requests', 'dotflow.aws', "
        "'dotflow.gcp', 'dotflow.server', 'dotflow.telegram', 'dotflow.cron')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted(PROVIDER_MODULES))
def test_provider_module_names_the_missing_distribution(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls_name, distribution, _ = PROVIDER_MODULES[module]
    installed = registry._entry_points()
    # The registry as it is when the distribution is not installed: its entry point is absent.
    without = {
        port: {name: ep for name, ep in entries.items() if not ep.value.endswith(f":{cls_name}")}
        for port, entries in installed.items()
    }
    monkeypatch.setattr(registry, "_entry_points", lambda: without)
    compat = importlib.import_module(f"dotflow.providers.{module}")
    with pytest.raises(ModuleNotFoundError) as caught:
        getattr(compat, cls_name)
    assert str(caught.value) == (
        f"{cls_name} is provided by {distribution}: pip install {distribution}"
    )
    assert caught.value.name == distribution
    # 1.0.1's spelling of the same error
    from dotflow.core.exception import ModuleNotFound

    with pytest.raises(ModuleNotFound):
        exec(f"from dotflow.providers.{module} import {cls_name}", {})


# --- dotflow.core.exception -------------------------------------------------------------------


def test_missing_action_decorator() -> None:
    from dotflow.core.exception import MissingActionDecorator

    with pytest.raises(MissingActionDecorator, match="is not an @action"):
        DotFlow().task.add(step=plain)


def test_execution_mode_not_exist() -> None:
    from dotflow.core.exception import ExecutionModeNotExist

    workflow = DotFlow()
    workflow.task.add(step=one)
    with pytest.raises(ExecutionModeNotExist, match="unknown execution mode 'sideways'"):
        workflow.start(mode="sideways")


def test_import_module_error() -> None:
    from dotflow.core.exception import ImportModuleError

    with pytest.raises(ImportModuleError, match="no_such_module_101"):
        DotFlow().task.add(step="no_such_module_101.step")


def test_not_callable_object() -> None:
    from dotflow.core.exception import NotCallableObject

    with pytest.raises(NotCallableObject, match="callback must be callable"):
        DotFlow().task.add(step=one, callback=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):  # it still is the TypeError it was
        DotFlow().task.add(step=one, callback=42)  # type: ignore[arg-type]


def test_invalid_on_input_change() -> None:
    from dotflow.core.exception import InvalidOnInputChange

    workflow = DotFlow()
    workflow.task.add(step=one)
    with pytest.raises(InvalidOnInputChange, match="'sometimes'"):
        workflow.start(on_input_change="sometimes")


def test_input_changed_error(tmp_path: Any) -> None:
    from dotflow.core.exception import InputChangedError
    from dotflow.core.types import TypeInputChange
    from dotflow.providers import StorageFile

    def build(value: str) -> DotFlow:
        workflow = DotFlow(Config(storage=StorageFile(path=tmp_path)), workflow_id="inputs-101")
        workflow.task.add(step=echo, initial_context=value)
        return workflow

    build("a").start()
    with pytest.raises(InputChangedError, match="inputs-101"):
        build("b").start(resume=True, on_input_change=TypeInputChange.RAISE)


def test_invalid_workflow_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    from dotflow.cli.loading import load_factory
    from dotflow.core.exception import InvalidWorkflowFactory

    module = type(sys)("factories_101")
    module.not_callable = 3  # type: ignore[attr-defined]
    module.returns_none = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "factories_101", module)
    with pytest.raises(InvalidWorkflowFactory, match="not callable"):
        load_factory("factories_101.not_callable")
    with pytest.raises(InvalidWorkflowFactory, match="returned NoneType, not a DotFlow"):
        load_factory("factories_101.returns_none")


def test_task_error_is_the_error_kept_per_attempt() -> None:
    from dotflow.core.exception import TaskError

    @action(retry=2, retry_delay=0)
    def boom() -> None:
        raise ValueError("boom")

    workflow = DotFlow()
    workflow.task.add(step=boom)
    workflow.start()
    errors = workflow.result_task()[0].errors
    assert [type(e) for e in errors] == [TaskError, TaskError]
    assert [(e.attempt, e.exception, e.message) for e in errors] == [
        (1, "ValueError", "boom"),
        (2, "ValueError", "boom"),
    ]


# --- type modules -----------------------------------------------------------------------------


def test_dotflow_types() -> None:
    from dotflow import types

    assert types.TypeStatus is TypeStatus
    assert types.TypeStatus.FAILED == "Failed"
    assert {str(s) for s in types.TypeStorage} <= set(registry.names("storage"))


def test_core_types_compat_names() -> None:
    from dotflow.core.types import VALID_POLICIES, TypeInputChange, TypeOverlap, TypeStorage
    from dotflow.core.types.workflow import WorkflowStatus
    from dotflow.cron import OVERLAP_POLICIES

    assert TypeStorage.S3 == "s3" and TypeStorage.FILE == "file"
    assert set(TypeOverlap) == set(OVERLAP_POLICIES)
    assert tuple(TypeInputChange) == VALID_POLICIES == ("reuse", "reset", "raise")
    workflow = DotFlow()
    workflow.task.add(step=one)
    for policy in VALID_POLICIES:
        workflow.start(on_input_change=policy)
    assert workflow.result().status == WorkflowStatus.COMPLETED
    assert WorkflowStatus.NEW is WorkflowStatus.NOT_STARTED
    assert DotFlow().result().status == WorkflowStatus.NEW


def test_core_types_unknown_name() -> None:
    import dotflow.core.types as types

    with pytest.raises(AttributeError, match="TypeNothing"):
        types.TypeNothing  # noqa: B018


def test_dotflow_core_dotflow() -> None:
    from dotflow.core.dotflow import DotFlow as Old

    assert Old is DotFlow


def test_log_levels() -> None:
    from dotflow.abc.log import LEVELS
    from dotflow.providers import LogDefault

    assert LEVELS == {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
    logger = logging.getLogger("dotflow")
    before = logger.level
    try:
        for name, number in LEVELS.items():
            LogDefault(level=name)
            assert logger.level == number
    finally:
        logger.setLevel(before)


class TestStorageContract101(unittest.TestCase):
    """1.0.1's contract was mixed into a ``unittest.TestCase``; the path still gives the suite."""

    def test_the_suite_runs_under_unittest(self) -> None:
        from dotflow.providers import StorageDefault
        from dotflow.testing import StorageContract
        from dotflow.testing.storage_contract import StorageContract as Old

        assert Old is StorageContract

        class MemoryContract(Old, unittest.TestCase):
            shared_across_processes = False
            json_only = False
            keys_are_paths = False

            def make_storage(self) -> StorageDefault:
                return StorageDefault()

        names = sorted(n for n in dir(MemoryContract) if n.startswith("test_"))
        assert len(names) > 10
        suite = unittest.TestSuite(MemoryContract(name) for name in names)
        outcome = unittest.TestResult()
        suite.run(outcome)
        assert outcome.testsRun == len(names)
        assert outcome.wasSuccessful(), outcome.failures + outcome.errors


# --- behaviour adapters -----------------------------------------------------------------------


def test_action_class_as_a_decorator_factory() -> None:
    from dotflow.core.action import Action

    @Action(retry=3, retry_delay=0)
    def flaky() -> str:
        ATTEMPTS.append(1)
        if len(ATTEMPTS) < 3:
            raise RuntimeError("not yet")
        return "ok"

    @Action
    def bare() -> str:
        return "bare"

    ATTEMPTS.clear()
    assert isinstance(flaky, Action) and flaky.retry == 3
    workflow = DotFlow()
    workflow.task.add(step=[flaky, bare])
    workflow.start()
    assert workflow.result_storage() == ["ok", "bare"]
    assert workflow.result_task()[0].retry_count == 2
    with pytest.raises(ValueError, match="retry is the total number of attempts"):
        Action(retry=0)(plain)


def test_notify_written_for_101_is_called() -> None:
    from dotflow.abc import Notify

    class Recorder(Notify):
        def __init__(self) -> None:
            self.seen: list[tuple[int, str]] = []

        def hook_status_task(self, task: Any) -> None:
            self.seen.append((task.task_id, task.status))

    notify = Recorder()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=[one, add_one])
    workflow.start()
    assert notify.seen == [
        (1, "In progress"),
        (1, "Completed"),
        (2, "In progress"),
        (2, "Completed"),
    ]

    class Neither(Notify):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Neither()  # type: ignore[abstract]


def test_workflow_name() -> None:
    assert DotFlow(name="nightly-etl").name == "nightly-etl"
    assert DotFlow().name == platform.node()  # 1.0.1's default: the host name
    with pytest.raises(TypeError, match="expects a str"):
        DotFlow(name=7)  # type: ignore[arg-type]


def test_result_and_schema_model_dump() -> None:
    workflow = DotFlow(workflow_id="dump-101")
    workflow.task.add(step=one)
    workflow.task.add(step=add_one, initial_context={"k": [1]})
    workflow.start()
    result = workflow.result()
    assert result.model_dump() == result.to_dict() == result.model_dump(mode="json")
    assert json.loads(result.model_dump_json()) == json.loads(result.to_json())
    assert result.model_dump_json(indent=2) == result.to_json(indent=2)
    with pytest.raises(ValueError, match="use 'python' or 'json'"):
        result.model_dump(mode="yaml")
    schema = workflow.task.schema()
    assert isinstance(schema, dict)
    assert schema.model_dump() == dict(schema)
    assert json.loads(schema.model_dump_json()) == {
        "workflow_id": "dump-101",
        "tasks": [
            {
                "task_id": 1,
                "step": "one",
                "callback": None,
                "group_name": "default",
                "initial_context": None,
            },
            {
                "task_id": 2,
                "step": "add_one",
                "callback": None,
                "group_name": "default",
                "initial_context": {"k": [1]},
            },
        ],
    }


def test_scheduler_written_for_101_gets_a_callable() -> None:
    from dotflow.abc import Scheduler

    class RunTwice(Scheduler):
        def __init__(self) -> None:
            self.runs: list[Any] = []

        def start(self, workflow: Any, **kwargs: Any) -> None:
            for _ in range(2):
                self.runs.append(workflow(**kwargs))

        def stop(self) -> None:
            return None

    scheduler = RunTwice()
    workflow = DotFlow(config=Config(scheduler=scheduler))
    workflow.task.add(step=[one, add_one])
    workflow.schedule(keep_going=True)
    assert [run.status for run in scheduler.runs] == ["Completed", "Completed"]
    assert scheduler.runs[-1] is workflow.last_run
    assert workflow.result_storage() == [1, 2]


def test_queue_shows_the_latest_run() -> None:
    @action(retry=2, retry_delay=0)
    def fails() -> None:
        raise KeyError("missing")

    workflow = DotFlow()
    workflow.task.add(step=[one, fails, add_one])
    workflow.start(keep_going=True)
    queue = workflow.task.queue
    assert queue == workflow.result_task()
    assert [t.status for t in queue] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.FAILED,
    ]
    assert queue[1].retry_count == 1
    assert [e.exception for e in queue[1].errors] == ["KeyError", "KeyError"]
    assert queue[0].current_context.storage == 1
    workflow.start()  # a second run replaces the first: errors do not accumulate
    assert len(workflow.task.queue[1].errors) == 2
    assert workflow.task.queue[2].status is TypeStatus.NOT_STARTED  # keep_going=False


def test_background_queue_is_the_live_run() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[one, add_one])
    run = workflow.start(mode="background")
    assert run.wait(timeout=60)
    assert [t.current_context.storage for t in workflow.task.queue] == [1, 2]


def test_storage_file_contract_path_and_tempdir() -> None:
    # 1.0.1 users' StorageFile subclasses of the contract build their storage in setUp.
    from dotflow.providers import StorageFile
    from dotflow.testing.storage_contract import StorageContract

    class FileContract(StorageContract, unittest.TestCase):
        def setUp(self) -> None:
            self.folder = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, self.folder)

        def make_storage(self) -> StorageFile:
            return StorageFile(path=self.folder)

    outcome = unittest.TestResult()
    FileContract("test_round_trip_of_every_json_type").run(outcome)
    FileContract("test_list_and_delete_prefix").run(outcome)
    assert outcome.testsRun == 2 and outcome.wasSuccessful(), outcome.errors + outcome.failures

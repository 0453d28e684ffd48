from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dotflow import Config, DotFlow, TypeStatus, action
from dotflow.core.checkpoint import fingerprint_of
from dotflow.core.exceptions import (
    InputChangedError,
    InvalidOnInputChangeError,
    NotJSONSerializableError,
)
from dotflow.providers import StorageDefault, StorageFile

RUNS: list[str] = []


@action
def first(initial_context):
    RUNS.append("first")
    return {"n": initial_context.storage}


@action
def second(previous_context):
    RUNS.append("second")
    return previous_context.storage["n"] * 10


@action
def third(previous_context):
    RUNS.append("third")
    if previous_context.storage == 990:
        raise RuntimeError("not yet")
    return [previous_context.storage, "done"]


def build(storage, value=1, workflow_id="resumable") -> DotFlow:
    workflow = DotFlow(config=Config(storage=storage), workflow_id=workflow_id)
    workflow.task.add(step=first, initial_context=value)
    workflow.task.add(step=second)
    workflow.task.add(step=third)
    return workflow


@pytest.fixture(autouse=True)
def _clear_runs() -> None:
    RUNS.clear()


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background"])
def test_resume_skips_stored_tasks_and_feeds_their_context(tmp_path: Path, mode: str) -> None:
    storage = StorageFile(path=tmp_path)
    build(storage, 99).start(mode=mode).wait()  # third fails on 990
    assert RUNS == ["first", "second", "third"]
    RUNS.clear()
    workflow = build(storage, 99)
    workflow.start(mode=mode, resume=True).wait()
    assert RUNS == ["third"]
    assert workflow.result_task()[2].previous_context.storage == 990
    statuses = [t.status for t in workflow.result_task()]
    assert statuses == [TypeStatus.COMPLETED, TypeStatus.COMPLETED, TypeStatus.FAILED]


@action
def independent(initial_context):
    folder, name, fail = initial_context.storage
    with open(Path(folder) / "ran.txt", "a") as ledger:
        ledger.write(name + "\n")
    if fail and not (Path(folder) / "fixed").exists():
        raise RuntimeError("not fixed yet")
    return name


def test_parallel_resume_skips_or_runs_each_task_independently(tmp_path: Path) -> None:
    def make() -> DotFlow:
        workflow = DotFlow(
            config=Config(storage=StorageFile(path=tmp_path / "out")), workflow_id="par"
        )
        for name, fail in (("a", False), ("b", True), ("c", False)):
            workflow.task.add(step=independent, initial_context=[str(tmp_path), name, fail])
        return workflow

    make().start(mode="parallel", keep_going=True)
    assert sorted((tmp_path / "ran.txt").read_text().split()) == ["a", "b", "c"]
    (tmp_path / "ran.txt").unlink()
    (tmp_path / "fixed").touch()
    workflow = make()
    workflow.start(mode="parallel", resume=True)
    assert (tmp_path / "ran.txt").read_text().split() == ["b"]
    assert workflow.result_storage() == ["a", "b", "c"]


def test_resume_in_groups(tmp_path: Path) -> None:
    broken = {"b2"}

    @action
    def count(initial_context):
        RUNS.append(initial_context.storage)
        if initial_context.storage in broken:
            broken.clear()
            raise RuntimeError("flaky")
        return initial_context.storage

    def make() -> DotFlow:
        workflow = DotFlow(config=Config(storage=StorageFile(path=tmp_path)), workflow_id="groups")
        for name in ("a1", "a2"):
            workflow.task.add(step=count, initial_context=name, group_name="a")
        for name in ("b1", "b2"):
            workflow.task.add(step=count, initial_context=name, group_name="b")
        return workflow

    make().start(keep_going=True)
    assert sorted(RUNS) == ["a1", "a2", "b1", "b2"]
    RUNS.clear()
    workflow = make()
    workflow.start(resume=True)
    assert RUNS == ["b2"]
    assert workflow.result_storage() == ["a1", "a2", "b1", "b2"]


def test_resume_in_a_brand_new_process(tmp_path: Path) -> None:
    script = tmp_path / "flow.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            from dotflow import Config, DotFlow, action
            from dotflow.providers import StorageFile

            @action
            def a():
                print("ran a")
                return {{"list": [1, "two", None]}}

            @action
            def b(previous_context):
                print("ran b")
                if sys.argv[1] == "crash":
                    raise SystemExit(3)
                return previous_context.storage["list"]

            storage = StorageFile({str(tmp_path / "out")!r})
            workflow = DotFlow(Config(storage=storage), workflow_id="fresh")
            workflow.task.add(step=[a, b])
            workflow.start(resume=sys.argv[1] == "resume")
            print("result", workflow.result_storage())
            """
        )
    )
    crashed = subprocess.run([sys.executable, str(script), "crash"], capture_output=True, text=True)
    assert crashed.returncode == 3 and "ran a" in crashed.stdout
    resumed = subprocess.run(
        [sys.executable, str(script), "resume"], capture_output=True, text=True, check=True
    )
    assert "ran a" not in resumed.stdout
    assert "result [{'list': [1, 'two', None]}, [1, 'two', None]]" in resumed.stdout


def test_a_run_without_resume_starts_clean(tmp_path: Path) -> None:
    storage = StorageFile(path=tmp_path)
    build(storage, 1).start()
    assert RUNS == ["first", "second", "third"]
    RUNS.clear()
    build(storage, 99).start()  # a fresh run replaces the old checkpoints
    RUNS.clear()
    build(storage, 99).start(resume=True)
    assert RUNS == ["third"]  # not the stale third result of the first run


def test_on_input_change_policies(tmp_path: Path) -> None:
    storage = StorageFile(path=tmp_path)
    build(storage, 1).start()
    RUNS.clear()

    build(storage, 2).start(resume=True)  # reuse (default): inputs changed, checkpoints kept
    assert RUNS == []

    with pytest.raises(InputChangedError, match="'resumable'"):
        build(storage, 3).start(resume=True, on_input_change="raise")
    assert RUNS == []

    workflow = build(storage, 3)
    workflow.start(resume=True, on_input_change="reset")
    assert RUNS == ["first", "second", "third"]
    assert workflow.result_storage() == [{"n": 3}, 30, [30, "done"]]


def test_same_inputs_resume_under_raise(tmp_path: Path) -> None:
    storage = StorageFile(path=tmp_path)
    build(storage, 1).start()
    RUNS.clear()
    build(storage, 1).start(resume=True, on_input_change="raise")
    assert RUNS == []


def test_explicit_fingerprint_wins(tmp_path: Path) -> None:
    storage = StorageFile(path=tmp_path)
    build(storage, 1).start(fingerprint="v1")
    RUNS.clear()
    build(storage, 2).start(resume=True, on_input_change="raise", fingerprint="v1")
    assert RUNS == []
    with pytest.raises(InputChangedError):
        build(storage, 1).start(resume=True, on_input_change="raise", fingerprint="v2")


def test_invalid_policy_is_refused_before_anything_runs() -> None:
    with pytest.raises(InvalidOnInputChangeError, match="'reuse'"):
        build(StorageDefault()).start(on_input_change="ignore")
    assert RUNS == []


def test_fingerprint_is_stable_across_processes() -> None:
    values = [{"b": 1, "a": [1, 2]}, {"x", "y"}, "text", None]
    workflow = DotFlow()
    for value in values:
        workflow.task.add(step=first, initial_context=value)
    here = fingerprint_of(workflow.task.queue)
    code = textwrap.dedent(
        f"""
        from dotflow import DotFlow
        from dotflow.core.checkpoint import fingerprint_of
        import test_checkpoint as t
        w = DotFlow()
        for v in {values!r}:
            w.task.add(step=t.first, initial_context=v)
        print(fingerprint_of(w.task.queue))
        """
    )
    there = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout.strip()
    assert here == there


def test_unstorable_result_fails_the_task_with_the_fix(tmp_path: Path) -> None:
    @action
    def gives_a_range():
        return {"rows": range(3)}

    workflow = DotFlow(config=Config(storage=StorageFile(path=tmp_path)), workflow_id="ranges")
    workflow.task.add(step=gives_a_range)
    workflow.start()
    task = workflow.result_task()[0]
    assert task.status is TypeStatus.FAILED
    assert task.errors[-1].exception == NotJSONSerializableError.__name__
    message = task.errors[-1].message
    assert "result['rows']" in message or "range" in message
    assert "serializer='pickle'" in message


def test_file_layout(tmp_path: Path) -> None:
    build(StorageFile(path=tmp_path), 5).start()
    folder = tmp_path / "resumable"
    assert sorted(p.name for p in folder.iterdir()) == [
        "1.json",
        "2.json",
        "3.json",
        "fingerprint.json",
    ]
    document = json.loads((folder / "3.json").read_text())
    assert document["storage"] == [50, "done"]
    assert document["task_id"] == 3 and document["workflow_id"] == "resumable"


def test_a_generated_id_never_resumes_from_results_a_later_fresh_run_replaced() -> None:
    workflow = build(StorageDefault(), 1, workflow_id=None)
    workflow.start()
    workflow.task.clear()
    workflow.task.add(step=first, initial_context=99)
    workflow.task.add(step=second)
    workflow.task.add(step=third)
    RUNS.clear()
    workflow.start()  # a fresh run: third fails now, and the first run's third result goes
    assert RUNS == ["first", "second", "third"]
    RUNS.clear()
    workflow.start(resume=True)
    assert RUNS == ["third"]  # not the first run's result

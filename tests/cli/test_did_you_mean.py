"""A misspelled step or factory name gets a "did you mean" with the closest public name."""

from __future__ import annotations

from pathlib import Path

from cli_support import assert_bad_input

PIPELINE = """
from dotflow import DotFlow, action

@action
def extract():
    return 1

def main():
    workflow = DotFlow()
    workflow.task.add(step=extract)
    return workflow
"""


def test_misspelled_factory(run, tmp_path: Path) -> None:
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    for path in ("pipeline:mian", "pipeline.mian"):
        done = run("start", "--workflow", path)
        line = assert_bad_input(done.returncode, done.stderr, "'mian'")
        assert line.endswith("did you mean 'main'?"), line


def test_misspelled_step(run, tmp_path: Path) -> None:
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    done = run("start", "--step", "pipeline.extrct")
    line = assert_bad_input(done.returncode, done.stderr, "'extrct'")
    assert line.endswith("did you mean 'extract'?"), line


def test_no_suggestion_when_nothing_is_close(run, tmp_path: Path) -> None:
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    done = run("start", "--workflow", "pipeline.zzzz")
    line = assert_bad_input(done.returncode, done.stderr, "has no attribute 'zzzz'")
    assert "did you mean" not in line

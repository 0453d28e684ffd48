"""``dotflow --debug start`` on a failing step prints the step's traceback; without it, one line."""

from __future__ import annotations

from pathlib import Path

STEP = """
from dotflow import action

def parse(value):
    raise ValueError(f"bad value {value}")

@action(retry=2)
def boom():
    parse(3)
"""


def test_debug_prints_the_failed_steps_traceback(run, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(STEP)
    done = run("--debug", "start", "--step", "broken.boom")
    assert done.returncode == 1, done.stderr
    assert "task 1 boom: Failed" in done.stdout and "(ValueError: bad value 3)" in done.stdout
    err = done.stderr
    assert "Traceback of task 1 boom, attempt 2:" in err
    assert 'broken.py", line 9, in boom' in err and 'broken.py", line 5, in parse' in err
    assert err.rstrip().endswith("ValueError: bad value 3") or "ValueError: bad value 3\n" in err


def test_debug_from_the_environment_too(run, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(STEP)
    done = run("start", "--step", "broken.boom", "-q", env={"DOTFLOW_DEBUG": "1"})
    assert done.returncode == 1
    assert "Traceback of task 1 boom, attempt 2:" in done.stderr
    assert "line 5, in parse" in done.stderr


def test_without_debug_no_traceback(run, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(STEP)
    done = run("start", "--step", "broken.boom")
    assert done.returncode == 1
    assert "(ValueError: bad value 3)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr

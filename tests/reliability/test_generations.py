"""A fresh start killed while clearing the previous run's results (issue 13, item 8).

A later ``resume=True`` must not combine results of the older run with results of its own: the
generation marker, written before the clearing, makes it start clean instead.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

FLOW = Path(__file__).with_name("generation_flow.py")


def _run(root: Path, tag: str, mode: str, kill_after: int | None = None) -> list[str]:
    argv = [sys.executable, str(FLOW), str(root), tag, mode]
    if kill_after is not None:
        argv.append(str(kill_after))
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if kill_after is not None:
        assert done.returncode == -signal.SIGKILL, done.stderr
        return []
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("kill_after", [0, 1, 17, 39])
def test_a_resume_after_an_interrupted_clearing_uses_one_generation(
    tmp_path: Path, kill_after: int
) -> None:
    root = tmp_path / "out"
    assert set(r.split("-")[0] for r in _run(root, "old", "fresh")) == {"old"}
    _run(root, "killed", "fresh", kill_after=kill_after)
    left = sorted(p.name for p in (root / "generations").glob("[0-9]*.json"))
    assert len(left) == 40 - kill_after  # old results are still there

    results = _run(root, "new", "resume")

    assert results == [f"new-{position}" for position in range(1, 41)]


def test_a_resume_after_a_finished_fresh_start_reuses_its_results(tmp_path: Path) -> None:
    root = tmp_path / "out"
    _run(root, "old", "fresh")
    _run(root, "first", "fresh")
    assert _run(root, "second", "resume") == [f"first-{p}" for p in range(1, 41)]

"""The cron examples run as written, with a seconds cron and a run limit instead of waiting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cron"

pytestmark = pytest.mark.timeout(90)


def _run(name: str, *args: str, **env: str) -> str:
    path = EXAMPLES / name
    done = subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert expected, f"{path} has no '# expect:' line"
    assert expected.group(1) in done.stdout, done.stdout + done.stderr
    return done.stdout


def test_scheduler_example() -> None:
    out = _run("scheduler.py", DOTFLOW_CRON="* * * * * *", DOTFLOW_MAX_RUNS="2")
    assert out.splitlines() == ["synced (run 1)", "synced (run 2)"]


def test_overlap_example() -> None:
    _run("overlap.py", "queue")

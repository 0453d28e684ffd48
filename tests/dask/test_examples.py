"""Every example in examples/dask/ runs and prints what its ``# expect:`` line says.

They run without DOTFLOW_DASK_ADDRESS, so mode="dask" starts (and closes) its own local cluster.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "dask"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if "# expect: " in p.read_text())


def test_there_are_examples() -> None:
    assert len(SCRIPTS) >= 2


@pytest.mark.timeout(180)
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert expected is not None
    env = {k: v for k, v in os.environ.items() if k != "DOTFLOW_DASK_ADDRESS"}
    done = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=150,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert expected.group(1) in done.stdout, done.stdout + done.stderr

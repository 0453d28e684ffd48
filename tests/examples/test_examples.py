"""Every example in examples/ runs and prints what its ``# expect:`` line says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Examples of the adapter packages and the CLI are run by those packages' tests.
ADAPTER_FOLDERS = {"cli", "server", "telegram", "cron", "dask", "otel"}
CORE_EXAMPLES = sorted(
    path
    for path in (ROOT / "examples").rglob("*.py")
    if path.relative_to(ROOT / "examples").parts[0] not in ADAPTER_FOLDERS
    and "s3" not in path.name
    and "gcs" not in path.name
)


def _expected(path: Path) -> str:
    match = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path} has no '# expect:' line"
    return match.group(1)


def test_there_are_examples() -> None:
    assert len(CORE_EXAMPLES) >= 30


@pytest.mark.parametrize("path", CORE_EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_example_runs(path: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(path), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert _expected(path) in done.stdout, done.stdout + done.stderr

"""``python -m dotflow``: the CLI when dotflow-cli is installed, the install hint when it is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text().strip()


def test_core_only_points_at_dotflow_cli(core_only_venv: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(core_only_venv), "-m", "dotflow", "start", "--step", "x.y"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: the dotflow command line is provided by dotflow-cli, which is not installed: "
        "pip install dotflow-cli (or pip install dotflow, the library and the CLI)"
    )


def test_with_the_cli_it_is_the_dotflow_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dotflow", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"dotflow-cli {VERSION} (dotflow-core {VERSION}, ")
    usage = subprocess.run(
        [sys.executable, "-m", "dotflow", "start", "--nope"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert usage.returncode == 2 and "Usage: dotflow start" in usage.stderr

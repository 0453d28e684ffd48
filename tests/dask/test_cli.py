"""`dotflow start --mode dask` runs a step on the cluster named by DOTFLOW_DASK_ADDRESS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DOTFLOW = Path(sys.executable).with_name("dotflow")

pytestmark = pytest.mark.timeout(120)


def _dotflow(address: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The step module lives in this folder: PYTHONPATH makes it importable by the CLI (the
    # cluster's workers already have this folder on their sys.path).
    env = {**os.environ, "DOTFLOW_DASK_ADDRESS": address, "PYTHONPATH": str(HERE)}
    return subprocess.run(
        [str(DOTFLOW), "start", *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=cwd,
        env=env,
    )


def test_the_cli_runs_a_step_in_dask_mode(dask_address: str, tmp_path: Path) -> None:
    done = _dotflow(
        dask_address, tmp_path, "--step", "dask_steps.echo", "-i", '{"rows": [1, 2]}',
        "--mode", "dask", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["mode"] == "dask"
    assert result["status"] == "Completed"
    assert result["tasks"][0]["current_context"] == {"rows": [1, 2]}


def test_a_failing_step_exits_1(dask_address: str, tmp_path: Path) -> None:
    done = _dotflow(dask_address, tmp_path, "--step", "dask_steps.boom", "--mode", "dask")
    assert done.returncode == 1, done.stderr
    assert "ValueError: boom" in done.stdout + done.stderr


def test_dotflow_plugins_lists_the_mode() -> None:
    done = subprocess.run(
        [str(DOTFLOW), "plugins"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if line.split()[:1] == ["dask"]]
    assert "dotflow.dask.execution:ExecutionDask" in line
    assert "dotflow-dask" in line


def test_dask_address_flag_names_the_cluster(dask_address: str, tmp_path: Path) -> None:
    done = _dotflow(
        "tcp://127.0.0.1:1", tmp_path, "--step", "dask_steps.echo", "-i", "[1]",
        "--mode", "dask", "--dask-address", dask_address, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["mode"] == "dask"
    assert result["tasks"][0]["current_context"] == [1]


def test_dask_address_needs_dask_mode(tmp_path: Path) -> None:
    done = _dotflow("", tmp_path, "--step", "dask_steps.echo", "--dask-address", "tcp://x:1")
    assert done.returncode == 2
    assert "--dask-address applies to --mode dask" in done.stderr
    assert "Traceback" not in done.stderr

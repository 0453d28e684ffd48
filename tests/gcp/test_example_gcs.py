"""examples/storage/storage_gcs.py runs against the emulator the tests start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dotflow.gcp import StorageGCS

EXAMPLE = Path(__file__).parents[2] / "examples" / "storage" / "storage_gcs.py"


def test_the_gcs_example_runs(gcs_env, gcs_bucket) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=gcs_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines.count("running extract") == 1 and lines.count("running load") == 1
    assert f"task 3 Completed: gs://{gcs_bucket}/pipelines/users-report/3.json" in lines
    assert "loaded 120 active users" in lines
    assert lines[-1] == "resumed run: Completed"
    stored = StorageGCS(bucket=gcs_bucket, prefix="pipelines/")
    assert stored.get("users-report/2").storage == {"users": 150, "active": 120}

"""examples/storage/storage_s3.py runs against the S3 server the tests start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dotflow.aws import StorageS3

EXAMPLE = Path(__file__).parents[2] / "examples" / "storage" / "storage_s3.py"


def test_the_s3_example_runs(aws_env, s3_endpoint, s3_bucket) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=aws_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines.count("running extract") == 1 and lines.count("running load") == 1
    assert f"task 3 Completed: s3://{s3_bucket}/pipelines/users-report/3.json" in lines
    assert "loaded 120 active users" in lines
    assert lines[-1] == "resumed run: Completed"
    stored = StorageS3(bucket=s3_bucket, prefix="pipelines/", endpoint_url=s3_endpoint)
    assert stored.get("users-report/2").storage == {"users": 150, "active": 120}

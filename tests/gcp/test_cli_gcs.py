"""``dotflow start --storage gcs``: the CLI builds StorageGCS from the environment."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid

from dotflow.gcp import StorageGCS


def _dotflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The steps are installed (dotflow.testing); a scratch folder takes the execution log the
    # CLI writes under ./.output, so the test run leaves nothing in the source tree.
    with tempfile.TemporaryDirectory() as scratch:
        return subprocess.run(
            [sys.executable, "-m", "dotflow.cli", *args],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def test_start_with_gcs_storage_and_resume(gcs_env, gcs_bucket, tmp_path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**gcs_env, "DOTFLOW_TEST_MARKS": str(marks)}
    workflow_id = f"cli-{uuid.uuid4().hex[:8]}"
    args = (
        "start",
        "--step",
        "dotflow.testing.resume_flow.step1",
        "--storage",
        "gcs",
        "--workflow-id",
        workflow_id,
    )

    first = _dotflow(env, *args)
    assert first.returncode == 0, first.stderr
    stored = StorageGCS(bucket=gcs_bucket)
    assert stored.get(f"{workflow_id}/1").storage == [1]

    again = _dotflow(env, *args, "--resume")
    assert again.returncode == 0, again.stderr
    assert (marks / "task1").read_text().splitlines() == ["ran"], "resume ran the step again"


def test_start_with_bucket_and_prefix_from_path(gcs_env, gcs_bucket, tmp_path):
    env = {**gcs_env, "DOTFLOW_TEST_MARKS": str(tmp_path)}
    del env["DOTFLOW_GCS_BUCKET"]
    workflow_id = f"cli-{uuid.uuid4().hex[:8]}"
    done = _dotflow(
        env,
        "start",
        "--step",
        "dotflow.testing.resume_flow.step1",
        "--storage",
        "gcs",
        "--path",
        f"{gcs_bucket}/from-cli",
        "--workflow-id",
        workflow_id,
    )
    assert done.returncode == 0, done.stderr
    stored = StorageGCS(bucket=gcs_bucket, prefix="from-cli/")
    assert stored.get(f"{workflow_id}/1").storage == [1]


def test_start_without_a_bucket_is_bad_input(gcs_env, tmp_path) -> None:
    env = {**gcs_env, "DOTFLOW_TEST_MARKS": str(tmp_path)}
    del env["DOTFLOW_GCS_BUCKET"]
    done = _dotflow(env, "start", "--step", "dotflow.testing.resume_flow.step1", "--storage", "gcs")
    assert done.returncode == 2
    assert "DOTFLOW_GCS_BUCKET" in done.stderr and "Traceback" not in done.stderr

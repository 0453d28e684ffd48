"""The CLI wraps the adapters a factory configured (never replaces them) and builds storages."""

from __future__ import annotations

import json
import subprocess

from cli_support import clean_env


def test_the_factory_notify_and_log_still_get_every_event(cli, tmp_path):
    result = cli("start", "--workflow", "cli_steps.with_own_adapters")
    assert result.exit_code == 1
    assert "✘ task 2 boom: Failed" in result.stdout  # the CLI's progress ...
    assert (tmp_path / "notified.txt").read_text().splitlines() == [  # ... and the factory's notify
        "1 In progress",
        "1 Completed",
        "2 In progress",
        "2 Failed",
    ]
    assert (tmp_path / "logged.txt").read_text().splitlines() == [
        "info 1 In progress",
        "info 1 Completed",
        "info 2 In progress",
        "error 2 Failed",
    ]
    recorded = (tmp_path / ".output" / "logs").glob("*.jsonl")
    [log] = list(recorded)
    assert len(log.read_text().splitlines()) == 6  # 4 task records + run start and end


def test_verbose_logs_status_changes_to_stderr(cli):
    quiet = cli("start", "--step", "cli_steps.boom")
    assert " - 1 - Failed" not in quiet.stderr  # the progress line says it already
    verbose = cli("start", "--step", "cli_steps.boom", "--verbose", "--workflow-id", "v")
    assert "INFO [dotflow]: ID v - 1 - In progress" in verbose.stderr
    assert "ERROR [dotflow]: ID v - 1 - Failed - ValueError: boom" in verbose.stderr


def test_path_names_bucket_and_prefix_for_s3(dotflow_script, tmp_path, s3_env):
    env, client = s3_env
    env = {k: v for k, v in env.items() if k != "DOTFLOW_S3_BUCKET"}
    result = subprocess.run(
        [
            dotflow_script,
            "start",
            "--step",
            "cli_steps.ok",
            "--storage",
            "s3",
            "--path",
            "s3://cli-bucket/custom/place",
            "--workflow-id",
            "s3-path",
            "--json",
        ],
        cwd=tmp_path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Completed"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="cli-bucket")["Contents"]]
    assert "custom/place/s3-path/1.json" in keys
    assert (tmp_path / ".output" / "logs" / "s3-path.jsonl").is_file()  # a local execution log


def test_a_storage_that_cannot_be_built_is_bad_input(dotflow_script, tmp_path):
    # No bucket anywhere: the adapter's own message, one line, exit 2.
    result = subprocess.run(
        [dotflow_script, "start", "--step", "cli_steps.ok", "--storage", "s3"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    [line] = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert line.startswith("Error: cannot create the s3 storage (StorageS3): ")
    assert "DOTFLOW_S3_<SETTING>" in line
    assert "Traceback" not in result.stderr


def test_unknown_storage_in_a_bare_install_names_the_distribution(bare_venv, tmp_path):
    (tmp_path / "bare_steps.py").write_text(
        "from dotflow import action\n\n@action\ndef ok():\n    return 1\n"
    )
    result = subprocess.run(
        [
            str(bare_venv / "bin" / "dotflow"),
            "start",
            "--step",
            "bare_steps.ok",
            "--storage",
            "gcs",
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "gcs is provided by dotflow-gcp (pip install dotflow-gcp)" in result.stderr

"""Managed mode: WORKFLOW_ID and the server variables, read from the environment."""

from __future__ import annotations

import json
import subprocess

import pytest
from cli_support import assert_bad_input, clean_env


def test_workflow_id_from_the_environment_is_used_everywhere(run, tmp_path):
    result = run(
        "start",
        "--step",
        "cli_steps.ok",
        "--storage",
        "file",
        "--json",
        env={"WORKFLOW_ID": "0545d4ca-99d1-4e65-a2eb-90f199773faf"},
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["workflow_id"] == "0545d4ca-99d1-4e65-a2eb-90f199773faf"
    assert document["tasks"][0]["workflow_id"] == "0545d4ca-99d1-4e65-a2eb-90f199773faf"
    assert (tmp_path / ".output" / "0545d4ca-99d1-4e65-a2eb-90f199773faf" / "1.json").is_file()
    log = tmp_path / ".output" / "logs" / "0545d4ca-99d1-4e65-a2eb-90f199773faf.jsonl"
    assert {json.loads(line)["workflow_id"] for line in log.read_text().splitlines()} == {
        "0545d4ca-99d1-4e65-a2eb-90f199773faf"
    }


def test_workflow_id_from_the_environment_applies_to_a_factory(run):
    result = run(
        "start", "--workflow", "cli_steps.two_steps", "--json", env={"WORKFLOW_ID": "managed-run"}
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["workflow_id"] == "managed-run"
    assert {t["workflow_id"] for t in document["tasks"]} == {"managed-run"}


def test_the_workflow_id_flag_wins_over_the_environment(run):
    result = run(
        "start",
        "--step",
        "cli_steps.ok",
        "--workflow-id",
        "flag",
        "--json",
        env={"WORKFLOW_ID": "env"},
    )
    assert json.loads(result.stdout)["workflow_id"] == "flag"


def test_an_unsafe_workflow_id_in_the_environment_is_bad_input(run):
    result = run("start", "--step", "cli_steps.ok", env={"WORKFLOW_ID": "a/../b"})
    assert_bad_input(result.returncode, result.stderr, "invalid workflow_id 'a/../b'")


def test_an_empty_workflow_id_counts_as_unset(run):
    result = run("start", "--step", "cli_steps.ok", "--json", env={"WORKFLOW_ID": ""})
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["workflow_id"]) == 36


@pytest.mark.parametrize(
    ("env", "fragments"),
    [
        (
            {"SERVER_BASE_URL": "http://127.0.0.1:9"},
            ["SERVER_BASE_URL", "SERVER_USER_TOKEN or DOTFLOW_USER_TOKEN is not"],
        ),
        ({"SERVER_USER_TOKEN": "t"}, ["SERVER_BASE_URL or DOTFLOW_SERVER_URL is not"]),
        (
            {"DOTFLOW_SERVER_URL": "http://127.0.0.1:9"},
            ["SERVER_USER_TOKEN or DOTFLOW_USER_TOKEN is not"],
        ),
        (
            {"DOTFLOW_USER_TOKEN": "t", "SERVER_BASE_URL": ""},
            ["SERVER_BASE_URL or DOTFLOW_SERVER_URL is not"],
        ),
    ],
)
def test_half_configured_server_runs_unmanaged_with_one_warning(run, env, fragments):
    result = run("start", "--step", "cli_steps.ok", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Completed"
    (warning,) = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert "status is reported nowhere" in warning
    for fragment in fragments:
        assert fragment in warning
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"SERVER_BASE_URL": "http://127.0.0.1:9", "SERVER_USER_TOKEN": "t"},
        {"DOTFLOW_SERVER_URL": "http://127.0.0.1:9", "DOTFLOW_USER_TOKEN": "t"},
    ],
)
def test_server_variables_without_dotflow_server_exit_2_with_the_hint(bare_venv, tmp_path, env):
    (tmp_path / "bare_steps.py").write_text(
        "from dotflow import action\n\n@action\ndef ok():\n    return 1\n"
    )
    result = subprocess.run(
        [str(bare_venv / "bin" / "dotflow"), "start", "--step", "bare_steps.ok"],
        cwd=tmp_path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_bad_input(result.returncode, result.stderr, "managed mode", "pip install dotflow-server")
    # Without the variables, the same environment runs the step.
    plain = subprocess.run(
        [str(bare_venv / "bin" / "dotflow"), "start", "--step", "bare_steps.ok", "-q"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.returncode == 0, plain.stderr


@pytest.mark.parametrize(
    ("code", "env"),
    [
        (
            "from dotflow.providers import ServerDefault\n"
            "ServerDefault(base_url='http://127.0.0.1:9', user_token='t')",
            {},
        ),
        (
            "from dotflow import Config\nConfig()",
            {"DOTFLOW_SERVER_URL": "http://127.0.0.1:9", "DOTFLOW_USER_TOKEN": "t"},
        ),
    ],
)
def test_a_server_url_without_dotflow_server_names_it_in_library_use(
    bare_venv, tmp_path, code, env
):
    result = subprocess.run(
        [str(bare_venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: ServerDefault reports to a backend"), last
    assert "pip install dotflow-server" in last
    # Without a URL, the default config works in the same environment.
    plain = subprocess.run(
        [str(bare_venv / "bin" / "python"), "-c", "from dotflow import Config\nConfig()"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.returncode == 0, plain.stderr

"""dotflow start --workflow: the factory builds, the CLI starts, and explicit flags win."""

from __future__ import annotations

import json

import pytest
from cli_support import assert_bad_input


def test_a_factory_workflow_runs_every_task(run):
    result = run("start", "--workflow", "cli_steps.two_steps", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [t["step"] for t in document["tasks"]] == ["ok", "pid"]
    assert document["status"] == "Completed"


def test_without_flags_the_factory_configuration_is_used(cli, tmp_path):
    result = cli("start", "-w", "cli_steps.with_file_storage", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["workflow_id"] == "factory-id"
    assert (tmp_path / "factory-output" / "factory-id" / "1.json").is_file()
    assert (tmp_path / "factory-output" / "logs" / "factory-id.jsonl").is_file()


def test_explicit_storage_and_path_override_the_factory(cli, tmp_path):
    result = cli(
        "start", "-w", "cli_steps.with_file_storage", "--storage", "file", "--path", "mine"
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine" / "factory-id" / "1.json").is_file()
    assert not (tmp_path / "factory-output").exists()


def test_explicit_default_storage_overrides_the_factory(cli, tmp_path):
    result = cli("start", "-w", "cli_steps.with_file_storage", "--storage", "default")
    assert result.exit_code == 0, result.output
    assert "Results: memory only" in result.stdout
    assert not (tmp_path / "factory-output" / "factory-id").exists()


def test_explicit_mode_is_used(cli):
    result = cli("start", "-w", "cli_steps.two_steps", "--mode", "sequential_group", "--json")
    assert json.loads(result.stdout)["mode"] == "sequential_group"


def test_explicit_workflow_id_overrides_the_factory(cli, tmp_path):
    result = cli(
        "start", "-w", "cli_steps.with_file_storage", "--workflow-id", "from-cli", "--json"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["workflow_id"] == "from-cli"
    assert [t["workflow_id"] for t in document["tasks"]] == ["from-cli"]
    assert (tmp_path / "factory-output" / "from-cli" / "1.json").is_file()


@pytest.mark.parametrize(
    ("factory", "fragments"),
    [
        ("cli_steps.returns_none", ["returned NoneType, not a DotFlow"]),
        ("cli_steps.returns_int", ["returned int, not a DotFlow"]),
        ("cli_steps.returns_started_run", ["returned WorkflowRun, not a DotFlow"]),
        ("cli_steps.not_callable", ["is a int, not callable"]),
        ("cli_steps.instance", ["is a DotFlow instance, not a factory"]),
        ("cli_steps.raises", ["the factory raised RuntimeError: cannot build"]),
        ("cli_steps.needs_argument", ["the factory raised TypeError", "name"]),
        ("cli_steps.missing", ["has no attribute 'missing'"]),
        ("no_such_module.main", ["no module named 'no_such_module'"]),
        ("nodots", ["expected 'module.attribute'"]),
    ],
)
def test_bad_factories_exit_2_with_one_line(run, factory, fragments):
    result = run("start", "--workflow", factory)
    assert_bad_input(result.returncode, result.stderr, "--workflow", *fragments)
    assert result.stdout == ""


def test_step_options_are_refused_with_a_factory(cli):
    result = cli("start", "-w", "cli_steps.two_steps", "-i", "x", "-c", "cli_steps.on_done")
    assert_bad_input(
        result.exit_code, result.stderr, "--initial-context and --callback apply to --step only"
    )


def test_step_and_workflow_are_mutually_exclusive(cli):
    both = cli("start", "-s", "cli_steps.ok", "-w", "cli_steps.two_steps")
    assert_bad_input(both.exit_code, both.stderr, "exactly one of --step")
    neither = cli("start")
    assert_bad_input(neither.exit_code, neither.stderr, "exactly one of --step")


def test_a_path_alone_overrides_the_factory_storage(cli, tmp_path):
    result = cli("start", "-w", "cli_steps.with_file_storage", "--path", "other")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "other" / "factory-id" / "1.json").is_file()
    assert (tmp_path / "other" / "logs" / "factory-id.jsonl").is_file()
    assert not (tmp_path / "factory-output").exists()

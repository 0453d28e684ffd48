"""dotflow start --step: progress, summary, exit codes, contexts, storage, ids and resume."""

from __future__ import annotations

import json

import pytest


def test_a_step_runs_and_reports_progress_and_a_summary(cli):
    result = cli("start", "--step", "cli_steps.ok")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "▶ task 1 ok: In progress"
    assert lines[1].startswith("✔ task 1 ok: Completed in ")
    assert lines[2].startswith("Workflow completed: 1 task (1 completed) in ")
    assert lines[3].startswith("Results: memory only")
    assert lines[4].startswith("Log: .output/logs/") and lines[4].endswith(".jsonl")


def test_a_failed_task_exits_1_with_its_error(cli):
    result = cli("start", "--step", "cli_steps.boom")
    assert result.exit_code == 1
    assert "✘ task 1 boom: Failed in " in result.stdout
    assert "(ValueError: boom)" in result.stdout
    assert "Workflow failed: 1 task (1 failed)" in result.stdout
    assert "Traceback" not in result.output


def test_json_prints_the_result_and_nothing_else(cli):
    result = cli("start", "--step", "cli_steps.ok", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["status"] == "Completed"
    assert document["mode"] == "sequential"
    assert document["tasks"][0]["current_context"] == {"ok": True}
    assert document["tasks"][0]["step"] == "ok"


def test_json_of_a_failure_holds_the_error_and_exits_1(cli):
    result = cli("start", "--step", "cli_steps.boom", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["status"] == "Failed"
    [error] = document["tasks"][0]["errors"]
    assert (error["exception"], error["message"], error["attempt"]) == ("ValueError", "boom", 1)
    assert "✘ task 1 boom: Failed" in result.stderr  # failures still reach stderr


def test_quiet_prints_nothing_on_success_and_the_failure_on_stderr(cli):
    ok = cli("start", "--step", "cli_steps.ok", "--quiet")
    assert (ok.exit_code, ok.stdout, ok.stderr) == (0, "", "")
    bad = cli("start", "--step", "cli_steps.boom", "-q")
    assert bad.exit_code == 1
    assert bad.stdout == ""
    assert "✘ task 1 boom: Failed" in bad.stderr


@pytest.mark.parametrize(
    ("given", "value", "kind"),
    [
        ('{"key": "value"}', {"key": "value"}, "dict"),
        ("abc", "abc", "str"),
        ("42", 42, "int"),
        ("[1, 2]", [1, 2], "list"),
        ("hello world", "hello world", "str"),
        ('"quoted"', "quoted", "str"),
    ],
)
def test_initial_context_is_json_when_it_parses_else_text(cli, given, value, kind):
    result = cli("start", "--step", "cli_steps.echo", "--initial-context", given, "--json")
    assert result.exit_code == 0, result.output
    task = json.loads(result.stdout)["tasks"][0]
    assert task["current_context"] == {"value": value, "type": kind}
    assert task["initial_context"] == value


def test_callback_is_called_with_the_task(cli):
    result = cli("start", "-s", "cli_steps.ok", "-c", "cli_steps.on_done")
    assert result.exit_code == 0
    assert "CALLBACK task=1 status=Completed" in result.stdout


def test_a_class_step_runs_its_actions(cli):
    result = cli("start", "--step", "cli_steps.Pipeline", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "Completed"


def test_colon_paths_work_too(cli):
    assert cli("start", "--step", "cli_steps:ok", "-q").exit_code == 0


def test_file_storage_keeps_results_under_path(cli, tmp_path):
    result = cli(
        "start",
        "--step",
        "cli_steps.ok",
        "--storage",
        "file",
        "--path",
        "results",
        "--workflow-id",
        "run-1",
    )
    assert result.exit_code == 0, result.output
    stored = json.loads((tmp_path / "results" / "run-1" / "1.json").read_text())
    assert stored["storage"] == {"ok": True}
    assert "Results: results (file storage)" in result.stdout
    assert (tmp_path / "results" / "logs" / "run-1.jsonl").is_file()


def test_a_path_alone_means_the_file_storage(cli, tmp_path):
    result = cli("start", "--step", "cli_steps.ok", "--path", "kept", "--workflow-id", "alone")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kept" / "alone" / "1.json").is_file()


def test_storage_options_reach_the_storage(cli, tmp_path):
    result = cli(
        "start",
        "--step",
        "cli_steps.ok",
        "--storage",
        "file",
        "-O",
        "path=opt",
        "-O",
        "durable=true",
        "--workflow-id",
        "w",
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "opt" / "w" / "1.json").is_file()


def test_storage_settings_come_from_the_environment(cli, tmp_path):
    result = cli(
        "start",
        "--step",
        "cli_steps.ok",
        "--storage",
        "file",
        "--workflow-id",
        "e",
        env={"DOTFLOW_FILE_PATH": "from-env"},
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "e" / "1.json").is_file()


def test_workflow_id_option_names_the_run(cli):
    result = cli("start", "--step", "cli_steps.ok", "--workflow-id", "nightly-2024", "--json")
    assert json.loads(result.stdout)["workflow_id"] == "nightly-2024"


def test_resume_with_a_step_skips_what_an_earlier_run_stored(cli, tmp_path):
    # Without --workflow-id a --resume run is named after its step, so reruns share checkpoints.
    args = (
        "start",
        "--step",
        "cli_steps.counted",
        "-i",
        "count.txt",
        "--storage",
        "file",
        "--resume",
        "--json",
    )
    first = cli(*args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["workflow_id"] == "cli_steps.counted"
    second = cli(*args)
    assert second.exit_code == 0, second.output
    assert (tmp_path / "count.txt").read_text() == "ran\n"


def test_resume_reruns_only_the_failed_task(cli, tmp_path):
    (tmp_path / "marker").touch()
    first = cli("start", "--workflow", "cli_steps.resumable", "-q")
    assert first.exit_code == 1
    (tmp_path / "marker").unlink()
    second = cli("start", "--workflow", "cli_steps.resumable", "--resume", "--json")
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["status"] == "Completed"
    assert (tmp_path / "count.txt").read_text() == "ran\n"  # task 1 was not run again
    without = cli("start", "--workflow", "cli_steps.resumable", "-q")
    assert without.exit_code == 0
    assert (tmp_path / "count.txt").read_text() == "ran\nran\n"


def test_keep_going_runs_the_tasks_after_a_failure(cli):
    stop = json.loads(cli("start", "--workflow", "cli_steps.with_failure", "--json").stdout)
    assert [t["status"] for t in stop["tasks"]] == ["Failed", "Not started"]
    going = cli("start", "--workflow", "cli_steps.with_failure", "--keep-going", "--json")
    assert going.exit_code == 1
    assert [t["status"] for t in json.loads(going.stdout)["tasks"]] == ["Failed", "Completed"]


def test_on_input_change_raise_is_bad_input(cli):
    base = ("start", "--step", "cli_steps.echo", "--storage", "file", "--workflow-id", "inputs")
    assert cli(*base, "-i", "one", "-q").exit_code == 0
    changed = cli(*base, "-i", "two", "--resume", "--on-input-change", "raise")
    assert changed.exit_code == 2
    assert "changed since its checkpoints" in changed.stderr
    reset = cli(*base, "-i", "two", "--resume", "--on-input-change", "reset", "--json")
    assert reset.exit_code == 0
    assert json.loads(reset.stdout)["tasks"][0]["current_context"]["value"] == "two"

"""Bad input exits 2 with one `Error:` line and no traceback; --debug shows the traceback."""

from __future__ import annotations

import pytest
from cli_support import assert_bad_input, error_lines
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--step", "cli_steps.nope"], ["module 'cli_steps' has no attribute 'nope'"]),
        (["--step", "no_such_module.task"], ["no module named 'no_such_module'"]),
        (["--step", "cli_steps.on_done"], ["is not an @action"]),
        (["--step", "cli_steps.not_callable"], ["is not an @action"]),
        (["--step", "cli_steps.ok", "--callback", "cli_steps.gone"], ["--callback", "'gone'"]),
        (["--step", "cli_steps.ok", "--workflow-id", "../escape"], ["invalid workflow_id"]),
        (["--step", "cli_steps.ok", "--resume"], ["--resume needs a storage"]),
        (
            ["--workflow", "cli_steps.two_steps", "--resume", "--storage", "file"],
            ["--resume needs a fixed workflow id"],
        ),
        (
            ["--step", "cli_steps.ok", "--storage", "default", "--path", "x"],
            ["--path does not apply to the default storage"],
        ),
        (["--step", "cli_steps.ok", "-O", "path=x"], ["--storage-option configures the storage"]),
        (["--step", "cli_steps.ok", "-o", "file", "-O", "colour=red"], ["has no setting 'colour'"]),
        (
            ["--step", "cli_steps.ok", "-o", "file", "-O", "durable=maybe"],
            ["expected true or false"],
        ),
        (["--step", "cli_steps.ok", "-o", "file", "-O", "novalue"], ["expected KEY=VALUE"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args, fragments):
    result = run("start", *args)
    assert_bad_input(result.returncode, result.stderr, *fragments)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--mode", "paralel"], "did you mean 'parallel'?"),
        (["--storage", "fiel"], "did you mean 'file'?"),
        (["--storage", "nowhere"], "available: default, file"),
        (["-i", '{"key": oops}'], "invalid JSON"),
        (["--on-input-change", "keep"], "'keep' is not one of"),
    ],
)
def test_unknown_option_values_are_usage_errors(cli, args, fragment):
    result = cli("start", "--step", "cli_steps.ok", *args)
    assert result.exit_code == 2
    [line] = error_lines(result.stderr)
    assert fragment in line
    assert "Traceback" not in result.output


def test_unknown_command_and_option(cli):
    assert cli("strat").exit_code == 2
    assert "No such command 'strat'" in cli("strat").stderr
    assert cli("start", "--nope").exit_code == 2


def test_debug_shows_the_traceback(run):
    plain = run("start", "--step", "cli_steps.nope")
    assert "Traceback" not in plain.stderr
    debug = run("--debug", "start", "--step", "cli_steps.nope")
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr
    assert "StepImportError" in debug.stderr
    assert len(error_lines(debug.stderr)) == 1
    env = run("start", "--step", "cli_steps.nope", env={"DOTFLOW_DEBUG": "1"})
    assert "Traceback" in env.stderr


def test_a_module_that_fails_to_import_is_bad_input(run, tmp_path):
    (tmp_path / "broken_mod.py").write_text("import math\nraise RuntimeError('module broke')\n")
    result = run("start", "--step", "broken_mod.task")
    assert_bad_input(result.returncode, result.stderr, "RuntimeError: module broke")
    (tmp_path / "needs_dep.py").write_text("import surely_not_installed_pkg\n")
    missing = run("start", "--step", "needs_dep.task")
    assert_bad_input(missing.returncode, missing.stderr, "surely_not_installed_pkg")


_WORDS = st.sampled_from(
    [
        "start",
        "schedule",
        "log",
        "plugins",
        "init",
        "--step",
        "-s",
        "--workflow",
        "-w",
        "--mode",
        "-m",
        "--storage",
        "-o",
        "--path",
        "-p",
        "--initial-context",
        "-i",
        "--callback",
        "-c",
        "--resume",
        "--keep-going",
        "--workflow-id",
        "--json",
        "--quiet",
        "-q",
        "--cron",
        "--overlap",
        "--max-runs",
        "--status",
        "-O",
        "--debug",
        "--help",
        "--version",
        "cli_steps.ok",
        "cli_steps.boom",
        "cli_steps.two_steps",
        "cli_steps.returns_none",
        "cli_steps.nope",
        "cli_steps.on_done",
        "nomodule.x",
        "sequential",
        "parallel",
        "background",
        "file",
        "default",
        "s3",
        "gcs",
        "bogus",
        "skip",
        "queue",
        "0",
        "-1",
        "3",
        "{",
        '{"a": 1}',
        "abc",
        "not a cron",
        "61 * * * *",
        "../x",
        "run-1",
        "failed",
        "completed",
        "path=x",
        "=",
        "",
    ]
)


@given(st.lists(_WORDS | st.text(max_size=8), max_size=8))
def test_random_command_lines_never_crash(tmp_path_factory, args):
    # Never a traceback, never an exit code other than 0, 1 or 2, whatever the arguments.
    import os
    import sys

    from click.testing import CliRunner

    from dotflow.cli.main import cli

    folder = tmp_path_factory.mktemp("random")
    runner = CliRunner()
    cwd, path = os.getcwd(), list(sys.path)
    os.chdir(folder)
    try:
        result = runner.invoke(cli, args, prog_name="dotflow", env={"WORKFLOW_ID": None})
    finally:
        os.chdir(cwd)
        sys.path[:] = path
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
        result.output,
    )
    assert "Traceback" not in result.output

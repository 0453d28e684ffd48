"""--help on every command, --version, shell completion, and a light `dotflow --help`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_support import ROOT, clean_env

COMMANDS = ["init", "start", "schedule", "log", "plugins"]


def test_group_help_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.output
    assert "_DOTFLOW_COMPLETE" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli, command):
    for flag in ("--help", "-h"):
        result = cli(command, flag)
        assert result.exit_code == 0, result.output
        assert f"Usage: dotflow {command}" in result.output


def test_start_help_documents_the_entry_options(cli):
    output = cli("start", "--help").output
    for option in (
        "--step",
        "--workflow",
        "--mode",
        "--storage",
        "--path",
        "--initial-context",
        "--callback",
        "--resume",
        "--keep-going",
        "--workflow-id",
        "--quiet",
        "--json",
    ):
        assert option in output


def test_the_installed_script_answers_help_and_version(run):
    result = run("--help")
    assert result.returncode == 0
    assert "Usage: dotflow" in result.stdout
    version = run("--version")
    assert version.returncode == 0
    expected = (ROOT / "VERSION").read_text().strip()
    assert version.stdout.startswith(f"dotflow-cli {expected} (dotflow-core {expected}, ")


def test_python_dash_m_runs_the_same_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dotflow.cli", "plugins", "--help"],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0
    assert "Usage: dotflow plugins" in result.stdout


def test_help_imports_no_command_module_and_scans_no_entry_point():
    # What `dotflow --help` loads decides its cold start; it must stay the group and Click.
    probe = (
        "import sys\n"
        "from dotflow.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from dotflow.core import registry\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('dotflow.cli.'))\n"
        "print(loaded, registry._entry_points.cache_info().currsize, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert result.stderr.strip() == "['dotflow.cli.lazy', 'dotflow.cli.main'] 0"


def test_start_help_does_not_scan_entry_points():
    probe = (
        "import sys\n"
        "from dotflow.cli.main import main\n"
        "try:\n"
        "    main(['start', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from dotflow.core import registry\n"
        "print(registry._entry_points.cache_info().currsize, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert result.stderr.strip() == "0"


def test_bash_completion_script_and_adapter_names(run):
    script = run(env={"_DOTFLOW_COMPLETE": "bash_source"})
    assert script.returncode == 0
    assert "_dotflow_completion" in script.stdout
    words = run(
        env={
            "_DOTFLOW_COMPLETE": "bash_complete",
            "COMP_WORDS": "dotflow start --mode par",
            "COMP_CWORD": "3",
        }
    )
    assert words.returncode == 0
    assert "plain,parallel" in words.stdout.splitlines()
    commands = run(
        env={"_DOTFLOW_COMPLETE": "bash_complete", "COMP_WORDS": "dotflow sch", "COMP_CWORD": "1"}
    )
    assert "plain,schedule" in commands.stdout.splitlines()
    storages = run(
        env={
            "_DOTFLOW_COMPLETE": "bash_complete",
            "COMP_WORDS": "dotflow start --storage f",
            "COMP_CWORD": "3",
        }
    )
    assert "plain,file" in storages.stdout.splitlines()

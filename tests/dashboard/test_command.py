"""`dotflow dashboard` / `python -m dotflow.dashboard`: options, bad input, the CLI entry point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOTFLOW_")}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=60, env=env, cwd=cwd
    )


def test_dotflow_help_lists_the_dashboard_without_importing_it(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from dotflow.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('dotflow.dashboard', 'starlette',"
        " 'sqlalchemy', 'uvicorn'))), file=sys.stderr)\n"
    )
    done = run("-c", probe, cwd=tmp_path)
    assert "dashboard" in done.stdout and "dotflow-dashboard" in done.stdout
    assert done.stderr.strip() == "[]"


@pytest.mark.parametrize("entry", [["-m", "dotflow.cli", "dashboard"], ["-m", "dotflow.dashboard"]])
def test_help(entry: list[str], tmp_path: Path) -> None:
    done = run(*entry, "--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--db", "--runner-token", "--viewer-token", "--public-read", "--keep-days"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give --viewer-token"),
        (["--public-read", "--host", "0.0.0.0"], "--runner-token is required"),
        (["--public-read", "--db", "mysql://x"], "unsupported database URL"),
        (["--public-read", "--db", "postgresql://u:secret@127.0.0.1:1/x"], "cannot open the"),
        (["--public-read", "--keep-days", "0"], "--keep-days"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    done = run("-m", "dotflow.dashboard", "--port", "0", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "secret" not in done.stderr


def test_the_database_outlives_a_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'keep.db'}"
    for round_ in range(2):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dotflow.dashboard",
                "--db",
                db,
                "--port",
                "0",
                "--runner-token",
                "r",
                "--public-read",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        try:
            url = process.stdout.readline().split()[4]  # type: ignore[union-attr]
            if round_ == 0:
                reply = requests.patch(
                    f"{url}/workflows/w",
                    json={"status": "Completed"},
                    headers={"X-User-Token": "r"},
                    timeout=10,
                )
                assert reply.status_code == 200
            else:
                shown = requests.get(f"{url}/api/workflows/w", timeout=10).json()
                assert shown["status"] == "Completed"
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)
        assert process.returncode == 0


def test_a_third_party_command_and_a_broken_one(tmp_path: Path) -> None:
    # Two distributions installed in a folder on sys.path, declaring dotflow.commands.
    site = tmp_path / "site"
    (site / "hello_cmd.py").parent.mkdir(parents=True)
    (site / "hello_cmd.py").write_text(
        "import click\n\n@click.command()\ndef hello():\n    click.echo('hello from a plugin')\n"
    )
    for dist, line in (
        ("hello_cmd-1.0", "hello = hello_cmd:hello"),
        ("broken_cmd-1.0", "broken = no_such_module:command"),
    ):
        info = site / f"{dist}.dist-info"
        info.mkdir()
        name = dist.split("-")[0]
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[dotflow.commands]\n{line}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOTFLOW_")}
    env["PYTHONPATH"] = str(site)

    def dotflow(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dotflow.cli", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )

    listed = dotflow("--help")
    assert "hello" in listed.stdout and "broken" in listed.stdout
    assert dotflow("hello").stdout.strip() == "hello from a plugin"
    broken = dotflow("broken")
    assert broken.returncode == 1
    assert "the command 'broken' of broken_cmd cannot be loaded" in broken.stderr
    assert "Traceback" not in broken.stderr

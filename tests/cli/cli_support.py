"""Helpers shared by the CLI tests (conftest.py puts this folder on sys.path)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT / "examples" / "cli"
# Variables that change what the CLI does; a test sets the ones it wants.
MANAGED = (
    "WORKFLOW_ID",
    "SERVER_BASE_URL",
    "SERVER_USER_TOKEN",
    "DOTFLOW_SERVER_URL",
    "DOTFLOW_USER_TOKEN",
    "DOTFLOW_DEBUG",
)


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without managed-mode or DOTFLOW_* settings, plus ``extra``.

    The helper modules of this folder (cli_steps) are importable through PYTHONPATH.
    """
    env = {k: v for k, v in os.environ.items() if k not in MANAGED and not k.startswith("DOTFLOW_")}
    env.pop("PYTHONUNBUFFERED", None)  # as users run it: live output must flush by itself
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def error_lines(stderr: str) -> list[str]:
    """The ``Error:`` lines of ``stderr``."""
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def assert_bad_input(code: int, stderr: str, *fragments: str) -> str:
    """Exit code 2, exactly one ``Error:`` line holding every fragment, and no traceback."""
    assert code == 2, stderr
    assert "Traceback" not in stderr, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def handles_sigterm(pid: int) -> bool:
    """Whether process ``pid`` has installed a SIGTERM handler (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def wait_until_scheduling(process: subprocess.Popen[str]) -> None:
    """Wait until a ``dotflow schedule`` process has installed its signal handlers."""
    deadline = time.monotonic() + 30
    while not handles_sigterm(process.pid):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the scheduler never started"
        time.sleep(0.05)


def sigterm_once_scheduling(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (a ``dotflow schedule``), SIGTERM it once it schedules, and collect it."""
    process = subprocess.Popen(
        command, cwd=cwd, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until_scheduling(process)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    return subprocess.CompletedProcess(command, process.returncode, out, err)

"""The examples of examples/server/ and the package README's "Try it" block, run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from server_helpers import ROOT, clean_env  # type: ignore[import-not-found]

EXAMPLES = ROOT / "examples" / "server"
README = ROOT / "packages" / "dotflow-server" / "README.md"


def test_report_to_backend_example(tmp_path: Path) -> None:
    path = EXAMPLES / "report_to_backend.py"
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE).group(1)
    done = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert done.stdout.count("Not started -> In progress -> Completed") == 3


def test_readme_try_it_block(tmp_path: Path) -> None:
    text = README.read_text()
    section = text.split("## Try it", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = clean_env(PORT=str(port))
    # `python` and `dotflow` resolve to this environment, as after `uv sync` and activation.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # A copy of the example folder, so the run's log files do not land in the repository.
    shutil.copytree(EXAMPLES, tmp_path / "examples" / "server")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["id"] == "demo-run-1" and shown["status"] == "Completed"
    assert [task["history"] for task in shown["tasks"]] == [
        ["Not started", "In progress", "Completed"]
    ] * 3
    assert [task["step"] for task in shown["tasks"]] == ["extract", "transform", "load"]

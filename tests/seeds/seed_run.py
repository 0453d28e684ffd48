"""Helpers of the seed tests: write a user's module, run the real ``dotflow`` command."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

DOTFLOW = str(Path(sys.executable).with_name("dotflow"))


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without managed-mode or ``DOTFLOW_*`` settings, plus ``extra``."""
    managed = ("WORKFLOW_ID", "SERVER_BASE_URL", "SERVER_USER_TOKEN")
    env = {k: v for k, v in os.environ.items() if k not in managed and not k.startswith("DOTFLOW_")}
    env.update(extra)
    return env


def write(folder: Path, relative: str, source: str) -> Path:
    """Write ``source`` (dedented) to ``folder / relative``, creating packages on the way."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(folder).parents:
        if parent != Path(".") and relative.endswith(".py"):
            (folder / parent / "__init__.py").touch()
    path.write_text(textwrap.dedent(source))
    return path


def dotflow(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``dotflow`` command in ``cwd``, as a user types it."""
    return subprocess.run(
        [DOTFLOW, *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def python(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python script`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

"""Running a probe script in a child process with a time and memory bound.

A regression that hangs (or eats memory) then fails its test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Address-space cap of a probe (bytes): a run that grows without bound dies with MemoryError.
MEMORY_CAP = 2 * 1024**3


def _limit_memory() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_probe(
    code: str, *, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) with this interpreter in ``cwd``; fail the test if it outlives
    ``timeout`` seconds."""
    script = cwd / "probe.py"
    script.write_text(textwrap.dedent(code))
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).parent), **(env or {})}
    try:
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environ,
            preexec_fn=_limit_memory if sys.platform.startswith("linux") else None,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        msg = f"the probe did not finish within {timeout} s (hang): {expired.stderr!r}"
        raise AssertionError(msg) from None

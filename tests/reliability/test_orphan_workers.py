"""Parallel workers do not outlive a killed parent (issue 13, item 2).

SIGKILL the process that runs a parallel workflow: every worker must notice and exit within a few
seconds, instead of running to the end (a resume started meanwhile would run the same tasks
twice at once) or hanging forever on a full pipe with a large result.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

FLOW = """
import os, sys, time
from dotflow import DotFlow, action
from dotflow.core.execution import parallel

if sys.argv[2] == "watchdog":  # the path of platforms without PR_SET_PDEATHSIG
    parallel._set_parent_death_signal = lambda: False

@action
def work(initial_context):
    folder = sys.argv[1]
    with open(os.path.join(folder, f"{os.getpid()}.pid"), "w") as handle:
        handle.write("started")
    time.sleep(float(initial_context.storage))
    return "x" * 20_000_000  # far more than a pipe holds

workflow = DotFlow()
for delay in ("0.5", "2", "60"):
    workflow.task.add(step=work, initial_context=delay)
workflow.start(mode="parallel")
print("finished")
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"  # a zombie has exited; nobody reaps it since its parent is gone


@pytest.mark.parametrize("how", ["kernel", "watchdog"])
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, how: str) -> None:
    script = tmp_path / "flow.py"
    script.write_text(FLOW)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path), how],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("*.pid"))) < 3:
            assert parent.poll() is None, "the workflow ended early"
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        time.sleep(1)  # the first worker is now blocked writing its large result
        parent.send_signal(signal.SIGKILL)
        parent.wait(30)
        workers = [int(path.stem) for path in tmp_path.glob("*.pid")]
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
        assert not left, f"workers {left} outlived their parent"
    finally:
        for path in tmp_path.glob("*.pid"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(path.stem), signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()

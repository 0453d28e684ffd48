"""SIGTERM/SIGINT in a real process: the running run finishes, no new run starts, exit 0."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("signal_workflow.py")

pytestmark = pytest.mark.timeout(60)


def _start(log: Path, mode: str) -> subprocess.Popen[str]:
    log.touch()
    errors = log.with_suffix(".err").open("w")
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(log), mode],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    errors.close()
    deadline = time.monotonic() + 30
    while "started" not in log.read_text():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first run did not start"
        time.sleep(0.05)
    return process


@pytest.mark.parametrize(
    ("sig", "mode"),
    [(signal.SIGTERM, "sequential"), (signal.SIGINT, "sequential"), (signal.SIGTERM, "parallel")],
)
def test_a_signal_mid_run_finishes_the_run_and_exits_0(
    sig: signal.Signals, mode: str, tmp_path: Path
) -> None:
    log = tmp_path / "runs.log"
    process = _start(log, mode)

    process.send_signal(sig)
    out, _ = process.communicate(timeout=30)
    err = log.with_suffix(".err").read_text()

    assert process.returncode == 0, err
    assert log.read_text().splitlines() == ["started", "finished"]
    assert "scheduler stopped after 1 run(s)" in out
    assert f"{sig.name} received: no new runs start" in err
    assert "Traceback" not in err


def test_a_second_signal_stops_at_once(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    process = _start(log, "sequential")

    process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    while "SIGTERM received" not in log.with_suffix(".err").read_text():
        assert time.monotonic() < deadline, "the first SIGTERM was not handled"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)

    assert process.returncode == -signal.SIGTERM
    assert "finished" not in log.read_text()

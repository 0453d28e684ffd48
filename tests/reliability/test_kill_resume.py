"""Kill a file-storage workflow at random instants and resume it until it completes."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow.core.codec import check_key
from dotflow.core.context import Context
from dotflow.providers import StorageFile

FLOW = Path(__file__).with_name("kill_flow.py")
TASKS = 24


def _run(storage: Path, ledger: Path, mode: str, kill: tuple[str, float] | None) -> bool:
    """Run the workflow; with ``kill = (when, delay)``, SIGKILL it ``delay`` seconds after
    ``when``: ``"spawn"`` (while the interpreter starts) or ``"running"`` (once a task of this run
    has started, however long a loaded machine takes to get there). ``True`` if it completed."""
    offset = ledger.stat().st_size
    process = subprocess.Popen(
        [sys.executable, str(FLOW), str(storage), str(ledger), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill is not None:
        when, delay = kill
        deadline = time.monotonic() + 60
        while when == "running" and ledger.stat().st_size == offset and process.poll() is None:
            assert time.monotonic() < deadline, "the workflow never started a task"
            time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)  # nothing happens if it already exited
    out, err = process.communicate(timeout=120)
    if process.returncode == -signal.SIGKILL:
        return False
    assert process.returncode == 0, err
    return "DONE True" in out


def _expected() -> list[dict]:
    results, total, seen = [], 0, []
    for i in range(1, TASKS + 1):
        total += i * i
        seen = [*seen, i]
        results.append({"total": total, "seen": seen, "pad": "z" * 20_000})
    return results


def _stored_tasks(storage: Path) -> set[int]:
    keys = StorageFile(path=storage).list_keys("killable/")
    return {int(key.split("/")[1]) for key in keys if key.split("/")[1].isdigit()}


def test_killed_runs_resume_without_rerunning_stored_tasks(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    storage, ledger = tmp_path / "out", tmp_path / "ledger.txt"
    ledger.touch()
    kills = completions = mid_run_kills = 0
    mode = "fresh"
    for _ in range(300):
        stored_before = _stored_tasks(storage) if mode == "resume" else set()
        offset = len(ledger.read_text())
        kill = None
        if kills < 30:  # a quarter of the kills during start-up, the rest while tasks run
            kill = (rng.choice(["spawn", "running", "running", "running"]), rng.uniform(0, 0.12))
        done = _run(storage, ledger, mode, kill)
        lines = ledger.read_text()[offset:].splitlines()
        started = {int(line.split()[1]) for line in lines if line.startswith("started")}
        # A task whose result was stored before this run began never runs again.
        assert not started & stored_before, (mode, sorted(started & stored_before))
        # No stored document is ever corrupt, whenever the kill landed.
        for path in (storage / "killable").glob("*.json"):
            json.loads(path.read_text())
        if done:
            completions += 1
            stored = [
                json.loads((storage / "killable" / f"{i}.json").read_text())["storage"]
                for i in range(1, TASKS + 1)
            ]
            assert stored == _expected()  # the same results as an uninterrupted run
            if kills >= 30:
                break
            mode = "fresh"  # start over to keep killing at new points
        else:
            kills += 1
            mid_run_kills += bool(started)
            mode = "resume"
    assert kills >= 30 and completions >= 1
    assert mid_run_kills >= 10, "too few kills landed while tasks were running"
    # A kill between writing a temporary file and renaming it may leave the temporary file
    # behind; it is never mistaken for a result.
    expected_keys = sorted(
        [f"killable/{i}" for i in range(1, TASKS + 1)] + ["killable/fingerprint"]
    )
    assert StorageFile(path=storage).list_keys("killable/") == expected_keys


unsafe = st.one_of(
    st.text(min_size=0, max_size=40),
    st.builds(lambda a, b: f"{a}/../{b}", st.text(max_size=8), st.text(max_size=8)),
    st.builds(lambda a: f"/{a}", st.text(max_size=10)),
    st.builds(lambda a: f"{a}\x00\n", st.text(max_size=10)),
)


@given(workflow_id=unsafe, task=unsafe)
def test_keys_never_escape_the_storage_folder(
    tmp_path_factory: pytest.TempPathFactory, workflow_id: str, task: str
) -> None:
    root = tmp_path_factory.mktemp("safe")
    storage = StorageFile(path=root / "inside")
    key = f"{workflow_id}/{task}"
    try:
        check_key(key)
    except ValueError:
        with pytest.raises(ValueError):
            storage.post(key, Context(1))
        return
    storage.post(key, Context(1))
    written = [p for p in root.rglob("*") if p.is_file()]
    assert written and all((root / "inside") in p.parents for p in written)

"""Whose cluster is whose: dotflow reuses and closes what it started, and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dask_steps as steps
import pytest
from distributed import Client

from dotflow import DotFlow
from dotflow.dask import ExecutionDask
from dotflow.dask.cluster import shared_client

pytestmark = pytest.mark.timeout(240)


def _whereabouts(mode: object) -> dict[str, object]:
    workflow = DotFlow()
    workflow.task.add(step=steps.whereabouts)
    run = workflow.start(mode=mode)  # type: ignore[arg-type]
    assert run.status.value == "Completed", workflow.result_task()[0].errors
    (found,) = workflow.result_storage()
    return found  # type: ignore[no-any-return]


def _answers(address: str) -> bool:
    try:
        client = Client(address, timeout=3, set_as_default=False)
    except OSError:
        return False
    client.close()
    return True


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (waits up to 60 s for it to)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return True  # a zombie has ended; its parent has not reaped it yet
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_the_local_cluster_is_reused_then_closed_by_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DOTFLOW_DASK_ADDRESS", raising=False)
    first = _whereabouts(ExecutionDask(n_workers=1, threads_per_worker=1))
    again = _whereabouts(ExecutionDask(n_workers=1, threads_per_worker=1))
    assert again == first  # same scheduler, same worker process: nothing was started again
    address = str(first["scheduler"])
    assert _answers(address)

    ExecutionDask(n_workers=1, threads_per_worker=1).close()
    assert not _answers(address)
    assert _gone(int(first["pid"]))  # type: ignore[call-overload]
    ExecutionDask(n_workers=1, threads_per_worker=1).close()  # twice is harmless

    fresh = _whereabouts(ExecutionDask(n_workers=1, threads_per_worker=1))
    assert fresh["scheduler"] != address  # the next run started a new one
    ExecutionDask.close_all()
    assert not _answers(str(fresh["scheduler"]))


def test_the_context_manager_closes_the_local_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTFLOW_DASK_ADDRESS", raising=False)
    with ExecutionDask(n_workers=1, threads_per_worker=1) as dask:
        first = _whereabouts(dask)
        assert _whereabouts(dask) == first
    assert not _answers(str(first["scheduler"]))
    assert _gone(int(first["pid"]))  # type: ignore[call-overload]


def test_an_explicit_address_is_never_closed(dask_address: str) -> None:
    with ExecutionDask(dask_address) as dask:
        first = _whereabouts(dask)
        # later runs reuse dotflow's connection to the scheduler
        assert shared_client(dask_address, 30, {}) is shared_client(dask_address, 30, {})
    ExecutionDask(dask_address).close()
    ExecutionDask.close_all()
    assert first["scheduler"] == dask_address
    with Client(dask_address, timeout=10, set_as_default=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
    assert _whereabouts("dask")["scheduler"] == dask_address  # connects again


def test_a_users_client_is_never_closed(dask_client: Client) -> None:
    with ExecutionDask(client=dask_client) as dask:
        found = _whereabouts(dask)
        assert "client" in repr(dask)
    ExecutionDask.close_all()
    assert found["scheduler"] == dask_client.scheduler.address
    assert dask_client.status == "running"
    assert dask_client.submit(sum, [1, 2], pure=False).result(timeout=60) == 3


def test_the_local_cluster_is_reused_by_mode_dask_and_closed_at_exit(tmp_path: Path) -> None:
    script = tmp_path / "twice.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, logging, os, sys
            from dotflow import DotFlow, action

            @action
            def whereabouts():
                from distributed import get_worker
                return [get_worker().scheduler.address, os.getpid()]

            if __name__ == "__main__":
                handler = logging.StreamHandler(sys.stderr)
                logging.getLogger("dotflow.dask.cluster").addHandler(handler)
                logging.getLogger("dotflow.dask.cluster").setLevel(logging.DEBUG)
                seen = []
                for _ in range(2):
                    workflow = DotFlow()
                    workflow.task.add(step=whereabouts)
                    workflow.start(mode="dask")
                    seen.append(workflow.result_storage()[0])
                print(json.dumps(seen), flush=True)
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "DOTFLOW_DASK_ADDRESS"}
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=200,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    (first, second) = json.loads(done.stdout.strip().splitlines()[-1])
    assert first[0] == second[0]  # one scheduler for both runs
    assert done.stderr.count("starting a local Dask cluster") == 1
    # dotflow's exit hook closed it (before distributed's own hooks could)
    assert f"closing the local Dask cluster {first[0]}" in done.stderr
    assert _gone(first[1]) and _gone(second[1])
    assert "Traceback" not in done.stderr

"""Scale-out for real: a `dask scheduler` and two `dask worker` processes, as on a cluster.

The fixture starts Distributed's own command-line entry points on 127.0.0.1 (free ports, no
dashboard), not a LocalCluster: the workers are separate process trees that share nothing with
the test but the folder of `dask_steps` on their PYTHONPATH. The scheduler never reruns a task
whose worker died (allowed-failures 0), so a killed worker fails its task at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask_steps as steps
import pytest
from dask_recorders import RecordingNotify
from distributed import Client

from dotflow import Config, Context, DotFlow, TypeStatus, WorkflowStatus, action
from dotflow.dask import ExecutionDask

pytestmark = pytest.mark.timeout(300)

HERE = Path(__file__).resolve().parent
DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group (a worker's nanny and its worker), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def cli_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dask scheduler`` + two ``dask worker`` (one thread each); yields the address."""
    logs = tmp_path_factory.mktemp("dask-cli")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DOTFLOW_DASK_ADDRESS"},
        "PYTHONPATH": str(HERE),
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
    }
    commands = [
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        *(
            [DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
             "--name", f"w{n}", "--no-dashboard"]
            for n in (1, 2)
        ),
    ]  # fmt: skip
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for n, command in enumerate(commands):
            with (logs / f"{n}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env=env,
                        cwd=logs,
                        start_new_session=True,
                    )
                )
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        ExecutionDask(address).close()
        for process in reversed(processes):
            _stop(process)


@pytest.fixture
def cluster(cli_cluster: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", cli_cluster)
    yield cli_cluster
    with Client(cli_cluster, timeout=60, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)  # a killed worker is back before the next test


def test_the_workers_are_separate_processes(cluster: str) -> None:
    with Client(cluster, timeout=30, set_as_default=False) as client:
        pids = client.run(os.getpid)
        assert len(pids) == 2
        assert os.getpid() not in pids.values()
        # nothing of this process is on their path but the steps' folder
        paths = client.run(lambda: [p for p in sys.path if p.endswith("tests/dask")])
        assert all(found == [str(HERE)] for found in paths.values())


def test_a_workflow_runs_across_the_two_workers(cluster: str, tmp_path: Path) -> None:
    notify = RecordingNotify()
    factor = 10

    @action
    def scaled(previous_context: Context) -> int:  # a closure: travels by value
        return previous_context.storage * factor

    workflow = DotFlow(config=Config(notify=notify))
    flag = str(tmp_path / "flag")
    workflow.task.add(step=[steps.one, steps.plus_one, scaled], group_name="chain")
    workflow.task.add(step=steps.wait_for_file, initial_context=flag, group_name="waits")
    workflow.task.add(step=steps.touch_file, initial_context=flag, group_name="touches")
    workflow.task.add(step=steps.Pipeline, group_name="class")
    workflow.task.add(step=steps.fails_twice, initial_context=str(tmp_path / "n"), group_name="r")
    workflow.task.add(step=[steps.where, steps.where], group_name="pids")
    run = workflow.start(mode="dask")
    assert run.status is WorkflowStatus.COMPLETED, [t.errors for t in workflow.result_task()]
    values = workflow.result_storage()
    assert values[:6] == [1, 2, 20, "hello from the other group", "touched", 6]
    assert values[6] == "third time lucky"
    assert notify.by_task()[7] == ["In progress", "Retry", "Retry", "Completed"]
    with Client(cluster, timeout=30, set_as_default=False) as client:
        assert set(values[7:]) <= set(client.run(os.getpid).values())


def test_a_worker_killed_mid_task_fails_its_task_and_the_run_ends(
    cluster: str, tmp_path: Path
) -> None:
    pid_file = tmp_path / "victim.pid"
    killed: list[int] = []

    def kill_when_started() -> None:
        deadline = time.monotonic() + 120
        while not pid_file.exists() or not pid_file.read_text():
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        killed.append(int(pid_file.read_text()))
        os.kill(killed[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_when_started)
    killer.start()
    workflow = DotFlow()
    workflow.task.add(
        step=[steps.report_pid_then_wait, steps.one], initial_context=str(pid_file),
        group_name="victim",
    )  # fmt: skip
    workflow.task.add(step=[steps.one, steps.plus_one], group_name="bystander")
    try:
        run = workflow.start(mode="dask", keep_going=True)
    finally:
        killer.join()
    assert killed, "the task never started"
    victim, after, *bystander = workflow.result_task()
    assert run.status is WorkflowStatus.FAILED
    assert victim.status is TypeStatus.FAILED
    (error,) = victim.errors
    assert error.exception == "WorkerLostError"
    assert "worker process running this task died" in error.message
    # keep_going: the rest of its group runs again from there, on a surviving worker
    assert after.status is TypeStatus.COMPLETED
    assert after.previous_context.storage is None
    assert [t.status for t in bystander] == [TypeStatus.COMPLETED] * 2
    assert workflow.result_storage()[2:] == [1, 2]


def test_without_keep_going_a_killed_worker_stops_the_run(cluster: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "victim.pid"

    def kill_when_started() -> None:
        deadline = time.monotonic() + 120
        while not pid_file.exists() or not pid_file.read_text():
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill_when_started)
    killer.start()
    workflow = DotFlow()
    workflow.task.add(step=[steps.report_pid_then_wait, steps.one], initial_context=str(pid_file))
    try:
        run = workflow.start(mode="dask")
    finally:
        killer.join()
    victim, after = workflow.result_task()
    assert run.status is WorkflowStatus.FAILED
    assert victim.status is TypeStatus.FAILED
    assert victim.errors[0].exception == "WorkerLostError"
    assert after.status is TypeStatus.NOT_STARTED

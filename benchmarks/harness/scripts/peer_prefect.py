"""Prefect 3 in its zero-config (ephemeral local server) mode.

Prefect's fixed costs are measured apart from its per-task costs: the first flow run of a process
starts a temporary API server, and every flow run has its own overhead. Per-task cost is the
difference between a flow of ``n`` tasks and an empty flow, divided by ``n``.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench_common import all_equal, burn, expect, peaks, step_value, timed, walls
from bench_common import main as bench_main
from prefect import flow, task


def chain_fn(previous: Any) -> int:
    return step_value(previous)


@task
def nap_task(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@task
def burn_task(loops: int) -> int:
    return burn(loops)


@flow
def empty_flow() -> int:
    return 0


@flow
def chain_flow(tasks: list[Any]) -> Any:
    previous = None
    for step in tasks:
        previous = step(previous)
    return previous


@flow
def fan_out_flow(step: Any, values: list[Any]) -> list[Any]:
    futures = [step.submit(value) for value in values]
    return [future.result() for future in futures]


def _process_flow(step: Any, values: list[Any]) -> list[Any]:
    from prefect.task_runners import ProcessPoolTaskRunner

    runner = ProcessPoolTaskRunner(max_workers=len(values))
    runner_flow = fan_out_flow.with_options(task_runner=runner)
    return runner_flow(step, values)


def fixed(repeats: int) -> dict[str, Any]:
    """The first flow run (starts the temporary server) and the median empty flow run after it."""
    first, _ = timed(empty_flow)
    samples = [timed(empty_flow)[0] for _ in range(repeats)]
    return {
        "first_flow_s": first,
        "flow_run_s": statistics.median(samples),
        "samples": samples,
        **peaks(),
    }


def chain(n: int, repeats: int, log: str = "warning", **_: Any) -> dict[str, Any]:
    if log != "warning":
        import os

        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    empty_flow()  # start the server first: a fixed cost, measured by ``fixed``
    empty = statistics.median(timed(empty_flow)[0] for _ in range(3))
    builds, runs = [], []
    for _ in range(repeats):
        build_s, tasks = timed(lambda: [task(chain_fn, name=f"step-{i}") for i in range(n)])
        run_s, last = timed(lambda tasks=tasks: chain_flow(tasks))
        if last != n:
            msg = f"the chain returned {last!r}, expected {n}"
            raise AssertionError(msg)
        builds.append(build_s / n * 1e6)
        runs.append((run_s - empty) / n * 1e6)
    return {
        "n": n,
        "build_us": statistics.median(builds),
        "run_us": statistics.median(runs),
        "flow_run_s": empty,
        "build_samples": builds,
        "run_samples": runs,
        **peaks(),
    }


def parallel_sleep(n: int, seconds: float, repeats: int) -> dict[str, Any]:
    empty_flow()
    empty = statistics.median(timed(empty_flow)[0] for _ in range(3))
    result = walls(lambda: fan_out_flow(nap_task, [seconds] * n), repeats, expect([seconds] * n))
    result["flow_run_s"] = empty
    return result


def parallel_cpu(n: int, loops: int, repeats: int, runner: str = "threads") -> dict[str, Any]:
    empty_flow()
    empty = statistics.median(timed(empty_flow)[0] for _ in range(3))
    if runner == "processes":
        call = lambda: _process_flow(burn_task, [loops] * n)  # noqa: E731
    else:
        call = lambda: fan_out_flow(burn_task, [loops] * n)  # noqa: E731
    result = walls(call, repeats, all_equal(n))
    result["flow_run_s"] = empty
    return result


if __name__ == "__main__":
    bench_main(
        {
            "fixed": fixed,
            "chain": chain,
            "parallel_sleep": parallel_sleep,
            "parallel_cpu": parallel_cpu,
        }
    )

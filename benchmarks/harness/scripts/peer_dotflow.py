"""dotflow: this tree's (run with the project's Python) or 1.0.1 (run with its own virtualenv).

The two differ in how logging is quietened and what ``start()`` returns; everything else is the
same public API (``DotFlow``, ``action``, ``workflow.task.add``, ``result_storage()``).
"""

from __future__ import annotations

import logging
import math
import statistics
import tempfile
import uuid
from typing import Any

from bench_common import all_equal, chain_result, expect, main, peaks, timed, walls
from dotflow_steps import burn_step, chain_step, nap_step, payload_step

import dotflow
from dotflow import Config, DotFlow

LEGACY = not hasattr(dotflow, "WorkflowRun")  # dotflow 1.0.1 has no WorkflowRun


def make_config(log: str = "warning", storage: str = "memory") -> Config:
    """The workflow config: ``log`` is ``warning`` (quiet), ``default`` or ``info`` (to stderr)."""
    kwargs: dict[str, Any] = {}
    if storage == "file":
        from dotflow.providers import StorageFile

        kwargs["storage"] = StorageFile(path=tempfile.mkdtemp(prefix="dotflow-bench-"))
    if LEGACY:
        from dotflow.providers import LogDefault

        if log == "warning":
            kwargs["log"] = LogDefault(level="WARNING")
        elif log == "info":
            kwargs["log"] = LogDefault(level="INFO")
        return Config(**kwargs)
    if log == "warning":
        logging.getLogger("dotflow").setLevel("WARNING")
    elif log == "info":
        logging.basicConfig(level="INFO")  # what an application that logs at INFO does
    return Config(**kwargs)


def run(workflow: DotFlow, mode: str = "sequential") -> list[Any]:
    """Start ``workflow`` and return what every task returned."""
    workflow.start(mode=mode)
    return workflow.result_storage()


def chain(
    n: int, repeats: int, log: str = "warning", storage: str = "memory", warmup: bool = False
) -> dict[str, Any]:
    ids = iter(range(1_000_000))

    def build(n: int) -> DotFlow:
        # A persistent storage gets a fixed workflow id, as a checkpointed workflow has.
        # (1.0.1 accepts only UUIDs as ids.)
        workflow_id = None
        if storage == "file":
            workflow_id = str(uuid.uuid4()) if LEGACY else f"bench-{next(ids)}"
        workflow = DotFlow(config=make_config(log, storage), workflow_id=workflow_id)
        for _ in range(n):
            workflow.task.add(step=chain_step)
        return workflow

    result = chain_result(build, lambda workflow: run(workflow)[-1], n, repeats, warmup)
    result["legacy"] = LEGACY
    return result


def fan_out(step: Any, values: list[Any], mode: str) -> DotFlow:
    workflow = DotFlow(config=make_config())
    for i, value in enumerate(values):
        if mode == "dask":  # dask runs groups at once and each group in order
            workflow.task.add(step=step, initial_context=value, group_name=f"g{i}")
        else:
            workflow.task.add(step=step, initial_context=value)
    return workflow


def parallel_sleep(n: int, seconds: float, repeats: int, mode: str = "parallel") -> dict[str, Any]:
    return walls(
        lambda: run(fan_out(nap_step, [seconds] * n, mode), mode), repeats, expect([seconds] * n)
    )


def parallel_cpu(n: int, loops: int, repeats: int, mode: str = "parallel") -> dict[str, Any]:
    return walls(lambda: run(fan_out(burn_step, [loops] * n, mode), mode), repeats, all_equal(n))


def large_result(size: int, mode: str = "parallel") -> dict[str, Any]:
    seconds, results = timed(lambda: run(fan_out(payload_step, [size], mode), mode))
    if not results or not isinstance(results[0], bytes) or len(results[0]) != size:
        msg = f"the {size}-byte result did not come back: got {str(results)[:200]}"
        raise AssertionError(msg)
    return {"wall_s": seconds, "completed": True, **peaks()}


def dask(n: int, seconds: float, cpu_n: int, loops: int, repeats: int) -> dict[str, Any]:
    """Both parallel workloads in ``mode="dask"`` without an address, as users start it.

    The first ``start()`` starts dotflow's LocalCluster (Dask's defaults for this machine); the
    later ones, the sleeps' timed runs and all of the CPU loops' runs, reuse it.
    """
    import os

    from dotflow.dask import ExecutionDask

    os.environ.pop("DOTFLOW_DASK_ADDRESS", None)
    try:
        io = parallel_sleep(n, seconds, repeats, mode="dask")
        cpu = parallel_cpu(cpu_n, loops, repeats, mode="dask")
        workers = _workers(ExecutionDask())
    finally:
        ExecutionDask().close()
    return {**workers, "io": io, "cpu": cpu, **peaks()}


def _workers(execution: Any) -> dict[str, int]:
    from dotflow.dask.cluster import shared_client

    client = execution.client or shared_client(execution.address, 30, execution.cluster_options)
    workers = client.scheduler_info()["workers"]
    return {
        "workers": len(workers),
        "threads": sum(w.get("nthreads", 0) for w in workers.values()),
    }


def dask_overhead(
    n: int, sleeps: int, seconds: float, workers: int, threads: int, repeats: int
) -> dict[str, Any]:
    """``mode="dask"`` against the same functions through raw ``client.submit``, one cluster.

    An ``n``-task chain of tiny tasks (raw: each ``submit`` takes the previous future; only the
    last result comes back) and ``sleeps`` sleeps of ``seconds`` in as many groups (raw: one
    ``submit`` each, then ``gather``). Each variant runs once untimed, then the four take turns
    ``repeats`` times, so load from elsewhere falls on all alike.
    """
    import os

    from distributed import Client, LocalCluster
    from dotflow_steps import raw_chain_step, raw_nap_step

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=threads,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    client = Client(cluster, set_as_default=False)
    os.environ["DOTFLOW_DASK_ADDRESS"] = cluster.scheduler_address

    def raw_chain() -> int:
        future = None
        for _ in range(n):
            future = client.submit(raw_chain_step, future, pure=False)
        return future.result()

    def dotflow_chain() -> int:
        workflow = DotFlow(config=make_config())
        for _ in range(n):
            workflow.task.add(step=chain_step)
        return run(workflow, "dask")[-1]

    def raw_sleeps() -> list[float]:
        futures = [client.submit(raw_nap_step, seconds, pure=False) for _ in range(sleeps)]
        return client.gather(futures)

    def dotflow_sleeps() -> list[float]:
        return run(fan_out(nap_step, [seconds] * sleeps, "dask"), "dask")

    variants = {
        "raw_chain": (raw_chain, lambda v: v == n),
        "dotflow_chain": (dotflow_chain, lambda v: v == n),
        "raw_sleeps": (raw_sleeps, lambda v: v == [seconds] * sleeps),
        "dotflow_sleeps": (dotflow_sleeps, lambda v: v == [seconds] * sleeps),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    try:
        total_threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        for round_ in range(repeats + 1):
            for name, (call, ok) in variants.items():
                took, value = timed(call)
                if not ok(value):
                    msg = f"{name} returned {str(value)[:200]}"
                    raise AssertionError(msg)
                if round_:  # the first round is the warm-up
                    samples[name].append(took)
    finally:
        from dotflow.dask import ExecutionDask

        ExecutionDask(cluster.scheduler_address).close()
        client.close()
        cluster.close()
    medians = {f"{name}_s": statistics.median(values) for name, values in samples.items()}
    floor = math.ceil(sleeps / total_threads) * seconds
    return {
        **medians,
        "samples": samples,
        "workers": workers,
        "threads": total_threads,
        "sleep_floor_s": floor,
        **peaks(),
    }


def modes() -> dict[str, Any]:
    """The execution modes this dotflow offers (to find out whether ``dask`` works)."""
    from dotflow.core import registry

    return {"modes": registry.names("execution")}


if __name__ == "__main__":
    main(
        {
            "chain": chain,
            "parallel_sleep": parallel_sleep,
            "parallel_cpu": parallel_cpu,
            "large_result": large_result,
            "modes": modes,
            "dask": dask,
            "dask_overhead": dask_overhead,
        }
    )

"""dotflow: this tree's (run with the project's Python) or 1.0.1 (run with its own virtualenv).

The two differ in how logging is quietened and what ``start()`` returns; everything else is the
same public API (``DotFlow``, ``action``, ``workflow.task.add``, ``result_storage()``).
"""

from __future__ import annotations

import logging
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
    """Both parallel workloads in ``mode="dask"`` on one LocalCluster started (and timed) first.

    The cluster is what the mode itself starts when no address is given (Dask's defaults for
    this machine); the mode finds it through ``DOTFLOW_DASK_ADDRESS``.
    """
    import os

    from distributed import Client, LocalCluster

    start_s, cluster = timed(lambda: LocalCluster(dashboard_address=None))
    try:
        os.environ["DOTFLOW_DASK_ADDRESS"] = cluster.scheduler_address
        with Client(cluster) as client:
            workers = client.scheduler_info()["workers"]
        io = parallel_sleep(n, seconds, repeats, mode="dask")
        cpu = parallel_cpu(cpu_n, loops, repeats, mode="dask")
    finally:
        cluster.close()
    return {
        "cluster_start_s": start_s,
        "workers": len(workers),
        "threads": sum(w.get("nthreads", 0) for w in workers.values()),
        "io": io,
        "cpu": cpu,
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
        }
    )

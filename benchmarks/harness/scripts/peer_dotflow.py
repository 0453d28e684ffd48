"""dotflow: this tree's (run with the project's Python) or 1.0.1 (run with its own virtualenv).

The two differ in how logging is quietened and what ``start()`` returns; everything else is the
same public API (``DotFlow``, ``action``, ``workflow.task.add``, ``result_storage()``).
"""

from __future__ import annotations

import logging
import math
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
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


def cpu_timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds the calling thread spent in ``call``, and what it returned."""
    started = time.thread_time()
    value = call()
    return time.thread_time() - started, value


def telemetry(n: int, repeats: int) -> dict[str, Any]:
    """Per-task cost of tracing and metrics with dotflow-otel, next to the OpenTelemetry SDK's
    own cost of creating the same spans and points directly.

    Three runs per round, taking turns: the chain without telemetry, the chain with
    ``TracerOpenTelemetry`` + ``MetricsOpenTelemetry``, and a plain loop that makes the spans and
    metric points dotflow makes for that chain (a run span, a span per task with the same
    attributes, made current while the task runs; the same counter, up-down counter and
    histogram calls). Both use one SDK setup:
    a ``BatchSpanProcessor`` whose exporter drops the spans and an in-memory metric reader, so
    neither network nor export threads are measured. Times are the calling thread's CPU time
    (``time.thread_time``): all three run in that thread (a one-group sequential chain), and on a
    shared machine wall time mostly measures the other jobs.
    """
    from opentelemetry import context as context_api
    from opentelemetry import trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    from dotflow.otel import MetricsOpenTelemetry, TracerOpenTelemetry

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BatchSpanProcessor(Drop(), max_queue_size=1 << 20))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    traced = Config(
        tracer=TracerOpenTelemetry(tracer_provider=tracer_provider),
        metrics=MetricsOpenTelemetry(meter_provider=meter_provider),
    )
    logging.getLogger("dotflow").setLevel("WARNING")
    ids = iter(range(1_000_000))

    def chain_run(config: Config | None) -> float:
        workflow = DotFlow(config=config or Config(), workflow_id=f"bench-{next(ids)}")
        for _ in range(n):
            workflow.task.add(step=chain_step)
        seconds, last = cpu_timed(lambda: run(workflow)[-1])
        if last != n:
            msg = f"the chain returned {last!r}, expected {n}"
            raise AssertionError(msg)
        return seconds

    tracer = tracer_provider.get_tracer("bench-sdk")
    meter = meter_provider.get_meter("bench-sdk")
    workflows = meter.create_counter("sdk.workflows")
    workflow_duration = meter.create_histogram("sdk.workflow.duration")
    workflows_running = meter.create_up_down_counter("sdk.workflows.running")
    tasks = meter.create_counter("sdk.tasks")
    task_duration = meter.create_histogram("sdk.task.duration")
    tasks_running = meter.create_up_down_counter("sdk.tasks.running")
    internal = trace.SpanKind.INTERNAL

    def sdk_only() -> float:
        def body() -> None:
            workflow_id = f"bench-{next(ids)}"
            mode = {"dotflow.workflow.mode": "sequential"}
            ended = {**mode, "dotflow.workflow.status": "Completed"}
            root = tracer.start_span(
                "dotflow workflow",
                kind=internal,
                attributes={
                    "dotflow.workflow.id": workflow_id,
                    "dotflow.workflow.mode": "sequential",
                    "dotflow.workflow.tasks_count": n,
                },
            )
            context = trace.set_span_in_context(root)
            workflows_running.add(1, mode)
            step = {"dotflow.task.step": "chain_step"}
            done = {**step, "dotflow.task.status": "Completed"}
            for task_id in range(1, n + 1):
                span = tracer.start_span(
                    "task chain_step",
                    context=context,
                    kind=internal,
                    attributes={
                        "dotflow.workflow.id": workflow_id,
                        "dotflow.task.id": task_id,
                        "dotflow.task.step": "chain_step",
                        "dotflow.task.group": "default",
                        "dotflow.task.attempt": 1,
                    },
                )
                token = context_api.attach(trace.set_span_in_context(span))  # current, as dotflow
                tasks_running.add(1, step)
                context_api.detach(token)
                span.set_attribute("dotflow.task.status", "Completed")
                span.set_attribute("dotflow.task.retry_count", 0)
                span.end()
                tasks_running.add(-1, step)
                tasks.add(1, done)
                task_duration.record(1e-6, done)
            root.set_attribute("dotflow.workflow.status", "Completed")
            root.end()
            workflows_running.add(-1, mode)
            workflows.add(1, ended)
            workflow_duration.record(1e-3, ended)

        return cpu_timed(body)[0]

    chain_run(None), chain_run(traced), sdk_only()  # warm-up: one-time costs of the process
    bare: list[float] = []
    otel: list[float] = []
    sdk: list[float] = []
    for _ in range(repeats):
        bare.append(chain_run(None) / n * 1e6)
        otel.append(chain_run(traced) / n * 1e6)
        sdk.append(sdk_only() / n * 1e6)
        tracer_provider.force_flush()  # the queue drains outside the timed runs
    overheads = [t - b for t, b in zip(otel, bare, strict=True)]
    # Per round, the three runs took turns under the same load: the ratio of that round.
    shares = [o / k for o, k in zip(overheads, sdk, strict=True)]
    tracer_provider.shutdown()
    return {
        "n": n,
        "bare_us": statistics.median(bare),
        "otel_us": statistics.median(otel),
        "overhead_us": statistics.median(overheads),
        "sdk_us": statistics.median(sdk),
        "share": statistics.median(shares),
        "bare_samples": bare,
        "otel_samples": otel,
        "sdk_samples": sdk,
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
            "telemetry": telemetry,
            "dask": dask,
            "dask_overhead": dask_overhead,
        }
    )

"""Shared by every peer's workload script: timing, memory, the workloads' step bodies, the CLI.

This file is copied next to each peer's script and run with that peer's Python, so it uses the
standard library only. A script is called as ``python peer.py WORKLOAD '{"param": ...}'`` and
prints one line ``BENCH_RESULT {json}`` on stdout.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

MARKER = "BENCH_RESULT "


def rss_kib(who: int = resource.RUSAGE_SELF) -> int:
    """Peak resident set size in KiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(who).ru_maxrss


def hwm_kib() -> int:
    """Peak RSS of this process's own address space, in KiB (``VmHWM``).

    ``ru_maxrss`` of ``RUSAGE_SELF`` is carried across ``execve``: a script started by a big
    parent would report at least the parent's size. ``VmHWM`` starts afresh with the program.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return rss_kib(resource.RUSAGE_SELF)


def peaks() -> dict[str, float]:
    """Peak RSS of this process and of its largest finished child, in MiB."""
    return {
        "rss_self_mib": hwm_kib() / 1024,
        "ru_maxrss_self_mib": rss_kib(resource.RUSAGE_SELF) / 1024,
        "rss_children_mib": rss_kib(resource.RUSAGE_CHILDREN) / 1024,
    }


def step_value(previous: Any) -> int:
    """The chain's step body: read the previous result, return the next one."""
    return (previous or 0) + 1


def burn(loops: int) -> int:
    """Pure-Python CPU work (holds the GIL the whole time)."""
    total = 0
    for i in range(loops):
        total += i * i % 7
    return total


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``call`` took, and what it returned."""
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def chain_result(
    build: Callable[[int], Any],
    run: Callable[[Any], int],
    n: int,
    repeats: int,
    warmup: bool = False,
) -> dict[str, Any]:
    """Build and run an ``n``-task chain ``repeats`` times; microseconds per task (medians).

    ``build(n)`` returns the runnable chain; ``run(chain)`` runs it and returns the last value,
    which must be ``n`` (every task read its predecessor's result). With ``warmup`` a 10-task
    chain runs first, so that one-time costs of the process are not spread over the tasks.
    """
    if warmup:
        run(build(10))
    builds: list[float] = []
    runs: list[float] = []
    for _ in range(repeats):
        build_s, chain = timed(lambda: build(n))
        run_s, last = timed(lambda chain=chain: run(chain))
        if last != n:
            msg = f"the chain returned {last!r}, expected {n}: results were not passed along"
            raise AssertionError(msg)
        builds.append(build_s / n * 1e6)
        runs.append(run_s / n * 1e6)
        del chain
    return {
        "n": n,
        "build_us": statistics.median(builds),
        "run_us": statistics.median(runs),
        "first_build_us": builds[0],
        "first_run_us": runs[0],
        "build_samples": builds,
        "run_samples": runs,
        **peaks(),
    }


def walls(
    call: Callable[[], Any], repeats: int, check: Callable[[Any], None], warmup: bool = True
) -> dict[str, Any]:
    """Wall time of ``call``: median over ``repeats``, each result checked with ``check``.

    With ``warmup`` one more run goes first, reported apart as ``first_wall_s`` (it pays the
    one-time costs of a process: lazy imports, plugin scans, a cluster's start).
    """
    first = None
    if warmup:
        first, value = timed(call)
        check(value)
    samples = []
    for _ in range(repeats):
        seconds, value = timed(call)
        check(value)
        samples.append(seconds)
    return {
        "wall_s": statistics.median(samples),
        "first_wall_s": first,
        "samples": samples,
        **peaks(),
    }


def expect(expected: Any) -> Callable[[Any], None]:
    """A ``check`` that the results equal ``expected``."""

    def check(value: Any) -> None:
        if value != expected:
            msg = f"wrong results: {str(value)[:200]!r}, expected {str(expected)[:200]!r}"
            raise AssertionError(msg)

    return check


def all_equal(n: int) -> Callable[[Any], None]:
    """A ``check`` that there are ``n`` results, all equal (the same work done ``n`` times)."""

    def check(values: Any) -> None:
        values = list(values)
        if len(values) != n or any(v != values[0] for v in values) or values[0] is None:
            msg = f"wrong results: {str(values)[:200]!r}, expected {n} equal values"
            raise AssertionError(msg)

    return check


def main(workloads: dict[str, Callable[..., dict[str, Any]]]) -> None:
    """Run ``argv[1]`` with the JSON parameters in ``argv[2]`` and print its result line."""
    name = sys.argv[1]
    params = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        if name not in workloads:
            msg = f"this peer has no workload {name!r} (has: {', '.join(sorted(workloads))})"
            raise KeyError(msg)
        result = workloads[name](**params)
    except BaseException as error:
        sys.stdout.write(
            MARKER
            + json.dumps(
                {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
            )
            + "\n"
        )
        sys.stdout.flush()
        raise SystemExit(1) from None
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()

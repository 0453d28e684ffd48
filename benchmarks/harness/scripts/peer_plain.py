"""Plain Python, the physical limit: the same functions called in a loop or in forked processes."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench_common import (
    all_equal,
    burn,
    chain_result,
    expect,
    main,
    peaks,
    step_value,
    timed,
    walls,
)


def chain_step(previous: Any) -> int:
    return step_value(previous)


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def payload(size: int) -> bytes:
    return b"x" * size


def _child(func: Callable[[Any], Any], arg: Any, conn: Any) -> None:
    conn.send(func(arg))
    conn.close()


def fork_map(func: Callable[[Any], Any], args: list[Any]) -> list[Any]:
    """``func`` over ``args``, one forked process each, all at once; results through pipes."""
    context = multiprocessing.get_context("fork")
    jobs = []
    for arg in args:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(func, arg, writer))
        process.start()
        writer.close()
        jobs.append((reader, process))
    results = [reader.recv() for reader, _ in jobs]
    for _, process in jobs:
        process.join()
    return results


def chain(n: int, repeats: int, warmup: bool = False, **_: Any) -> dict[str, Any]:
    def run(steps: list[Callable[[Any], Any]]) -> int:
        previous = None
        for step in steps:
            previous = step(previous)
        return previous

    return chain_result(lambda n: [chain_step] * n, run, n, repeats, warmup)


def parallel_sleep(n: int, seconds: float, repeats: int) -> dict[str, Any]:
    return walls(lambda: fork_map(nap, [seconds] * n), repeats, expect([seconds] * n))


def parallel_cpu(n: int, loops: int, repeats: int) -> dict[str, Any]:
    return walls(lambda: fork_map(burn, [loops] * n), repeats, all_equal(n))


def large_result(size: int) -> dict[str, Any]:
    seconds, results = timed(lambda: fork_map(payload, [size]))
    if len(results[0]) != size:
        raise AssertionError("wrong payload size")
    return {"wall_s": seconds, "completed": True, **peaks()}


def single_cpu(loops: int, **_: Any) -> dict[str, Any]:
    """One loop, single-threaded: the unit the parallel CPU ideal is made of."""
    return walls(lambda: burn(loops), 1, lambda value: None)


def calibrate(target_s: float) -> dict[str, Any]:
    """The loop count of ``burn`` that takes ``target_s`` seconds here, single-threaded.

    Also returns ``seconds``, the median of three timed runs at that count, which is what the
    ideal parallel wall time is computed from.
    """
    loops = 100_000
    while True:
        seconds, _ = timed(lambda loops=loops: burn(loops))
        if seconds > 0.1:
            break
        loops *= 2
    for _ in range(6):
        loops = int(loops * target_s / seconds)
        seconds = statistics.median(timed(lambda loops=loops: burn(loops))[0] for _ in range(3))
        if abs(seconds - target_s) < 0.03 * target_s:
            break
    return {"loops": loops, "seconds": seconds}


if __name__ == "__main__":
    main(
        {
            "chain": chain,
            "parallel_sleep": parallel_sleep,
            "parallel_cpu": parallel_cpu,
            "large_result": large_result,
            "calibrate": calibrate,
            "single_cpu": single_cpu,
        }
    )

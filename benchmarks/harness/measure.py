"""Timing whole processes, running workload scripts, and describing the machine."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["machine_info", "run_script", "time_command"]

MARKER = "BENCH_RESULT "


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def time_command(
    argv: list[str], repeats: int, env: dict[str, str] | None = None, timeout: float = 120
) -> dict[str, Any]:
    """Median wall and CPU (user + system) time of a whole process, in milliseconds.

    One untimed warm-up run goes first: it writes bytecode caches, so every timed run is a cold
    start of the interpreter with warm caches, as a user's second invocation is. CPU time is
    less disturbed than wall time by other load on a shared machine, so both are kept.
    """
    samples: list[float] = []
    cpu: list[float] = []
    try:
        for attempt in range(repeats + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                argv, env=env, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                error = _tail(done.stderr.decode(errors="replace") or done.stdout.decode())
                return {"error": f"exit {done.returncode}: {error}"}
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if attempt:
                samples.append(elapsed * 1e3)
                cpu.append(
                    (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1e3
                )
    except FileNotFoundError as error:
        return {"error": f"not installed: {error.filename}"}
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    return {
        "ms": statistics.median(samples),
        "samples_ms": samples,
        "cpu_ms": statistics.median(cpu),
        "cpu_samples_ms": cpu,
    }


def run_script(
    python: str | Path,
    script: Path,
    workload: str,
    params: dict[str, Any],
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Run one workload of a peer's script in a fresh process and return its JSON result.

    The process gets its own session so that a timeout kills it with every worker it started.
    A failure comes back as ``{"error": ...}``, never as an exception.
    """
    argv = [str(python), str(script), workload, json.dumps(params)]
    # Worker processes (Dask's) import the steps' module from the script's folder too.
    env = {**(env if env is not None else os.environ), "PYTHONPATH": str(script.parent)}
    started = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=script.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, err = process.communicate()
        return {
            "error": f"timed out after {timeout:g} s (killed)",
            "timed_out": True,
            "stderr": _tail(err.decode(errors="replace")),
        }
    finally:
        _kill_group(process)  # workers a finished script left behind
    elapsed = time.perf_counter() - started
    for line in reversed(out.decode(errors="replace").splitlines()):
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER) :])
            result["process_s"] = elapsed
            if "error" in result:
                result["traceback"] = _tail(result.get("traceback", ""), 4)
            return result
    return {
        "error": f"exit {process.returncode} without a result: "
        f"{_tail(err.decode(errors='replace')) or 'no output'}"
    }


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def machine_info() -> dict[str, Any]:
    """CPU model, cores, memory, Python, OS, load and date, for the report's header."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "executable": sys.executable,
        "os": platform.platform(),
        "load_average": os.getloadavg(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }

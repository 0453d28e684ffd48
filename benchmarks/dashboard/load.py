"""Load: concurrent runner processes sending ServerAPI's task events over keep-alive HTTP."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import time
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Connection", "run_runners"]

TOKEN = "bench-runner"
VIEWER = "bench-viewer"


class Connection:
    """One keep-alive HTTP/1.1 connection (the stdlib client: the load generator stays light)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request; returns the status and body."""
        data = json.dumps(body).encode() if body is not None else None
        head = {"Content-Type": "application/json", **(headers or {})}
        self._conn.request(method, path, body=data, headers=head)
        reply = self._conn.getresponse()
        return reply.status, reply.read()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _task_body(wid: str, tid: int, status: str, sequence: int) -> dict[str, Any]:
    # What ServerAPI sends for a task: the task's result at the moment of the change.
    return {
        "task_id": tid,
        "workflow_id": wid,
        "step": f"step_{tid}",
        "group_name": "default",
        "status": status,
        "duration": 0.01 if status == "Completed" else None,
        "retry_count": 0,
        "errors": [],
        "initial_context": None,
        "current_context": {"rows": tid, "ok": True} if status == "Completed" else None,
        "previous_context": None,
        "sequence": sequence,
    }


def _runner(url: str, index: int, tasks: int, start: Any, out: Any) -> None:
    wid = f"bench-{index}"
    conn = Connection(url)
    latencies: list[float] = []
    failures = 0
    sequence = int(time.time() * 1e6)
    headers = {"X-User-Token": TOKEN}
    start.wait()
    begun = time.perf_counter()
    for tid in range(1, tasks + 1):
        for status in ("In progress", "Completed"):
            sequence += 1
            head = {
                **headers,
                "X-Dotflow-Sequence": str(sequence),
                "Idempotency-Key": f"{wid}-{tid}-{status}",
            }
            t0 = time.perf_counter()
            code, _ = conn.send(
                "PATCH",
                f"/workflows/{wid}/tasks/{tid}",
                _task_body(wid, tid, status, sequence),
                head,
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            failures += code >= 300
    out.put(
        {
            "index": index,
            "latencies": latencies,
            "failures": failures,
            "elapsed": time.perf_counter() - begun,
            "finished": time.perf_counter(),
        }
    )
    conn.close()


def run_runners(url: str, runners: int, tasks: int) -> dict[str, Any]:
    """``runners`` processes at once, each sending ``tasks`` x 2 events; returns the figures."""
    context = multiprocessing.get_context("fork")
    start = context.Event()
    out: Any = context.Queue()
    processes = [
        context.Process(target=_runner, args=(url, i, tasks, start, out)) for i in range(runners)
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)  # every runner connected and waiting
    begun = time.perf_counter()
    start.set()
    results = [out.get(timeout=600) for _ in processes]
    wall = max(r["finished"] for r in results) - begun
    for process in processes:
        process.join(30)
    latencies = sorted(x for r in results for x in r["latencies"])
    sent = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(sent - 1, int(p * sent))]

    return {
        "events": sent,
        "failures": sum(r["failures"] for r in results),
        "wall_s": wall,
        "events_per_s": sent / wall,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1],
    }

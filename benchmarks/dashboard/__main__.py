"""``python -m benchmarks.dashboard [--quick]``: the dashboard's figures and targets.

Measured side by side in one run: the dashboard (SQLite file, WAL) and the floor of its stack
(uvicorn + Starlette answering the same requests without auth or database); ``python -c pass``
for the start time. Writes ``benchmarks/results/dashboard.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.dashboard.load import TOKEN, VIEWER, Connection, run_runners

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _dashboard(db: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dotflow.dashboard",
        "--db",
        db,
        "--port",
        "0",
        "--runner-token",
        TOKEN,
        "--viewer-token",
        VIEWER,
        "--quiet",
    ]


def _floor() -> list[str]:
    return [sys.executable, str(HERE / "floor_server.py")]


class Served:
    """A server process; ``started_s`` is the time from spawn to the first ``/health`` answer."""

    def __init__(self, command: list[str]) -> None:
        begun = time.perf_counter()
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        self.url = next(w for w in line.split() if w.startswith("http://"))
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = Connection(self.url)
                code, _ = conn.send("GET", "/health")
                conn.close()
                if code == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not answer")
            time.sleep(0.002)
        self.started_s = time.perf_counter() - begun

    def rss_mb(self) -> dict[str, float]:
        """VmRSS and VmHWM of the server process, in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024 / 1e6
        return found

    def stop(self) -> None:
        """Terminate and wait."""
        self.process.terminate()
        self.process.communicate(timeout=60)


def measure_start(repeats: int, folder: Path) -> dict[str, Any]:
    """Spawn to first answer: the dashboard (fresh SQLite file), the floor, ``python -c pass``."""
    figures: dict[str, list[float]] = {"dashboard": [], "floor": [], "python": []}
    for n in range(repeats):
        for name, command in (
            ("dashboard", _dashboard(f"sqlite:///{folder}/start-{n}.db")),
            ("floor", _floor()),
        ):
            served = Served(command)
            figures[name].append(served.started_s)
            served.stop()
        begun = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        figures["python"].append(time.perf_counter() - begun)
    return {name: statistics.median(values) for name, values in figures.items()}


def count_back(url: str, runners: int) -> int:
    """Every task status change the dashboard stored for the runners' workflows."""
    conn = Connection(url)
    total = 0
    for index in range(runners):
        code, body = conn.send(
            "GET", f"/api/workflows/bench-{index}", headers={"X-Viewer-Token": VIEWER}
        )
        if code == 200:
            total += sum(len(task["history"]) for task in json.loads(body)["tasks"])
    conn.close()
    return total


def measure_page(url: str, tasks: int, repeats: int) -> dict[str, float]:
    """A workflow of ``tasks`` tasks (3 statuses each, contexts): page and JSON time."""
    conn = Connection(url)
    head = {"X-User-Token": TOKEN}
    wid = f"page-{tasks}"
    conn.send("POST", "/workflows", {"id": wid}, head)
    conn.send("PATCH", f"/workflows/{wid}", {"status": "In progress"}, head)
    for tid in range(1, tasks + 1):
        conn.send(
            "POST",
            f"/workflows/{wid}/tasks",
            {"id": tid, "step": f"s{tid}", "status": "Not started"},
            head,
        )
    for tid in range(1, tasks + 1):
        for status in ("In progress", "Completed"):
            body = {
                "task_id": tid,
                "status": status,
                "duration": 0.5,
                "current_context": {"rows": list(range(20)), "name": f"task {tid}"},
            }
            conn.send("PATCH", f"/workflows/{wid}/tasks/{tid}", body, head)
    conn.send("PATCH", f"/workflows/{wid}", {"status": "Completed"}, head)
    read = {"X-Viewer-Token": VIEWER}
    times: dict[str, list[float]] = {"page_ms": [], "json_ms": []}
    for _ in range(repeats):
        for key, path in (("page_ms", f"/workflows/{wid}"), ("json_ms", f"/api/workflows/{wid}")):
            begun = time.perf_counter()
            code, body = conn.send("GET", path, headers=read)
            times[key].append((time.perf_counter() - begun) * 1000)
            assert code == 200 and body
    conn.close()
    return {key: statistics.median(values) for key, values in times.items()} | {
        "page_max_ms": max(times["page_ms"]),
        "page_bytes": float(len(body)),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the measures, print the report, write results/dashboard.{md,json}."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard")
    parser.add_argument("--quick", action="store_true", help="10,000 events instead of 100,000")
    args = parser.parse_args(argv)
    runners = 20
    tasks = 250 if args.quick else 2500  # x 2 events x 20 runners
    document: dict[str, Any] = {
        "runners": runners,
        "events_target": runners * tasks * 2,
        "load": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory() as folder:
        _log("start times")
        document["start_s"] = measure_start(3 if args.quick else 5, Path(folder))
        _log("ingest: floor")
        floor = Served(_floor())
        document["floor"] = run_runners(floor.url, runners, max(100, tasks // 5))
        floor.stop()
        _log("ingest: dashboard on SQLite")
        served = Served(_dashboard(f"sqlite:///{folder}/ingest.db"))
        document["rss_idle_mb"] = served.rss_mb()
        document["ingest"] = run_runners(served.url, runners, tasks)
        document["rss_after_mb"] = served.rss_mb()
        document["counted_back"] = count_back(served.url, runners)
        _log("page of 1,000 tasks")
        document["page"] = measure_page(served.url, 1000, 10)
        served.stop()
    report = _report(document)
    print(report)
    stem = RESULTS / ("dashboard-smoke" if args.quick else "dashboard")
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    _log(f"wrote {stem}.md and .json")
    return 0


def _report(d: dict[str, Any]) -> str:
    ing, floor, start, page = d["ingest"], d["floor"], d["start_s"], d["page"]
    lost = ing["events"] - d["counted_back"]
    rows = [
        (
            "ingest (20 runners, SQLite)",
            f"{ing['events_per_s']:,.0f} events/s",
            f"floor {floor['events_per_s']:,.0f}/s "
            f"({ing['events_per_s'] / floor['events_per_s']:.2f}× of it)",
            ing["events_per_s"] >= 2000,
            "≥ 2,000/s",
        ),
        (
            "ingest latency p99",
            f"{ing['p99_ms']:.1f} ms (p50 {ing['p50_ms']:.1f})",
            f"floor p99 {floor['p99_ms']:.1f} ms",
            ing["p99_ms"] < 50,
            "< 50 ms",
        ),
        (
            "events lost",
            f"{lost} of {ing['events']:,} (failures {ing['failures']})",
            "",
            lost == 0 and ing["failures"] == 0,
            "0",
        ),
        (
            "start to first answer",
            f"{start['dashboard'] * 1000:.0f} ms",
            f"floor {start['floor'] * 1000:.0f} ms, python -c pass {start['python'] * 1000:.0f} ms",
            start["dashboard"] < 1.0,
            "< 1 s",
        ),
        (
            "RSS after the ingest",
            f"{d['rss_after_mb']['VmRSS']:.1f} MB "
            f"(peak {d['rss_after_mb']['VmHWM']:.1f}, idle {d['rss_idle_mb']['VmRSS']:.1f})",
            "",
            d["rss_after_mb"]["VmRSS"] < 80,
            "< 80 MB",
        ),
        (
            "1,000-task workflow page",
            f"{page['page_ms']:.0f} ms (max {page['page_max_ms']:.0f})",
            f"JSON {page['json_ms']:.0f} ms",
            page["page_ms"] < 300,
            "< 300 ms",
        ),
    ]
    lines = [
        "# dotflow-dashboard benchmark",
        "",
        f"{d['events_target']:,} task events from {d['runners']} runner processes; "
        f"{d['cpus']} CPUs, load average at start {d['load'][0]:.2f}.",
        "",
        "| measure | dashboard | side by side | target | met |",
        "|---|---|---|---|---|",
    ]
    for name, value, beside, met, target in rows:
        lines.append(f"| {name} | {value} | {beside} | {target} | {'yes' if met else 'NO'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

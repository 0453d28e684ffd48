"""The measures: each runs its workloads on every peer that can, and adds rows to the table."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness.measure import run_script, time_command
from benchmarks.harness.peers import PeerStatus
from benchmarks.harness.workloads import CLI, IMPORT_LINES

__all__ = ["MEASURES", "Row", "Settings", "Suite"]

_MB = 1024 * 1024 / 1e6  # ru_maxrss MiB -> MB


@dataclass(frozen=True)
class Settings:
    """How much to repeat; ``smoke()`` is the smoke run."""

    quick: bool = False
    import_repeats: int = 15
    cli_repeats: int = 10
    chain_n: int = 2000
    chain_repeats: int = 7
    prefect_n: int = 200
    prefect_repeats: int = 3
    scale: tuple[tuple[int, int], ...] = ((2000, 5), (10_000, 3), (100_000, 1))
    parallel_n: int = 16
    parallel_sleep_s: float = 0.2
    parallel_repeats: int = 5
    cpu_n: int = 4
    cpu_s: float = 0.5
    large_bytes: int = 50_000_000
    large_timeout_s: float = 60
    checkpoint_n: int = 2000
    checkpoint_repeats: int = 5
    telemetry_n: int = 2000
    telemetry_repeats: int = 9
    dask_chain_n: int = 1000
    dask_workers: int = 2
    dask_threads: int = 2
    dask_repeats: int = 5

    @classmethod
    def smoke(cls) -> Settings:
        return cls(
            quick=True,
            import_repeats=5,
            cli_repeats=3,
            chain_repeats=3,
            scale=((2000, 3), (10_000, 1)),
            parallel_repeats=3,
            large_timeout_s=15,
            checkpoint_n=500,
            checkpoint_repeats=3,
            telemetry_repeats=3,
            dask_repeats=2,
        )


@dataclass
class Row:
    """One line of the table: a figure per peer (lower is better), or why there is none."""

    key: str
    section: str
    label: str
    unit: str
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ideal: float | None = None


class Suite:
    """Runs measures and collects their rows and raw results."""

    def __init__(
        self,
        settings: Settings,
        statuses: dict[str, PeerStatus],
        scripts: dict[str, Path],
        log: Callable[[str], None] = print,
    ) -> None:
        self.settings = settings
        self.statuses = statuses
        self.scripts = scripts
        self.log = log
        self.rows: list[Row] = []
        self.raw: dict[str, Any] = {}
        self.notes: list[str] = []

    # -- helpers ----------------------------------------------------------------------------

    def ready(self, peer: str) -> bool:
        status = self.statuses.get(peer)
        return status is not None and status.ready

    def why_not(self, peer: str) -> str:
        status = self.statuses.get(peer)
        if status is None:
            return "skipped"
        return status.error or "not available"

    def row(self, key: str, section: str, label: str, unit: str, ideal: float | None = None) -> Row:
        row = Row(key, section, label, unit, ideal=ideal)
        self.rows.append(row)
        return row

    def script(
        self, peer: str, workload: str, params: dict[str, Any], timeout: float = 900
    ) -> dict[str, Any]:
        """Run a workload of ``peer`` (or explain why not) and keep its raw result."""
        if not self.ready(peer):
            return {"error": self.why_not(peer), "skipped": True}
        status = self.statuses[peer]
        self.log(f"  {peer}: {workload} {params}")
        result = run_script(
            status.peer.python,
            self.scripts[peer],
            workload,
            params,
            env=status.peer.environ(),
            timeout=timeout,
        )
        if "error" in result:
            self.log(f"    failed: {result['error']}")
        self.raw.setdefault(workload, {}).setdefault(peer, []).append(
            {"params": params, "result": result}
        )
        return result

    @staticmethod
    def put(row: Row, peer: str, result: dict[str, Any], field_: str, scale: float = 1.0) -> None:
        if "error" in result:
            row.errors[peer] = result["error"]
        elif result.get(field_) is None:
            row.errors[peer] = f"no {field_} in the result"
        else:
            row.values[peer] = result[field_] * scale

    # -- measures ---------------------------------------------------------------------------

    def measure_import(self) -> None:
        """1. Import, whole process; plus the interpreter's own start in each environment."""
        s = self.settings
        start = self.row("start.pass", "Import", "interpreter start, `python -c pass`", "ms")
        imp = self.row("import.wall", "Import", "import, whole process (plain: `pass`)", "ms")
        imp_cpu = self.row("import.cpu", "Import", "import, CPU time of that process", "ms")
        for peer in ("plain", "ours", "dotflow101", "prefect"):
            if not self.ready(peer):
                imp.errors[peer] = self.why_not(peer)
                continue
            status = self.statuses[peer]
            self.log(f"  {peer}: python -c {IMPORT_LINES[peer]!r}")
            env = status.peer.environ()
            python = str(status.peer.python)
            result = time_command([python, "-c", IMPORT_LINES[peer]], s.import_repeats, env)
            self.raw.setdefault("import", {})[peer] = result
            self.put(imp, peer, result, "ms")
            self.put(imp_cpu, peer, result, "cpu_ms")
            if peer != "plain":
                result = time_command([python, "-c", "pass"], s.import_repeats, env)
                self.raw.setdefault("start", {})[peer] = result
                self.put(start, peer, result, "ms")
            else:
                start.values[peer] = imp.values.get(peer, math.nan)

    def measure_cli(self) -> None:
        """2. ``--help`` of each console script, whole process."""
        row = self.row("cli.help", "CLI", "`--help`, whole process", "ms")
        cpu = self.row("cli.cpu", "CLI", "`--help`, CPU time of that process", "ms")
        for peer, name in CLI.items():
            if not self.ready(peer):
                row.errors[peer] = self.why_not(peer)
                continue
            status = self.statuses[peer]
            self.log(f"  {peer}: {name} --help")
            result = time_command(
                [str(status.peer.bin / name), "--help"],
                self.settings.cli_repeats,
                status.peer.environ(),
            )
            self.raw.setdefault("cli", {})[peer] = result
            self.put(row, peer, result, "ms")
            self.put(cpu, peer, result, "cpu_ms")

    def measure_chain(self) -> None:
        """3. Per-task overhead of a sequential in-memory chain, with three logging setups."""
        s = self.settings
        sec = f"Per task, {s.chain_n:,}-task chain"
        build = self.row("chain.build", sec, "build, logs at WARNING", "µs")
        run = self.row("chain.run", sec, "run, logs at WARNING", "µs")
        first = self.row("chain.first_run", sec, "run, first start() in a fresh process", "µs")
        rss = self.row("chain.rss", sec, "peak RSS, logs at WARNING", "MB")
        default = self.row("chain.run_default", sec, "run, default logging config", "µs")
        info = self.row("chain.run_info", sec, "run, INFO records to stderr", "µs")
        for peer in ("plain", "ours", "dotflow101", "prefect"):
            if peer == "prefect":
                params = {"n": s.prefect_n, "repeats": s.prefect_repeats}
                if self.ready(peer):
                    self.notes.append(
                        f"Prefect's per-task figures come from a {s.prefect_n}-task chain, with "
                        "the median empty flow run subtracted (its fixed costs are listed apart)."
                    )
            else:
                params = {"n": s.chain_n, "repeats": s.chain_repeats, "warmup": True}
            result = self.script(peer, "chain", {**params, "log": "warning"})
            for row, name, scale in (
                (build, "build_us", 1),
                (run, "run_us", 1),
                (rss, "rss_self_mib", _MB),
            ):
                self.put(row, peer, result, name, scale)
            if peer in ("ours", "dotflow101"):
                once = self.script(peer, "chain", {"n": s.chain_n, "repeats": 1})
                self.put(first, peer, once, "first_run_us")
            if peer == "plain":
                continue
            self.put(
                default, peer, self.script(peer, "chain", {**params, "log": "default"}), "run_us"
            )
            if peer != "prefect":
                self.put(
                    info, peer, self.script(peer, "chain", {**params, "log": "info"}), "run_us"
                )

    def measure_scale(self) -> None:
        """4. The chain at growing sizes, each in a fresh process: time per task and peak RSS."""
        for n, repeats in self.settings.scale:
            sec = f"Scale, {n:,}-task chain (fresh process each)"
            total = self.row(f"scale.{n}.total", sec, "build + run per task", "µs")
            rss = self.row(f"scale.{n}.rss", sec, "peak RSS", "MB")
            for peer in ("plain", "ours", "dotflow101"):
                result = self.script(
                    peer, "chain", {"n": n, "repeats": repeats, "warmup": True}, timeout=1800
                )
                if "error" not in result:
                    result["total_us"] = result["build_us"] + result["run_us"]
                self.put(total, peer, result, "total_us")
                self.put(rss, peer, result, "rss_self_mib", _MB)

    def measure_parallel_io(self) -> None:
        """5. 16 tasks each sleeping 0.2 s in parallel mode."""
        s = self.settings
        sec = f"Parallel I/O, {s.parallel_n} × {s.parallel_sleep_s} s sleeps"
        wall = self.row("parallel_io.wall", sec, "wall time", "s", ideal=s.parallel_sleep_s)
        first = self.row(
            "parallel_io.first",
            sec,
            "wall time, first run in the process",
            "s",
            ideal=s.parallel_sleep_s,
        )
        params = {"n": s.parallel_n, "seconds": s.parallel_sleep_s}
        results = self.interleaved(("plain", "ours", "dotflow101"), "parallel_sleep", params)
        results["prefect"] = self.script(  # not ready with --quick: the row says why
            "prefect", "parallel_sleep", {**params, "repeats": s.parallel_repeats}
        )
        for peer, result in results.items():
            self.put(wall, peer, result, "wall_s")
            self.put(first, peer, result, "first_wall_s")

    def interleaved(
        self,
        peers: tuple[str, ...],
        workload: str,
        params: dict[str, Any],
        extra: tuple[str, str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Run a wall-time workload in rounds, one process per peer per round, peers in turn.

        Load from elsewhere on a shared machine then falls on every peer alike, instead of on
        whichever happened to run during a busy minute. Each process does one warm-up run
        (``first_wall_s``) and one timed run; the medians over the rounds are returned.
        ``extra`` is one more ``(peer, workload)`` run in every round, under the key
        ``"peer:workload"``, with the same parameters.
        """
        jobs = [(peer, peer, workload) for peer in peers]
        if extra is not None:
            jobs.insert(0, (f"{extra[0]}:{extra[1]}", *extra))
        firsts: dict[str, list[float]] = {key: [] for key, _, _ in jobs}
        walls: dict[str, list[float]] = {key: [] for key, _, _ in jobs}
        failed: dict[str, dict[str, Any]] = {}
        for _ in range(self.settings.parallel_repeats):
            for key, peer, name in jobs:
                if key in failed:
                    continue
                result = self.script(peer, name, {**params, "repeats": 1})
                if "error" in result:
                    failed[key] = result
                    continue
                firsts[key].append(result["first_wall_s"])
                walls[key].append(result["wall_s"])
        out: dict[str, dict[str, Any]] = {}
        for key, _, _ in jobs:
            if key in failed:
                out[key] = failed[key]
            else:
                out[key] = {
                    "wall_s": statistics.median(walls[key]),
                    "first_wall_s": statistics.median(firsts[key]),
                    "samples": walls[key],
                }
        return out

    def calibrate(self) -> dict[str, Any]:
        if "calibration" not in self.raw:
            self.raw["calibration"] = self.script(
                "plain", "calibrate", {"target_s": self.settings.cpu_s}
            )
        return self.raw["calibration"]

    def cpu_ideal(self, single_s: float) -> float:
        return single_s * math.ceil(self.settings.cpu_n / (os.cpu_count() or 1))

    def measure_parallel_cpu(self) -> None:
        """6. 4 pure-Python CPU tasks of ~0.5 s each in parallel mode (calibrated first)."""
        s = self.settings
        calibration = self.calibrate()
        sec = f"Parallel CPU, {s.cpu_n} × {s.cpu_s} s pure-Python loops on {os.cpu_count()} cores"
        single = self.row(
            "parallel_cpu.single", sec, "one loop, single-threaded (in every round)", "s"
        )
        if "error" in calibration:
            single.errors["plain"] = calibration["error"]
            return
        params = {"n": s.cpu_n, "loops": calibration["loops"]}
        results = self.interleaved(
            ("plain", "ours", "dotflow101"), "parallel_cpu", params, extra=("plain", "single_cpu")
        )
        one = results.pop("plain:single_cpu")
        self.put(single, "plain", one, "wall_s")
        # The ideal comes from the single-loop time measured in the same rounds, so a machine
        # that got faster or slower since the calibration moves the ideal with it.
        ideal = self.cpu_ideal(one.get("wall_s", calibration["seconds"]))
        wall = self.row("parallel_cpu.wall", sec, "wall time", "s", ideal=ideal)
        params["repeats"] = s.parallel_repeats
        results["prefect"] = self.script("prefect", "parallel_cpu", params)
        for peer, result in results.items():
            self.put(wall, peer, result, "wall_s")
        if not s.quick:
            procs = self.row(
                "parallel_cpu.prefect_processes",
                sec,
                "wall time, Prefect ProcessPoolTaskRunner",
                "s",
                ideal=ideal,
            )
            self.put(
                procs,
                "prefect",
                self.script("prefect", "parallel_cpu", {**params, "runner": "processes"}),
                "wall_s",
            )

    def measure_large_result(self) -> None:
        """7. One task returning 50 MB in parallel mode: completes? wall time and peak RSS."""
        s = self.settings
        mb = s.large_bytes / 1e6
        sec = f"Large result, one task returning {mb:g} MB in parallel mode"
        wall = self.row("large.wall", sec, "wall time", "s")
        own = self.row("large.rss_self", sec, "peak RSS, the calling process", "MB")
        kids = self.row("large.rss_children", sec, "peak RSS, largest worker process", "MB")
        for peer in ("plain", "ours", "dotflow101"):
            timeout = s.large_timeout_s if peer == "dotflow101" else 300
            result = self.script(peer, "large_result", {"size": s.large_bytes}, timeout=timeout)
            self.put(wall, peer, result, "wall_s")
            self.put(own, peer, result, "rss_self_mib", _MB)
            self.put(kids, peer, result, "rss_children_mib", _MB)

    def measure_checkpoint(self) -> None:
        """8. Per-task cost of checkpointing every result with ``StorageFile`` vs in memory."""
        s = self.settings
        sec = f"Checkpoint, {s.checkpoint_n:,}-task chain"
        memory = self.row("checkpoint.memory", sec, "run per task, in memory", "µs")
        file = self.row("checkpoint.file", sec, "run per task, StorageFile (tmp dir)", "µs")
        build = self.row("checkpoint.build_file", sec, "build per task, StorageFile", "µs")
        extra = self.row(
            "checkpoint.overhead", sec, "checkpoint cost per task (file − memory)", "µs"
        )
        params = {"n": s.checkpoint_n, "repeats": s.checkpoint_repeats, "warmup": True}
        for peer in ("ours", "dotflow101"):
            in_memory = self.script(peer, "chain", params)
            on_disk = self.script(peer, "chain", {**params, "storage": "file"})
            self.put(memory, peer, in_memory, "run_us")
            self.put(file, peer, on_disk, "run_us")
            self.put(build, peer, on_disk, "build_us")
            if peer in memory.values and peer in file.values:
                extra.values[peer] = file.values[peer] - memory.values[peer]
            else:
                extra.errors[peer] = file.errors.get(peer) or memory.errors.get(peer, "?")

    def measure_telemetry(self) -> None:
        """Per-task cost of tracing and metrics (dotflow-otel) next to the bare SDK's."""
        s = self.settings
        sec = f"Tracing and metrics (dotflow-otel), {s.telemetry_n:,}-task chain"
        rows = (
            (self.row("telemetry.bare", sec, "run per task, no telemetry (CPU)", "µs"), "bare_us"),
            (
                self.row("telemetry.otel", sec, "run per task, tracer + metrics (CPU)", "µs"),
                "otel_us",
            ),
            (
                self.row("telemetry.overhead", sec, "telemetry cost per task (otel − none)", "µs"),
                "overhead_us",
            ),
            (
                self.row("telemetry.sdk", sec, "the same spans and points, SDK alone", "µs"),
                "sdk_us",
            ),
        )
        share = self.row("telemetry.share", sec, "telemetry cost ÷ SDK alone", "×")
        result = self.script(
            "ours", "telemetry", {"n": s.telemetry_n, "repeats": s.telemetry_repeats}
        )
        for row, name in rows:
            self.put(row, "ours", result, name)
        self.put(share, "ours", result, "share")

    def dask_registered(self) -> bool:
        if "modes" not in self.raw:
            self.raw["modes"] = self.script("ours", "modes", {})
        modes = self.raw["modes"]
        if "error" in modes or "dask" not in modes.get("modes", []):
            self.log("  dask: mode not registered; skipped")
            self.raw["dask"] = {"skipped": "mode 'dask' is not registered (dotflow-dask)"}
            return False
        return True

    def measure_dask(self) -> None:
        """Parallel I/O and CPU in ``mode="dask"`` without an address: dotflow's LocalCluster."""
        if not self.dask_registered():
            return
        s = self.settings
        calibration = self.calibrate()
        if "error" in calibration:
            return
        ideal = self.cpu_ideal(calibration["seconds"])
        result = self.script(
            "ours",
            "dask",
            {
                "n": s.parallel_n,
                "seconds": s.parallel_sleep_s,
                "cpu_n": s.cpu_n,
                "loops": calibration["loops"],
                "repeats": s.parallel_repeats,
            },
        )
        shape, floor = "", None
        if "error" not in result:
            shape = f", {result['workers']} workers × {result['threads']} threads in all"
            floor = math.ceil(s.parallel_n / result["threads"]) * s.parallel_sleep_s
        sec = f"Dask mode without an address: dotflow's LocalCluster, Dask's defaults{shape}"
        rows = (
            ("io", f"{s.parallel_n} × {s.parallel_sleep_s} s sleeps", floor, "starts the cluster"),
            ("cpu", f"{s.cpu_n} × {s.cpu_s} s CPU loops", ideal, "a warm-up"),
        )
        for name, label, best, what in rows:
            first = self.row(f"dask.{name}_first", sec, f"{label}, first start() ({what})", "s")
            wall = self.row(f"dask.{name}", sec, f"{label}, later start() (reuse it)", "s", best)
            part = result.get(name, result)
            self.put(first, "ours", part, "first_wall_s")
            self.put(wall, "ours", part, "wall_s")

    def measure_dask_overhead(self) -> None:
        """``mode="dask"`` vs the same functions through raw ``client.submit``, one cluster."""
        if not self.dask_registered():
            return
        s = self.settings
        result = self.script(
            "ours",
            "dask_overhead",
            {
                "n": s.dask_chain_n,
                "sleeps": s.parallel_n,
                "seconds": s.parallel_sleep_s,
                "workers": s.dask_workers,
                "threads": s.dask_threads,
                "repeats": s.dask_repeats,
            },
        )
        sec = (
            f"Dask overhead, one LocalCluster of {s.dask_workers} workers × {s.dask_threads} "
            "threads; plain Python column: the same functions through raw Dask `client.submit`"
        )
        chain = self.row("dask_overhead.chain", sec, f"{s.dask_chain_n:,}-task chain", "s")
        sleeps = self.row(
            "dask_overhead.sleeps",
            sec,
            f"{s.parallel_n} × {s.parallel_sleep_s} s sleeps in {s.parallel_n} groups",
            "s",
            ideal=result.get("sleep_floor_s"),
        )
        for row, name in ((chain, "chain"), (sleeps, "sleeps")):
            self.put(row, "plain", result, f"raw_{name}_s")
            self.put(row, "ours", result, f"dotflow_{name}_s")
        if "error" not in result:
            self.notes.append(
                f"Dask overhead: raw Dask's chain submits {s.dask_chain_n:,} tasks, each taking "
                "the previous future, and fetches the last result; dotflow fetches every "
                "task's result (it stores them and reports each status). The sleeps' ideal is "
                "the workers' thread-count floor, ⌈tasks / threads⌉ × the sleep."
            )

    def measure_prefect_fixed(self) -> None:
        """Prefect's fixed costs: the temporary server's start and each flow run."""
        if self.settings.quick:
            return
        sec = "Prefect fixed costs (not per task)"
        first = self.row(
            "prefect.first_flow", sec, "first flow run of a process (server start)", "s"
        )
        flow = self.row("prefect.flow_run", sec, "each later empty flow run", "s")
        result = self.script("prefect", "fixed", {"repeats": 5})
        self.put(first, "prefect", result, "first_flow_s")
        self.put(flow, "prefect", result, "flow_run_s")


#: measure name (for ``--only``) -> method, in run order
MEASURES: dict[str, Callable[[Suite], None]] = {
    "import": Suite.measure_import,
    "cli": Suite.measure_cli,
    "chain": Suite.measure_chain,
    "scale": Suite.measure_scale,
    "parallel_io": Suite.measure_parallel_io,
    "parallel_cpu": Suite.measure_parallel_cpu,
    "large_result": Suite.measure_large_result,
    "checkpoint": Suite.measure_checkpoint,
    "telemetry": Suite.measure_telemetry,
    "dask": Suite.measure_dask,
    "dask_overhead": Suite.measure_dask_overhead,
    "prefect_fixed": Suite.measure_prefect_fixed,
}

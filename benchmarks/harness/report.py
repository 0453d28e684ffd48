"""The markdown report: machine, table of figures and ratios, targets met or not met."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.harness.suite import Row

__all__ = ["Target", "evaluate", "markdown"]

COLUMNS = ("plain", "ours", "dotflow101", "prefect")


@dataclass
class Target:
    """One goal of issue 8, judged from the figures of the same run."""

    name: str
    value: str
    limit: str
    status: str  # "met", "not met" or "not measured"


def fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude == 0:
        return "0"
    return f"{value:.3g}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0 or a <= 0:
        return ""
    return f"{a / b:.3g}×"


def _get(rows: dict[str, Row], key: str, peer: str = "ours") -> float | None:
    row = rows.get(key)
    return None if row is None else row.values.get(peer)


def evaluate(rows_list: list[Row], large_bytes: int) -> list[Target]:
    """Every target, computed from ``rows_list``."""
    rows = {row.key: row for row in rows_list}
    targets: list[Target] = []

    def check(
        name: str,
        value: float | None,
        limit: float | None,
        unit: str,
        shown: Callable[[float], str] | None = None,
    ) -> None:
        if value is None or limit is None:
            targets.append(
                Target(name, "—", "—" if limit is None else fmt(limit) + unit, "not measured")
            )
            return
        text = shown(value) if shown else fmt(value) + unit
        targets.append(
            Target(name, text, fmt(limit) + unit, "met" if value <= limit else "not met")
        )

    for name, key, divisor, unit in (
        ("import ≤ 1/5 of dotflow 1.0.1's", "import.wall", 5, " ms"),
        ("CLI `--help` ≤ 1/3 of dotflow 1.0.1's", "cli.help", 3, " ms"),
        ("per-task run ≤ 1/20 of dotflow 1.0.1's", "chain.run", 20, " µs"),
    ):
        legacy = _get(rows, key, "dotflow101")
        check(name, _get(rows, key), legacy / divisor if legacy else None, unit)
    check("per-task run ≤ 10 µs", _get(rows, "chain.run"), 10, " µs")
    check("per-task build ≤ 5 µs", _get(rows, "chain.build"), 5, " µs")
    check("100,000-task chain: peak RSS < 200 MB", _get(rows, "scale.100000.rss"), 200, " MB")
    small = _get(rows, "scale.2000.total")
    check(
        "100,000-task chain: time per task ≤ 1.3 × the 2,000-task figure",
        _get(rows, "scale.100000.total"),
        small * 1.3 if small else None,
        " µs",
    )
    for name, key, factor in (
        ("parallel I/O ≤ 1.3 × ideal", "parallel_io.wall", 1.3),
        ("parallel CPU ≤ 1.2 × ideal", "parallel_cpu.wall", 1.2),
    ):
        row = rows.get(key)
        ideal = row.ideal if row is not None else None
        check(name, _get(rows, key), ideal * factor if ideal else None, " s")
    check(
        "tracing + metrics: cost per task ≤ 1.2 × the bare SDK's",
        _get(rows, "telemetry.share"),
        1.2,
        "×",
    )
    for name, key, factor in (
        ("Dask: 1,000-task chain ≤ 1.5 × raw Dask's wall time", "dask_overhead.chain", 1.5),
        ("Dask: 16 sleeps in 16 groups ≤ 1.5 × raw Dask's wall time", "dask_overhead.sleeps", 1.5),
    ):
        raw = _get(rows, key, "plain")
        check(name, _get(rows, key), raw * factor if raw else None, " s")
    row = rows.get("dask_overhead.sleeps")
    floor = row.ideal if row is not None else None
    check(
        "Dask: 16 sleeps ≤ 1.3 × the workers' thread-count floor",
        _get(rows, "dask_overhead.sleeps"),
        floor * 1.3 if floor else None,
        " s",
    )
    payload = large_bytes / 1e6
    wall = rows.get("large.wall")
    name = f"{payload:g} MB result in parallel mode completes"
    seconds = _get(rows, "large.wall")
    if wall is not None and "ours" in wall.errors:
        targets.append(Target(name, "failed: " + wall.errors["ours"][:80], "completes", "not met"))
    elif seconds is None:
        targets.append(Target(name, "—", "completes", "not measured"))
    else:
        targets.append(Target(name, fmt(seconds) + " s", "completes", "met"))
    for key, who in (("large.rss_self", "calling process"), ("large.rss_children", "worker")):
        check(
            f"{payload:g} MB result: peak RSS of the {who} < 4 × payload",
            _get(rows, key),
            4 * payload,
            " MB",
        )
    return targets


def markdown(
    rows: list[Row],
    targets: list[Target],
    machine: dict[str, Any],
    labels: dict[str, str],
    versions: dict[str, str | None],
    notes: list[str],
    quick: bool,
) -> str:
    """The whole report."""
    lines = ["# dotflow benchmarks", ""]
    lines.append(
        f"{machine['date']} · {machine['cpu']} · {machine['cores']} cores · "
        f"{machine.get('memory_gib')} GiB · Python {machine['python']} · "
        f"load average at start {', '.join(f'{x:.2f}' for x in machine['load_average'])}"
        + (" · **--quick run**" if quick else "")
    )
    lines.append("")
    lines.append(
        "Peers: "
        + ", ".join(f"{labels[p]} {versions.get(p) or ''}".strip() for p in COLUMNS)
        + ". Medians of "
        "repeated runs; lower is better; ratios are dotflow 1.0.1 ÷ this tree (how many times "
        "faster or smaller this tree is) and this tree ÷ plain Python (the cost over the "
        "physical limit)."
    )
    lines.append("")
    head = [
        "measure",
        "unit",
        *(labels[p] for p in COLUMNS),
        "1.0.1 ÷ this",
        "this ÷ plain",
        "ideal",
    ]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|")
    footnotes: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"| **{section}** |" + " |" * (len(head) - 1))
        cells = [row.label, row.unit]
        for peer in COLUMNS:
            if peer in row.values:
                cells.append(fmt(row.values[peer]))
            elif peer in row.errors:
                error = row.errors[peer]
                if error.startswith("skipped"):
                    cells.append("skipped")
                else:
                    footnotes.append(
                        f"{labels[peer]}, {row.label}: " + " ".join(error.split())[:400]
                    )
                    cells.append(f"failed [{len(footnotes)}]")
            else:
                cells.append("")
        ours = row.values.get("ours")
        cells.append(_ratio(row.values.get("dotflow101"), ours))
        cells.append(_ratio(ours, row.values.get("plain")))
        cells.append(fmt(row.ideal) if row.ideal is not None else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if footnotes:
        lines.extend(f"[{i}] {text}  " for i, text in enumerate(footnotes, start=1))
        lines.append("")
    if notes:
        lines.extend(f"- {note}" for note in dict.fromkeys(notes))
        lines.append("")
    lines.append("## Targets")
    lines.append("")
    lines.append("| target | this tree | limit | |")
    lines.append("|---|---:|---:|---|")
    marks = {"met": "✅ met", "not met": "❌ not met", "not measured": "— not measured"}
    for target in targets:
        lines.append(
            f"| {target.name} | {target.value} | {target.limit} | {marks[target.status]} |"
        )
    met = sum(t.status == "met" for t in targets)
    lines.append("")
    lines.append(f"{met} of {len(targets)} targets met.")
    lines.append("")
    return "\n".join(lines)

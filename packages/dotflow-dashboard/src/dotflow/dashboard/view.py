"""What the pages show, computed from the read model: timeline bars, contexts, formatting."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

__all__ = ["CONTEXT_PREVIEW", "context_view", "duration", "status_class", "timeline", "when"]

CONTEXT_PREVIEW = 120
_CONTEXT_MAX = 64 * 1024
_CONTEXTS = ("initial_context", "previous_context", "current_context")


def status_class(status: str | None) -> str:
    """A CSS class for a status (``In progress`` -> ``in-progress``)."""
    return (status or "unknown").lower().replace(" ", "-")


def when(at: float | None) -> str:
    """A moment as ``YYYY-MM-DD HH:MM:SS`` UTC."""
    if at is None:
        return "—"
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def duration(seconds: object) -> str:
    """A duration for people: ``850 ms``, ``12.3 s``, ``4 min 05 s``, ``2 h 03 min``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds != seconds:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


def context_view(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's contexts that hold something: name, a one-line preview, the full text."""
    shown = []
    for name in _CONTEXTS:
        value = task.get(name)
        if value is None:
            continue
        text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
        more = max(0, len(text) - _CONTEXT_MAX)
        flat = " ".join(text.split())
        shown.append(
            {
                "name": name.replace("_", " "),
                "preview": flat[:CONTEXT_PREVIEW] + ("…" if len(flat) > CONTEXT_PREVIEW else ""),
                "full": text[:_CONTEXT_MAX],
                "more": more,
                "long": len(flat) > CONTEXT_PREVIEW,
            }
        )
    return shown


def _segments(steps: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    segments = []
    for index, step in enumerate(steps):
        status = step["status"]
        if status in ("Completed", "Failed", "Not started"):
            continue
        after = steps[index + 1] if index + 1 < len(steps) else None
        end = after["at"] if after is not None else now
        # A span is coloured by how it ended: an attempt that failed (then Retry) is a retry
        # bar; a retry still under way is hatched.
        if after is not None:
            outcome = after["status"]
        else:
            outcome = "Retry-wait" if status == "Retry" else status
        segments.append(
            {"start": step["at"], "end": end, "status": outcome, "running": after is None}
        )
    return segments


def timeline(workflow: dict[str, Any], now: float | None = None) -> dict[str, Any]:
    """One row of bars per task over the workflow's time span (left/width in percent)."""
    now = time.time() if now is None else now
    rows = []
    starts: list[float] = []
    ends: list[float] = []
    for task in workflow["tasks"]:
        segments = _segments(task.get("transitions", []), now)
        if segments:
            starts.append(segments[0]["start"])
            ends.append(segments[-1]["end"])
        rows.append((task, segments))
    if not starts:
        return {"rows": [], "span": 0.0}
    begin, finish = min(starts), max(ends)
    span = max(finish - begin, 1e-3)
    shown = []
    for task, segments in rows:
        bars = [
            {
                "left": round((s["start"] - begin) / span * 100, 3),
                "width": round(max((s["end"] - s["start"]) / span * 100, 0.4), 3),
                "status": status_class(s["status"]),
                "title": f"{s['status']} {duration(s['end'] - s['start'])}",
                "running": s["running"],
            }
            for s in segments
        ]
        shown.append({"task": task, "bars": bars})
    return {"rows": shown, "span": span}

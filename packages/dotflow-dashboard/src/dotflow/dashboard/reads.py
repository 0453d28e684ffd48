"""Read queries: one workflow in full, and pages of workflow summaries."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from dotflow.dashboard.schema import history, tasks, workflows

__all__ = ["MAX_LIMIT", "list_workflows", "read_workflow"]

MAX_LIMIT = 500


def _duration(row: Any) -> float | None:
    if row.started_at is None:
        return None
    end = row.finished_at if row.finished_at is not None else row.updated_at
    return max(0.0, float(end) - float(row.started_at))


def _summary(row: Any, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "implicit": bool(row.implicit),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "duration": _duration(row),
        "task_counts": dict(counts),
        "tasks_total": sum(counts.values()),
    }


def read_workflow(conn: sa.Connection, wid: str) -> dict[str, Any] | None:
    """The workflow ``wid`` with its status history, tasks, and each task's history."""
    row = conn.execute(sa.select(workflows).where(workflows.c.id == wid)).first()
    if row is None:
        return None
    transitions: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    query = (
        sa.select(history.c.task_id, history.c.status, history.c.at)
        .where(history.c.workflow_id == wid)
        .order_by(history.c.id)
    )
    for task_id, status, at in conn.execute(query):
        transitions[task_id].append({"status": status, "at": at})
    shown_tasks = []
    counts: dict[str, int] = defaultdict(int)
    query_tasks = (
        sa.select(tasks)
        .where(tasks.c.workflow_id == wid)
        .order_by(tasks.c.position.is_(None), tasks.c.position, tasks.c.id)
    )
    for task in conn.execute(query_tasks):
        counts[task.status] += 1
        steps = transitions.get(task.id, [])
        shown_tasks.append(
            {
                **json.loads(task.data),
                "id": task.id,
                "status": task.status,
                "history": [step["status"] for step in steps],
                "transitions": steps,
                "created_at": task.created_at,
                "updated_at": task.updated_at,
                "started_at": task.started_at,
                "finished_at": task.finished_at,
                "elapsed": _duration(task),
            }
        )
    steps = transitions.get(None, [])
    return {
        **_summary(row, counts),
        "history": [step["status"] for step in steps],
        "transitions": steps,
        "tasks": shown_tasks,
    }


def list_workflows(
    conn: sa.Connection,
    *,
    status: str | None = None,
    name: str | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Workflow summaries, newest first.

    Args:
        conn: an open connection.
        status: only workflows in this status.
        name: only workflows whose id contains this text (case-insensitive).
        since: only workflows created at or after this time (seconds since the epoch).
        until: only workflows created before this time.
        limit: at most this many (1 to :data:`MAX_LIMIT`).
        offset: skip this many first.
    """
    where = []
    if status:
        where.append(workflows.c.status == status)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(workflows.c.id.ilike(f"%{escaped}%", escape="\\"))
    if since is not None:
        where.append(workflows.c.created_at >= since)
    if until is not None:
        where.append(workflows.c.created_at < until)
    total = conn.execute(
        sa.select(sa.func.count()).select_from(workflows).where(*where)
    ).scalar_one()
    rows = conn.execute(
        sa.select(workflows)
        .where(*where)
        .order_by(workflows.c.created_at.desc(), workflows.c.id)
        .limit(limit)
        .offset(offset)
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if rows:
        query = (
            sa.select(tasks.c.workflow_id, tasks.c.status, sa.func.count())
            .where(tasks.c.workflow_id.in_([row.id for row in rows]))
            .group_by(tasks.c.workflow_id, tasks.c.status)
        )
        for wid, task_status, count in conn.execute(query):
            counts[wid][task_status] = int(count)
    return {
        "workflows": [_summary(row, counts[row.id]) for row in rows],
        "total": int(total),
        "limit": limit,
        "offset": offset,
    }

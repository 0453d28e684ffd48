"""The four write endpoints ServerAPI calls, applied inside one database transaction."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import sqlalchemy as sa

from dotflow.dashboard.schema import history, tasks, workflows

__all__ = ["TERMINAL", "Change", "Reply", "Write", "apply_write", "task_position"]

TERMINAL = frozenset({"Completed", "Failed"})
_MAX_ID = 512
_MAX_STATUS = 64
# Fields of a task body that are the backend's, not the task's data.
_NOT_DATA = ("id", "history", "transitions", "sequence")

Reply = tuple[int, dict[str, Any]]
# (workflow id, task id or None for the workflow itself)
Change = tuple[str, str | None]


class Write(NamedTuple):
    """One write request, parsed: method, path segments, JSON body, idempotency key, sequence."""

    method: str
    parts: tuple[str, ...]
    body: Any
    key: str | None = None
    sequence: int | None = None


def task_position(task_id: str) -> int | None:
    """The id as a number when it is one, for ordering (``"2"`` before ``"10"``).

    Only ASCII digits count: ``"²".isdigit()`` is true but ``int("²")`` fails.
    """
    if task_id.isascii() and task_id.isdigit() and len(task_id) <= 18:
        return int(task_id)
    return None


def _stale(sequence: int | None, applied: int | None) -> bool:
    return sequence is not None and applied is not None and sequence <= applied


def _new_seq(sequence: int | None, applied: int | None) -> int | None:
    if sequence is None:
        return applied
    return sequence if applied is None else max(sequence, applied)


def _times(status: str, now: float, started: float | None) -> dict[str, Any]:
    values: dict[str, Any] = {"updated_at": now, "status": status}
    if status in TERMINAL:
        values["finished_at"] = now
    else:
        values["finished_at"] = None
    if started is None and status != "Not started":
        values["started_at"] = now
    return values


def apply_write(
    conn: sa.Connection, write: Write, now: float, strict: bool
) -> tuple[Reply, list[Change]]:
    """Apply ``write``; returns the reply and what changed (nothing for a refused one)."""
    body = write.body
    if not isinstance(body, dict):
        return (400, {"error": "the body must be a JSON object"}), []
    for part in write.parts:
        if len(part) > _MAX_ID or not part.isprintable():
            return (400, {"error": f"ids are at most {_MAX_ID} printable characters"}), []
    match write.method, write.parts:
        case "POST", ("workflows",):
            return _create_workflow(conn, body, write.sequence, now)
        case "PATCH", ("workflows", wid):
            return _update_workflow(conn, wid, body, write.sequence, now, strict)
        case "POST", ("workflows", wid, "tasks"):
            return _create_task(conn, wid, body, write.sequence, now, strict)
        case "PATCH", ("workflows", wid, "tasks", tid):
            return _update_task(conn, wid, tid, body, write.sequence, now, strict)
    path = "/" + "/".join(write.parts)
    return (404, {"error": f"no endpoint {write.method} {path}"}), []


def _status(body: dict[str, Any], required: bool) -> str | Reply | None:
    status = body.get("status")
    if status is None and not required:
        return None
    if not isinstance(status, str) or not status or len(status) > _MAX_STATUS:
        return 400, {
            "error": f"'status' must be a non-empty string of at most {_MAX_STATUS} characters"
        }
    return status


def _create_workflow(
    conn: sa.Connection, body: dict[str, Any], sequence: int | None, now: float
) -> tuple[Reply, list[Change]]:
    wid = body.get("id")
    if not isinstance(wid, str) or not wid or len(wid) > _MAX_ID or not wid.isprintable():
        return (
            400,
            {"error": f"'id' must be a non-empty string of at most {_MAX_ID} printable characters"},
        ), []
    row = conn.execute(sa.select(workflows.c.seq).where(workflows.c.id == wid)).first()
    if row is not None:
        if _stale(sequence, row.seq):
            return (200, {"ignored": "stale"}), []
        return (409, {"error": f"workflow {wid!r} exists"}), []
    conn.execute(
        workflows.insert().values(
            id=wid,
            status="Not started",
            implicit=False,
            seq=sequence,
            created_at=now,
            updated_at=now,
        )
    )
    return (201, {"id": wid, "status": "Not started", "implicit": False}), [(wid, None)]


def _ensure_workflow(conn: sa.Connection, wid: str, now: float, strict: bool) -> Any:
    query = sa.select(workflows.c.seq, workflows.c.started_at).where(workflows.c.id == wid)
    row = conn.execute(query.with_for_update()).first()
    if row is None and not strict:
        # A managed runner's workflow was created on another backend: keep it on first sight.
        conn.execute(
            workflows.insert().values(
                id=wid,
                status="Not started",
                implicit=True,
                seq=None,
                created_at=now,
                updated_at=now,
            )
        )
        row = conn.execute(query).first()
    return row


def _update_workflow(
    conn: sa.Connection,
    wid: str,
    body: dict[str, Any],
    sequence: int | None,
    now: float,
    strict: bool,
) -> tuple[Reply, list[Change]]:
    status = _status(body, required=True)
    if isinstance(status, tuple):
        return status, []
    assert status is not None
    row = _ensure_workflow(conn, wid, now, strict)
    if row is None:
        return (404, {"error": f"no workflow {wid!r}"}), []
    if _stale(sequence, row.seq):
        return (200, {"ignored": "stale"}), []
    values = _times(status, now, row.started_at)
    values["seq"] = _new_seq(sequence, row.seq)
    conn.execute(workflows.update().where(workflows.c.id == wid).values(**values))
    conn.execute(history.insert().values(workflow_id=wid, task_id=None, status=status, at=now))
    return (200, {"id": wid, "status": status}), [(wid, None)]


def _task_id(body: dict[str, Any], key: str) -> str | Reply:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return 400, {"error": f"'{key}' must be a string or an integer"}
    text = str(value)
    if not text or len(text) > _MAX_ID or not text.isprintable():
        return 400, {
            "error": f"'{key}' must be a non-empty id of at most {_MAX_ID} printable characters"
        }
    return text


def _data(body: dict[str, Any], tid: str, old: dict[str, Any] | None) -> dict[str, Any]:
    data = dict(old or {})
    data.update((k, v) for k, v in body.items() if k not in _NOT_DATA)
    # ServerAPI sends `id` when it creates a task and `task_id` when it updates one: every task
    # shows both, so a task that never started has a `task_id` too.
    if "task_id" not in data:
        position = task_position(tid)
        data["task_id"] = position if position is not None else tid
    return data


def _create_task(
    conn: sa.Connection,
    wid: str,
    body: dict[str, Any],
    sequence: int | None,
    now: float,
    strict: bool,
) -> tuple[Reply, list[Change]]:
    tid = _task_id(body, "id")
    if isinstance(tid, tuple):
        return tid, []
    status = _status(body, required=False)
    if isinstance(status, tuple):
        return status, []
    workflow = _ensure_workflow(conn, wid, now, strict)
    if workflow is None:
        return (404, {"error": f"no workflow {wid!r}"}), []
    found = conn.execute(
        sa.select(tasks.c.seq).where(tasks.c.workflow_id == wid, tasks.c.id == tid)
    ).first()
    if found is not None:
        if _stale(sequence, found.seq):
            return (200, {"ignored": "stale"}), []
        if sequence is None:
            return (409, {"error": f"task {tid!r} exists in workflow {wid!r}"}), []
        # A later process (a resume) registers the task again: it starts over.
        return _write_task(conn, wid, tid, body, status or "Not started", sequence, now, None)
    return _write_task(
        conn, wid, tid, body, status or "Not started", sequence, now, None, create=True
    )


def _write_task(
    conn: sa.Connection,
    wid: str,
    tid: str,
    body: dict[str, Any],
    status: str | None,
    sequence: int | None,
    now: float,
    old: Any,
    create: bool = False,
) -> tuple[Reply, list[Change]]:
    data = _data(body, tid, json.loads(old.data) if old is not None else None)
    if create:
        values: dict[str, Any] = {"updated_at": now, "status": status or "Not started"}
        if status is not None and status != "Not started":
            values.update(_times(status, now, None))
        conn.execute(
            tasks.insert().values(
                workflow_id=wid,
                id=tid,
                position=task_position(tid),
                seq=sequence,
                data=json.dumps(data, allow_nan=False),
                created_at=now,
                **values,
            )
        )
    else:
        values = {"updated_at": now, "data": json.dumps(data, allow_nan=False)}
        if status is not None:
            values.update(_times(status, now, old.started_at if old is not None else None))
        values["seq"] = _new_seq(sequence, old.seq if old is not None else None)
        conn.execute(
            tasks.update().where(tasks.c.workflow_id == wid, tasks.c.id == tid).values(**values)
        )
    if status is not None:
        conn.execute(history.insert().values(workflow_id=wid, task_id=tid, status=status, at=now))
    conn.execute(workflows.update().where(workflows.c.id == wid).values(updated_at=now))
    shown = {**data, "id": tid, "status": status or (old.status if old is not None else None)}
    return (201 if create else 200, shown), [(wid, tid)]


def _update_task(
    conn: sa.Connection,
    wid: str,
    tid: str,
    body: dict[str, Any],
    sequence: int | None,
    now: float,
    strict: bool,
) -> tuple[Reply, list[Change]]:
    status = _status(body, required=False)
    if isinstance(status, tuple):
        return status, []
    workflow = _ensure_workflow(conn, wid, now, strict)
    if workflow is None:
        return (404, {"error": f"no workflow {wid!r}"}), []
    old = conn.execute(
        sa.select(tasks.c.seq, tasks.c.data, tasks.c.started_at, tasks.c.status)
        .where(tasks.c.workflow_id == wid, tasks.c.id == tid)
        .with_for_update()
    ).first()
    if old is None:
        if strict:
            return (404, {"error": f"no task {tid!r} in workflow {wid!r}"}), []
        (_, shown), changed = _write_task(
            conn, wid, tid, body, status, sequence, now, None, create=True
        )
        return (200, shown), changed
    if _stale(sequence, old.seq):
        return (200, {"ignored": "stale"}), []
    return _write_task(conn, wid, tid, body, status, sequence, now, old)

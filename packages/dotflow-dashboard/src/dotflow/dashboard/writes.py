"""The four write endpoints ServerAPI calls, applied in batches inside one transaction.

Statements are built once with bind parameters: building and cache-keying a SQLAlchemy statement
per event cost more than running it. Status history, idempotency replies and recorded events are
inserted once per batch (``executemany``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import sqlalchemy as sa

from dotflow.dashboard.schema import events, history, replies, tasks, workflows

__all__ = ["TERMINAL", "Batch", "Change", "Reply", "Write", "task_position"]

TERMINAL = frozenset({"Completed", "Failed"})
_MAX_ID = 512
_MAX_STATUS = 64
# Fields of a task body that are the backend's, not the task's data.
_NOT_DATA = ("id", "history", "transitions", "sequence")

Reply = tuple[int, dict[str, Any]]
# (workflow id, task id or None for the workflow itself)
Change = tuple[str, str | None]

_b = sa.bindparam
_SELECT_REPLY = sa.select(replies.c.status, replies.c.body).where(replies.c.key == _b("k"))
_SELECT_WORKFLOW = sa.select(workflows.c.seq, workflows.c.started_at).where(
    workflows.c.id == _b("w")
)
# Locks the row on PostgreSQL (several dashboards on one database); SQLite ignores it.
_LOCK_WORKFLOW = _SELECT_WORKFLOW.with_for_update()
_INSERT_WORKFLOW = workflows.insert()
_UPDATE_WORKFLOW = (
    workflows.update()
    .where(workflows.c.id == _b("w"))
    .values(
        status=_b("status"),
        seq=_b("seq"),
        updated_at=_b("now"),
        started_at=_b("started"),
        finished_at=_b("finished"),
    )
)
_TOUCH_WORKFLOW = workflows.update().where(workflows.c.id == _b("w")).values(updated_at=_b("now"))
_SELECT_TASK = sa.select(
    tasks.c.seq, tasks.c.data, tasks.c.started_at, tasks.c.finished_at, tasks.c.status
).where(tasks.c.workflow_id == _b("w"), tasks.c.id == _b("t"))
_LOCK_TASK = _SELECT_TASK.with_for_update()
_TASKS_COLUMNS = (
    tasks.c.workflow_id,
    tasks.c.id,
    tasks.c.seq,
    tasks.c.data,
    tasks.c.started_at,
    tasks.c.finished_at,
    tasks.c.status,
)
# One query per workflow of a batch: SQLite scans the whole table for a row-value IN
# ((workflow_id, id) IN (...)), but searches the primary key for this form.
_SELECT_TASKS = sa.select(*_TASKS_COLUMNS).where(
    tasks.c.workflow_id == _b("w"), tasks.c.id.in_(_b("ids", expanding=True))
)
_LOCK_TASKS = _SELECT_TASKS.with_for_update()
_SELECT_REPLIES = sa.select(replies.c.key, replies.c.status, replies.c.body).where(
    replies.c.key.in_(_b("keys", expanding=True))
)
_INSERT_TASK = tasks.insert()
_UPDATE_TASK = (
    tasks.update()
    .where(tasks.c.workflow_id == _b("w"), tasks.c.id == _b("t"))
    .values(
        status=_b("status"),
        seq=_b("seq"),
        data=_b("data"),
        updated_at=_b("now"),
        started_at=_b("started"),
        finished_at=_b("finished"),
    )
)


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


def _times(status: str, now: float, started: float | None) -> tuple[float | None, float | None]:
    """(started_at, finished_at) after a change to ``status``."""
    if started is None and status != "Not started":
        started = now
    return started, now if status in TERMINAL else None


def _bad_status(body: dict[str, Any], required: bool) -> Reply | None:
    status = body.get("status")
    if status is None and not required:
        return None
    if not isinstance(status, str) or not status or len(status) > _MAX_STATUS:
        message = f"'status' must be a non-empty string of at most {_MAX_STATUS} characters"
        return 400, {"error": message}
    return None


def _task_id(value: Any) -> str | Reply:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return 400, {"error": "'id' must be a string or an integer"}
    text = str(value)
    if not text or len(text) > _MAX_ID or not text.isprintable():
        message = f"'id' must be a non-empty id of at most {_MAX_ID} printable characters"
        return 400, {"error": message}
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


class _Task:
    """A task's row as the batch sees it (loaded once, written once at the end)."""

    __slots__ = ("data", "dirty", "finished", "in_db", "raw", "seq", "started", "status")

    def __init__(
        self,
        seq: int | None,
        raw: str | None,
        started: float | None,
        finished: float | None,
        status: str,
        in_db: bool,
    ) -> None:
        self.seq = seq
        self.raw = raw
        self.data: dict[str, Any] | None = None
        self.started = started
        self.finished = finished
        self.status = status
        self.in_db = in_db
        self.dirty = False

    def loaded(self) -> dict[str, Any]:
        """The task's data (parsed on first use)."""
        if self.data is None:
            self.data = json.loads(self.raw) if self.raw else {}
        return self.data


def _task_target(write: Write) -> tuple[str, str] | None:
    """The (workflow id, task id) a task write changes, when it names one."""
    match write.method, write.parts:
        case "PATCH", ("workflows", wid, "tasks", tid):
            return wid, tid
        case "POST", ("workflows", wid, "tasks") if isinstance(write.body, dict):
            given = write.body.get("id")
            if isinstance(given, str | int) and not isinstance(given, bool):
                return wid, str(given)
    return None


class Batch:
    """Applies writes inside one transaction; :meth:`finish` writes what was deferred.

    The batch reads the idempotency keys and task rows of all its writes in one query each
    (:meth:`prepare`) and writes task rows, history, replies and events once each at the end, so
    an event costs no statement of its own.

    Args:
        conn: the open transaction.
        now: the time of every change in the batch.
        strict: 404 for updates of workflows or tasks never created.
        known: workflow ids known to exist (committed); skipped lookups.
        record_events: keep every accepted write in ``events``.
    """

    def __init__(
        self,
        conn: sa.Connection,
        now: float,
        strict: bool,
        known: set[str],
        record_events: bool,
    ) -> None:
        self.conn = conn
        self.now = now
        self.strict = strict
        self.known = known
        self.record_events = record_events
        self.created: set[str] = set()
        self.changes: list[Change] = []
        self._lock = conn.dialect.name != "sqlite"  # SQLite has no row locks (one writer)
        self._history: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []
        self._replies: dict[str, Reply] = {}
        self._stored: dict[str, Reply] = {}
        self._checked: set[str] = set()
        self._tasks: dict[tuple[str, str], _Task | None] = {}
        self._touched: set[str] = set()

    def prepare(self, writes: list[Write]) -> None:
        """Read the stored replies and the task rows every write of the batch needs."""
        keys = list({w.key for w in writes if w.key})
        self._checked.update(keys)
        if keys:
            for key, status, body in self.conn.execute(_SELECT_REPLIES, {"keys": keys}):
                self._stored[key] = (int(status), json.loads(body))
        wanted: dict[str, set[str]] = {}
        for target in map(_task_target, writes):
            if target is not None and target not in self._tasks:
                wanted.setdefault(target[0], set()).add(target[1])
        query = _LOCK_TASKS if self._lock else _SELECT_TASKS
        for wid, ids in wanted.items():
            for tid in ids:
                self._tasks[(wid, tid)] = None
            for row in self.conn.execute(query, {"w": wid, "ids": list(ids)}):
                self._tasks[(row.workflow_id, row.id)] = _Task(
                    row.seq, row.data, row.started_at, row.finished_at, row.status, in_db=True
                )

    def apply(self, write: Write) -> Reply:
        """Apply ``write`` (a repeated idempotency key gets the first reply)."""
        if write.key:
            if write.key in self._replies:
                return self._replies[write.key]
            if write.key in self._stored:
                return self._stored[write.key]
            if write.key not in self._checked:
                found = self.conn.execute(_SELECT_REPLY, {"k": write.key}).first()
                if found is not None:
                    return int(found.status), json.loads(found.body)
        reply, changed = self._route(write)
        if reply[0] < 400:
            if self.record_events and changed:
                self._events.append(
                    {
                        "method": write.method,
                        "path": "/" + "/".join(write.parts),
                        "body": json.dumps(write.body),
                        "received_at": self.now,
                    }
                )
            if write.key:
                # In the same transaction as the write: a retry after a lost answer finds it.
                self._replies[write.key] = reply
        self.changes.extend(changed)
        return reply

    def finish(self) -> None:
        """Write the task rows, history, replies and events; touch the changed workflows."""
        conn = self.conn
        inserted, updated = [], []
        for (wid, tid), task in self._tasks.items():
            if task is None or not task.dirty:
                continue
            data = json.dumps(task.loaded(), allow_nan=False)
            if task.in_db:
                updated.append(
                    {
                        "w": wid,
                        "t": tid,
                        "status": task.status,
                        "seq": task.seq,
                        "data": data,
                        "now": self.now,
                        "started": task.started,
                        "finished": task.finished,
                    }
                )
            else:
                inserted.append(
                    {
                        "workflow_id": wid,
                        "id": tid,
                        "position": task_position(tid),
                        "status": task.status,
                        "seq": task.seq,
                        "data": data,
                        "created_at": self.now,
                        "updated_at": self.now,
                        "started_at": task.started,
                        "finished_at": task.finished,
                    }
                )
        if inserted:
            conn.execute(_INSERT_TASK, inserted)
        if updated:
            conn.execute(_UPDATE_TASK, updated)
        if self._history:
            conn.execute(history.insert(), self._history)
        if self._replies:
            conn.execute(
                replies.insert(),
                [
                    {"key": key, "status": status, "body": json.dumps(body), "created_at": self.now}
                    for key, (status, body) in self._replies.items()
                ],
            )
        if self._events:
            conn.execute(events.insert(), self._events)
        if self._touched:
            conn.execute(_TOUCH_WORKFLOW, [{"w": wid, "now": self.now} for wid in self._touched])

    # -- routing -------------------------------------------------------------------------------

    def _route(self, write: Write) -> tuple[Reply, list[Change]]:
        body = write.body
        if not isinstance(body, dict):
            return (400, {"error": "the body must be a JSON object"}), []
        for part in write.parts:
            if len(part) > _MAX_ID or not part.isprintable():
                return (400, {"error": f"ids are at most {_MAX_ID} printable characters"}), []
        match write.method, write.parts:
            case "POST", ("workflows",):
                return self._create_workflow(body, write.sequence)
            case "PATCH", ("workflows", wid):
                return self._update_workflow(wid, body, write.sequence)
            case "POST", ("workflows", wid, "tasks"):
                return self._create_task(wid, body, write.sequence)
            case "PATCH", ("workflows", wid, "tasks", tid):
                return self._update_task(wid, tid, body, write.sequence)
        path = "/" + "/".join(write.parts)
        return (404, {"error": f"no endpoint {write.method} {path}"}), []

    def _insert_workflow(self, wid: str, implicit: bool, sequence: int | None) -> None:
        self.conn.execute(
            _INSERT_WORKFLOW,
            {
                "id": wid,
                "status": "Not started",
                "implicit": implicit,
                "seq": sequence,
                "created_at": self.now,
                "updated_at": self.now,
                "started_at": None,
                "finished_at": None,
            },
        )
        self.created.add(wid)

    def _create_workflow(
        self, body: dict[str, Any], sequence: int | None
    ) -> tuple[Reply, list[Change]]:
        wid = body.get("id")
        if not isinstance(wid, str) or not wid or len(wid) > _MAX_ID or not wid.isprintable():
            message = f"'id' must be a non-empty string of at most {_MAX_ID} printable characters"
            return (400, {"error": message}), []
        row = self.conn.execute(_SELECT_WORKFLOW, {"w": wid}).first()
        if row is not None:
            if _stale(sequence, row.seq):
                return (200, {"ignored": "stale"}), []
            return (409, {"error": f"workflow {wid!r} exists"}), []
        self._insert_workflow(wid, False, sequence)
        return (201, {"id": wid, "status": "Not started", "implicit": False}), [(wid, None)]

    def _has_workflow(self, wid: str) -> bool:
        """Whether the workflow exists, creating it on first sight unless strict."""
        if wid in self.known or wid in self.created:
            return True
        if self.conn.execute(_SELECT_WORKFLOW, {"w": wid}).first() is not None:
            self.known.add(wid)
            return True
        if self.strict:
            return False
        # A managed runner's workflow was created on another backend: keep it on first sight.
        self._insert_workflow(wid, True, None)
        return True

    def _update_workflow(
        self, wid: str, body: dict[str, Any], sequence: int | None
    ) -> tuple[Reply, list[Change]]:
        bad = _bad_status(body, required=True)
        if bad is not None:
            return bad, []
        status: str = body["status"]
        if not self._has_workflow(wid):
            return (404, {"error": f"no workflow {wid!r}"}), []
        row = self.conn.execute(_LOCK_WORKFLOW, {"w": wid}).first()
        assert row is not None
        if _stale(sequence, row.seq):
            return (200, {"ignored": "stale"}), []
        started, finished = _times(status, self.now, row.started_at)
        self.conn.execute(
            _UPDATE_WORKFLOW,
            {
                "w": wid,
                "status": status,
                "seq": _new_seq(sequence, row.seq),
                "now": self.now,
                "started": started,
                "finished": finished,
            },
        )
        self._history.append(
            {"workflow_id": wid, "task_id": None, "status": status, "at": self.now}
        )
        return (200, {"id": wid, "status": status}), [(wid, None)]

    def _task(self, wid: str, tid: str) -> _Task | None:
        if (wid, tid) not in self._tasks:
            query = _LOCK_TASK if self._lock else _SELECT_TASK
            row = self.conn.execute(query, {"w": wid, "t": tid}).first()
            self._tasks[(wid, tid)] = (
                None
                if row is None
                else _Task(
                    row.seq, row.data, row.started_at, row.finished_at, row.status, in_db=True
                )
            )
        return self._tasks[(wid, tid)]

    def _create_task(
        self, wid: str, body: dict[str, Any], sequence: int | None
    ) -> tuple[Reply, list[Change]]:
        tid = _task_id(body.get("id"))
        if isinstance(tid, tuple):
            return tid, []
        bad = _bad_status(body, required=False)
        if bad is not None:
            return bad, []
        status = body.get("status") or "Not started"
        if not self._has_workflow(wid):
            return (404, {"error": f"no workflow {wid!r}"}), []
        old = self._task(wid, tid)
        if old is None:
            return self._change_task(wid, tid, body, status, sequence, None, 201)
        if _stale(sequence, old.seq):
            return (200, {"ignored": "stale"}), []
        if sequence is None:
            return (409, {"error": f"task {tid!r} exists in workflow {wid!r}"}), []
        # A later process (a resume) registers the task again: it starts over.
        return self._change_task(wid, tid, body, status, sequence, old, 200, fresh=True)

    def _update_task(
        self, wid: str, tid: str, body: dict[str, Any], sequence: int | None
    ) -> tuple[Reply, list[Change]]:
        bad = _bad_status(body, required=False)
        if bad is not None:
            return bad, []
        status: str | None = body.get("status")
        if not self._has_workflow(wid):
            return (404, {"error": f"no workflow {wid!r}"}), []
        old = self._task(wid, tid)
        if old is None and self.strict:
            return (404, {"error": f"no task {tid!r} in workflow {wid!r}"}), []
        if old is not None and _stale(sequence, old.seq):
            return (200, {"ignored": "stale"}), []
        return self._change_task(wid, tid, body, status, sequence, old, 200)

    def _change_task(
        self,
        wid: str,
        tid: str,
        body: dict[str, Any],
        status: str | None,
        sequence: int | None,
        old: _Task | None,
        code: int,
        fresh: bool = False,
    ) -> tuple[Reply, list[Change]]:
        if old is None:
            task = self._tasks[(wid, tid)] = _Task(
                None, None, None, None, "Not started", in_db=False
            )
            task.data = {}
        else:
            task = old
            if fresh:
                task.data, task.started = {}, None
        data = _data(body, tid, task.loaded())
        task.data = data
        if status is not None:
            task.status = status
            task.started, task.finished = _times(status, self.now, task.started)
        task.seq = _new_seq(sequence, task.seq)
        task.dirty = True
        if status is not None:
            self._history.append(
                {"workflow_id": wid, "task_id": tid, "status": status, "at": self.now}
            )
        self._touched.add(wid)
        # A short answer: ServerAPI reads only the status code (the task: GET /api/workflows/).
        return (code, {"id": tid, "task_id": data["task_id"], "status": task.status}), [(wid, tid)]

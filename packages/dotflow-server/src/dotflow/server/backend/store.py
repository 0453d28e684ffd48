"""The reference backend's in-memory state: workflows, tasks, their histories and every event."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

__all__ = ["Store"]

Reply = tuple[int, dict[str, Any]]


class Store:
    """Workflows and tasks as the four endpoints left them, plus the ordered list of events.

    Args:
        strict: answer 404 for updates of workflows or tasks nobody created; by default they are
            created on first sight (a managed runner's workflow exists only on the real backend).
    """

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self._lock = threading.Lock()
        self._workflows: dict[str, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._replies: dict[str, Reply] = {}

    # -- writes --------------------------------------------------------------------------------

    def apply(self, method: str, parts: list[str], body: Any, key: str | None) -> Reply:
        """Apply one write to the path ``parts``; a repeated key gets the first reply."""
        with self._lock:
            if key and key in self._replies:
                return self._replies[key]
            reply = self._route(method, parts, body)
            if reply[0] < 400:
                self._events.append(
                    {
                        "seq": len(self._events) + 1,
                        "method": method,
                        "path": "/" + "/".join(parts),
                        "body": copy.deepcopy(body),
                        "received_at": time.time(),
                    }
                )
                if key:
                    self._replies[key] = reply
            return reply

    def _route(self, method: str, parts: list[str], body: Any) -> Reply:
        if not isinstance(body, dict):
            return 400, {"error": "the body must be a JSON object"}
        match method, parts:
            case "POST", ["workflows"]:
                return self._create_workflow(body)
            case "PATCH", ["workflows", wid]:
                return self._update_workflow(wid, body)
            case "POST", ["workflows", wid, "tasks"]:
                return self._create_task(wid, body)
            case "PATCH", ["workflows", wid, "tasks", tid]:
                return self._update_task(wid, tid, body)
        return 404, {"error": f"no endpoint {method} /{'/'.join(parts)}"}

    def _create_workflow(self, body: dict[str, Any]) -> Reply:
        wid = body.get("id")
        if not isinstance(wid, str) or not wid:
            return 400, {"error": "'id' must be a non-empty string"}
        if wid in self._workflows:
            return 409, {"error": f"workflow {wid!r} exists"}
        self._workflows[wid] = _new_workflow(wid, implicit=False)
        return 201, self._public(wid)

    def _workflow(self, wid: str) -> dict[str, Any] | None:
        if wid not in self._workflows and not self.strict:
            self._workflows[wid] = _new_workflow(wid, implicit=True)
        return self._workflows.get(wid)

    def _update_workflow(self, wid: str, body: dict[str, Any]) -> Reply:
        status = body.get("status")
        if not isinstance(status, str) or not status:
            return 400, {"error": "'status' must be a non-empty string"}
        workflow = self._workflow(wid)
        if workflow is None:
            return 404, {"error": f"no workflow {wid!r}"}
        workflow["status"] = status
        workflow["history"].append(status)
        return 200, self._public(wid)

    def _create_task(self, wid: str, body: dict[str, Any]) -> Reply:
        workflow = self._workflow(wid)
        if workflow is None:
            return 404, {"error": f"no workflow {wid!r}"}
        if "id" not in body:
            return 400, {"error": "'id' is missing"}
        tid = str(body["id"])
        if tid in workflow["tasks"]:
            return 409, {"error": f"task {tid!r} exists in workflow {wid!r}"}
        task = {**body, "id": tid, "history": []}
        task.setdefault("status", "Not started")
        task["history"].append(task["status"])
        workflow["tasks"][tid] = task
        return 201, copy.deepcopy(task)

    def _update_task(self, wid: str, tid: str, body: dict[str, Any]) -> Reply:
        workflow = self._workflow(wid)
        if workflow is None:
            return 404, {"error": f"no workflow {wid!r}"}
        task = workflow["tasks"].get(tid)
        if task is None:
            if self.strict:
                return 404, {"error": f"no task {tid!r} in workflow {wid!r}"}
            task = workflow["tasks"][tid] = {"id": tid, "history": []}
        task.update({k: v for k, v in body.items() if k not in ("id", "history")})
        if "status" in body:
            task["history"].append(body["status"])
        return 200, copy.deepcopy(task)

    # -- reads ---------------------------------------------------------------------------------

    def _public(self, wid: str) -> dict[str, Any]:
        workflow = copy.deepcopy(self._workflows[wid])
        workflow["tasks"] = sorted(workflow["tasks"].values(), key=lambda t: _order(t["id"]))
        return workflow

    def workflow(self, wid: str) -> dict[str, Any] | None:
        """The workflow: status, status history and tasks with theirs (``None`` if unknown)."""
        with self._lock:
            return self._public(wid) if wid in self._workflows else None

    def workflow_ids(self) -> list[str]:
        """Every workflow id, in order of creation."""
        with self._lock:
            return list(self._workflows)

    def events(self) -> list[dict[str, Any]]:
        """Every accepted write, in order of arrival."""
        with self._lock:
            return copy.deepcopy(self._events)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._workflows.clear()
            self._events.clear()
            self._replies.clear()


def _new_workflow(wid: str, implicit: bool) -> dict[str, Any]:
    return {"id": wid, "status": "Not started", "history": [], "implicit": implicit, "tasks": {}}


def _order(tid: str) -> tuple[int, str]:
    return (int(tid), "") if tid.isdigit() else (1 << 62, tid)

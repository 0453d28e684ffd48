"""ServerAPI: the ``Server`` adapter that reports workflows and tasks to an HTTP backend."""

from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import requests

from dotflow.abc.server import Server
from dotflow.server.events import CONTEXTS, degrade, make_event
from dotflow.server.sender import RetryPolicy, Sender, SenderStats
from dotflow.server.sequence import Sequences
from dotflow.server.transport import HttpTransport, Secret
from dotflow.spi.model import TERMINAL

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

    from dotflow.spi.model import Task, WorkflowStatus

__all__ = ["ServerAPI"]

logger = logging.getLogger(__name__)

#: cap in bytes of the contexts sent with a task
MAX_PAYLOAD = 5_000_000

_live: weakref.WeakSet[ServerAPI] = weakref.WeakSet()


def _positive(name: str, value: Any, kind: type = float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        msg = f"ServerAPI({name}=...): expected a positive number, got {value!r}"
        raise ValueError(msg)
    if kind is int and not isinstance(value, int):
        msg = f"ServerAPI({name}=...): expected a positive int, got {value!r}"
        raise ValueError(msg)


def _check_url(base_url: Any) -> str:
    if not isinstance(base_url, str) or not base_url.strip():
        msg = (
            f"ServerAPI(base_url=...): expected the backend's URL as a str such as "
            f"'https://example.com/api/v1', got {type(base_url).__name__}"
        )
        raise ValueError(msg)
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        msg = (
            f"ServerAPI(base_url={url!r}): not an http(s) URL; give the API root, "
            "for example 'https://example.com/api/v1'"
        )
        raise ValueError(msg)
    return url


def _segment(value: Any) -> str:
    return quote(str(value), safe="")


def _status(status: Any) -> str:
    return str(getattr(status, "value", status))


def _unencodable_context(data: dict[str, Any]) -> str | None:
    """The reason core gave for a context it had to replace (a cycle...), if any."""
    for name in CONTEXTS:
        value = data.get(name)
        if isinstance(value, dict) and value.get("unserializable") is True:
            return str(value.get("reason", "no JSON form"))
    return None


class ServerAPI(Server):
    """Reports workflow and task status to an HTTP backend, in order, without slowing the run.

    Each call snapshots its payload at once and queues it; one daemon thread sends the queue in
    order over a ``requests.Session`` with the ``X-User-Token`` header, retrying transient failures
    (connection errors, timeouts, 429, 5xx) with capped exponential backoff and jitter. A 4xx other
    than 429 is logged and dropped. Nothing here raises into the workflow.

    Args:
        base_url: the API root (``https://example.com/api/v1``).
        user_token: the token sent as ``X-User-Token``; never logged or shown.
        timeout: seconds per HTTP request.
        flush_timeout: the longest :meth:`flush` waits when given no timeout (and the longest
            wait at interpreter exit).
        max_attempts: attempts per event, the first included.
        backoff_base: seconds to wait after the first failed attempt; doubles after each one.
        backoff_max: the cap of one wait.
        max_queue: events that may wait to be sent; when full, the oldest ``In progress``/
            ``Retry`` update is dropped (creations and terminal updates are kept).
        put_timeout: when the queue is full of events that must be kept, how long reporting may
            wait for room before dropping the new event.
        max_payload: cap in bytes of the contexts sent with a task.
        session_factory: builds the ``requests.Session`` (to add proxies, certificates, ...).
    """

    def __init__(
        self,
        base_url: str,
        user_token: str,
        timeout: float = 15.0,
        *,
        flush_timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        max_queue: int = 1000,
        put_timeout: float = 1.0,
        max_payload: int = MAX_PAYLOAD,
        session_factory: Callable[[], requests.Session] | None = None,
    ) -> None:
        if not isinstance(user_token, str) or not user_token.strip():
            msg = (
                f"ServerAPI(user_token=...): expected a non-empty str, got "
                f"{'an empty str' if isinstance(user_token, str) else type(user_token).__name__}"
            )
            raise ValueError(msg)
        if any(ord(c) < 32 or ord(c) == 127 for c in user_token.strip()):
            # It could not go into a header anyway, and the HTTP library's error would show it
            # escaped (as 'a\\nb'), where redaction does not recognise it.
            msg = (
                "ServerAPI(user_token=...): the token contains a control character (a newline "
                "or a tab?); copy it again without line breaks"
            )
            raise ValueError(msg)
        self.base_url = _check_url(base_url)
        for name, value in (
            ("timeout", timeout),
            ("flush_timeout", flush_timeout),
            ("backoff_base", backoff_base),
            ("backoff_max", backoff_max),
        ):
            _positive(name, value)
        for name, value in (("max_attempts", max_attempts), ("max_queue", max_queue)):
            _positive(name, value, int)
        if (
            isinstance(put_timeout, bool)
            or not isinstance(put_timeout, int | float)
            or put_timeout < 0
        ):
            msg = f"ServerAPI(put_timeout=...): expected a number >= 0, got {put_timeout!r}"
            raise ValueError(msg)
        _positive("max_payload", max_payload, int)
        self.timeout = float(timeout)
        self.flush_timeout = float(flush_timeout)
        self.max_payload = max_payload
        self._token = Secret(user_token.strip())
        if session_factory is None:
            session_factory = requests.Session
        self._transport = HttpTransport(self.base_url, self._token, self.timeout, session_factory)
        self._sender = Sender(
            self._transport.send,
            RetryPolicy(max_attempts, float(backoff_base), float(backoff_max)),
            max_queue=max_queue,
            put_timeout=float(put_timeout),
            exit_flush_timeout=self.flush_timeout,
        )
        self._ordering = threading.Lock()
        self._sequences = Sequences()
        _live.add(self)

    def __repr__(self) -> str:
        return f"ServerAPI(base_url={self.base_url!r}, user_token='***', timeout={self.timeout})"

    # -- the Server port -------------------------------------------------------------------------

    def create_workflow(self, workflow: str) -> None:
        """Queue ``POST {base}/workflows`` with ``{"id": workflow}``."""
        self._report(
            str(workflow),
            "POST",
            "/workflows",
            {"id": str(workflow)},
            evictable=False,
            label=f"create_workflow {workflow}",
        )

    def update_workflow(self, workflow: str, status: WorkflowStatus) -> None:
        """Queue ``PATCH {base}/workflows/{workflow}`` with ``{"status": status}``."""
        value = _status(status)
        self._report(
            str(workflow),
            "PATCH",
            f"/workflows/{_segment(workflow)}",
            {"status": value},
            evictable=value not in TERMINAL,
            label=f"update_workflow {workflow} {value}",
        )

    def create_task(self, task: Task) -> None:
        """Queue ``POST {base}/workflows/{id}/tasks`` with the task's data (its id as ``id``)."""
        data = task.result(max_size=self.max_payload)
        data["id"] = data.pop("task_id")
        self._report(
            str(task.workflow_id),
            "POST",
            f"/workflows/{_segment(task.workflow_id)}/tasks",
            data,
            evictable=False,
            label=f"create_task {task.task_id}",
        )

    def update_task(self, task: Task) -> None:
        """Queue ``PATCH {base}/workflows/{id}/tasks/{task_id}`` with the task's data."""
        data = task.result(max_size=self.max_payload)
        value = data["status"]
        self._report(
            str(task.workflow_id),
            "PATCH",
            f"/workflows/{_segment(task.workflow_id)}/tasks/{_segment(task.task_id)}",
            data,
            evictable=value not in TERMINAL,
            label=f"update_task {task.task_id} {value}",
        )

    def _report(
        self,
        workflow: str,
        method: str,
        path: str,
        data: dict[str, Any],
        *,
        evictable: bool,
        label: str,
    ) -> None:
        """Number the event, encode it (degraded if need be) and queue it, in emission order."""
        reason = _unencodable_context(data)
        with self._ordering:
            sequence = self._sequences.next(workflow)
            if reason is None:
                try:
                    event = make_event(
                        method, path, data, evictable=evictable, label=label, sequence=sequence
                    )
                except ValueError as error:
                    reason = f"{type(error).__name__}: {error}"
            if reason is not None:
                # The status must reach the backend even when the values cannot: they are
                # replaced by a marker that says why, and the failure is counted and logged.
                self._sender.count_unencodable()
                logger.warning(
                    "dotflow server: %s has no JSON form (%s); sent with its contexts replaced "
                    "by a marker",
                    label,
                    reason,
                )
                event = make_event(
                    method,
                    path,
                    degrade(data, reason),
                    evictable=evictable,
                    label=label,
                    sequence=sequence,
                )
            self._sender.put(event)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event was sent or given up on, at most ``timeout`` seconds.

        Without ``timeout``, waits at most ``flush_timeout``. Events still queued afterwards are
        given up on (logged); the workflow never waits longer. Returns ``False`` in that case.
        """
        return self._sender.flush(self.flush_timeout if timeout is None else timeout)

    # -- beyond the port ---------------------------------------------------------------------------

    def stats(self) -> SenderStats:
        """How many events were reported, sent, failed, dropped and are pending."""
        return self._sender.stats()

    def close(self, timeout: float | None = None) -> None:
        """Flush (at most ``timeout``, default ``flush_timeout``), then stop sending."""
        self._sender.close(self.flush_timeout if timeout is None else timeout)
        self._transport.close()
        _live.discard(self)

    def __enter__(self) -> ServerAPI:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _after_fork_in_child(self) -> None:
        # Another thread may have held these locks at the fork: the child gets fresh ones.
        self._ordering = threading.Lock()
        self._sequences.after_fork_in_child()
        # (The sender, a delivery queue, is reset by the queue's own at-fork hook.)
        self._transport.reset()


def _reset_all_in_child() -> None:
    for api in list(_live):
        api._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_all_in_child)

"""NotifyTelegram: task status changes as Telegram messages."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dotflow.abc.notify import Notify
from dotflow.spi.model import TypeStatus
from dotflow.telegram.courier import Courier
from dotflow.telegram.message import build_message

if TYPE_CHECKING:
    from dotflow.spi.model import Task

__all__ = ["NotifyTelegram"]

logger = logging.getLogger(__name__)

_STATUS_NAMES = ", ".join(f"TypeStatus.{status.name}" for status in TypeStatus)


def _status(value: Any) -> TypeStatus:
    if isinstance(value, TypeStatus):
        return value
    if isinstance(value, str):
        for status in TypeStatus:
            if value.strip().lower() in (status.value.lower(), status.name.lower()):
                return status
    msg = f"NotifyTelegram(notification_type=...): unknown status {value!r}; use {_STATUS_NAMES}"
    raise ValueError(msg)


def _statuses(value: Any) -> frozenset[TypeStatus] | None:
    if value is None:
        return None
    if isinstance(value, TypeStatus | str):
        return frozenset({_status(value)})
    if isinstance(value, Iterable):
        statuses = frozenset(_status(item) for item in value)
        if not statuses:
            msg = (
                "NotifyTelegram(notification_type=...): an empty collection would send nothing; "
                "pass None to be told about every status"
            )
            raise ValueError(msg)
        return statuses
    msg = (
        "NotifyTelegram(notification_type=...): expected a TypeStatus, a list or set of them, "
        f"or None, got {type(value).__name__}"
    )
    raise TypeError(msg)


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        msg = (
            f"NotifyTelegram(base_url=...): expected the Bot API server's http(s) root such as "
            f"'http://127.0.0.1:8081', got {value!r}"
        )
        raise ValueError(msg)
    value = value.rstrip("/")
    return value.removesuffix("/bot")


class NotifyTelegram(Notify):
    """Sends a Telegram message for each task status change (or only for some statuses).

    ``send()`` never blocks and never raises: it renders the message at once (a snapshot of the
    task) and queues it; a background thread delivers the queue in order. Failures are logged.
    ``flush()`` (called by dotflow at the end of each ``start()``) waits for delivery.

    Args:
        token: the bot token from @BotFather. It never appears in logs, errors or ``repr``.
        chat_id: the chat, group or channel to write to (an int id or ``"@channelname"``).
        notification_type: only these statuses are sent: a ``TypeStatus`` (e.g.
            ``TypeStatus.FAILED``), a list or set of them, or ``None`` for every status.
        show_result: add a completed task's result (capped at 1000 characters).
        base_url: the root of a self-hosted Bot API server (e.g. ``"http://127.0.0.1:8081"``);
            ``None`` for Telegram's.
        timeout: seconds allowed for each HTTP request.
        retries: extra attempts after a network error, a 5xx or a 429 (whose ``retry_after``
            is waited, up to 60 s). A 400, 401 or 403 is not retried.
        flush_timeout: the longest ``flush()`` waits when given no timeout (seconds).
    """

    def __init__(
        self,
        token: str,
        chat_id: int | str,
        notification_type: TypeStatus | Iterable[TypeStatus] | None = None,
        show_result: bool = False,
        base_url: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        flush_timeout: float = 10.0,
    ) -> None:
        if not isinstance(token, str) or not token.strip():
            msg = "NotifyTelegram(token=...): expected the bot token from @BotFather, got nothing"
            raise ValueError(msg)
        if isinstance(chat_id, bool) or not isinstance(chat_id, int | str) or chat_id == "":
            msg = (
                "NotifyTelegram(chat_id=...): expected a chat id (int) or '@channelname', "
                f"got {chat_id!r}"
            )
            raise ValueError(msg)
        for name, number in (("timeout", timeout), ("flush_timeout", flush_timeout)):
            if not isinstance(number, int | float) or not math.isfinite(number) or number <= 0:
                msg = f"NotifyTelegram({name}=...): expected seconds > 0, got {number!r}"
                raise ValueError(msg)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            msg = f"NotifyTelegram(retries=...): expected an int >= 0, got {retries!r}"
            raise ValueError(msg)
        self.chat_id = chat_id
        self.notification_type = _statuses(notification_type)
        self.show_result = bool(show_result)
        self.base_url = _base_url(base_url)
        self.timeout = float(timeout)
        self.retries = retries
        self.flush_timeout = float(flush_timeout)
        self._token = token.strip()
        self._courier: Courier | None = Courier(
            self._token, chat_id, self.base_url, self.timeout, retries
        )
        self._warned = False

    def __repr__(self) -> str:
        wanted = (
            None
            if self.notification_type is None
            else sorted(status.name for status in self.notification_type)
        )
        return (
            f"NotifyTelegram(chat_id={self.chat_id!r}, notification_type={wanted!r}, "
            f"base_url={self.base_url!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The token is never pickled (a pickle is a file anyone may read). The copy keeps the
        # settings and delivers nothing: dotflow-core notifies from the process that runs the
        # workflow, never from a worker, so a copy only exists when something else pickles it.
        settings = (
            self.chat_id,
            self.notification_type,
            self.show_result,
            self.base_url,
            self.timeout,
            self.retries,
            self.flush_timeout,
        )
        return (_without_token, settings)

    def wants(self, status: TypeStatus) -> bool:
        """Whether a change to ``status`` is sent."""
        return self.notification_type is None or status in self.notification_type

    def send(self, task: Task) -> None:
        """Queue a message about ``task``'s current status, if its status is wanted."""
        if not self.wants(task.status):
            return
        if self._courier is None:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "NotifyTelegram: this is an unpickled copy, which has no token (a token is "
                    "never pickled); build NotifyTelegram in this process to send from it"
                )
            return
        self._courier.submit(build_message(task, self.show_result))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued message is delivered or given up.

        Args:
            timeout: the longest wait in seconds (``flush_timeout`` when ``None``).

        Returns:
            ``False`` when messages were still pending at the deadline (they keep going).
        """
        if self._courier is None:
            return True
        return self._courier.flush(self.flush_timeout if timeout is None else timeout)

    @property
    def delivered(self) -> int:
        """Messages Telegram accepted so far (none by an unpickled copy, which cannot send)."""
        return 0 if self._courier is None else self._courier.delivered

    @property
    def undelivered(self) -> int:
        """Messages given up (after their retries) or dropped so far; see :attr:`last_error`."""
        return 0 if self._courier is None else self._courier.undelivered

    @property
    def last_error(self) -> str | None:
        """Why the last undelivered message was not delivered (the token is never in it)."""
        return None if self._courier is None else self._courier.last_error

    @property
    def pending(self) -> int:
        """Messages queued and not yet delivered or given up."""
        return 0 if self._courier is None else self._courier.pending

    def close(self, timeout: float | None = None) -> None:
        """Flush, then stop the delivery thread; later messages are dropped."""
        if self._courier is not None:
            self._courier.close(self.flush_timeout if timeout is None else timeout)


def _without_token(
    chat_id: int | str,
    notification_type: frozenset[TypeStatus] | None,
    show_result: bool,
    base_url: str | None,
    timeout: float,
    retries: int,
    flush_timeout: float,
) -> NotifyTelegram:
    """An unpickled :class:`NotifyTelegram`: the settings, no token, no delivery."""
    copy = NotifyTelegram.__new__(NotifyTelegram)
    copy.chat_id = chat_id
    copy.notification_type = notification_type
    copy.show_result = show_result
    copy.base_url = base_url
    copy.timeout = timeout
    copy.retries = retries
    copy.flush_timeout = flush_timeout
    copy._token = ""
    copy._courier = None
    copy._warned = False
    return copy

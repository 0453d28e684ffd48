"""Delivering messages in order from one background event loop, never blocking the caller.

python-telegram-bot is async, and its ``Bot`` is tied to the event loop it first ran on. Callers
of ``send()`` are synchronous (the workflow's threads), may already run an event loop of their
own, or may be a forked child. So each courier owns one event loop in one daemon thread, started
on first use; a single consumer coroutine on it sends queued texts one by one, in submission
order, with bounded retries. A forked child starts a fresh loop and ``Bot`` on its first message.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
import weakref
from datetime import timedelta
from typing import Any

from dotflow.telegram.message import PARSE_MODE
from dotflow.telegram.redact import redact, register_token

__all__ = ["Courier"]

logger = logging.getLogger(__name__)

#: The longest wait honoured for a 429's ``retry_after`` (seconds).
MAX_RETRY_AFTER = 60.0
#: First wait before retrying a network error or a 5xx; doubles each time (seconds).
BACKOFF = 0.5
#: the longest wait between two attempts after a network error, however many retries
BACKOFF_MAX = 30.0
#: How long the interpreter waits at exit for undelivered messages, per notifier (seconds).
EXIT_FLUSH_TIMEOUT = 5.0

_STOP = object()
_couriers: weakref.WeakSet[Courier] = weakref.WeakSet()


def _describe(error: BaseException) -> str:
    return redact(f"{type(error).__name__}: {error}")


def _retry_after_seconds(error: Any) -> float:
    # Read the stored timedelta when there is one: the public ``retry_after`` warns about its
    # int/timedelta migration in python-telegram-bot 22.
    value = getattr(error, "_retry_after", None)
    if not isinstance(value, timedelta):
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class Courier:
    """Sends texts to one chat, in order, from a background event-loop thread.

    Args:
        token: the bot token.
        chat_id: the chat to write to.
        base_url: the Bot API root (``https://api.telegram.org`` when ``None``).
        timeout: seconds for each HTTP request (connect, write, read).
        retries: extra attempts after a network error, a 5xx or a 429.
        max_pending: messages kept while undelivered; more are dropped with a warning.
    """

    def __init__(
        self,
        token: str,
        chat_id: int | str,
        base_url: str | None,
        timeout: float,
        retries: int,
        max_pending: int = 1000,
    ) -> None:
        register_token(token)
        self._token = token
        self.chat_id = chat_id
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries
        self.max_pending = max_pending
        self._closed = False
        #: Messages delivered, and messages given up or dropped, since creation.
        self.delivered = 0
        self.undelivered = 0
        #: Why the last undelivered message was not delivered.
        self.last_error: str | None = None
        self._reset()
        _couriers.add(self)

    def _reset(self) -> None:
        """Forget the loop and thread (at creation, and in a forked child where they are gone)."""
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        self._bot_ready = False
        self._pid = os.getpid()

    @property
    def pending(self) -> int:
        """Messages submitted and not yet delivered or given up."""
        return self._pending

    def submit(self, text: str) -> bool:
        """Queue ``text`` for delivery and return at once; ``False`` when it was dropped."""
        if self._pid != os.getpid():  # a fork the at-fork hook did not see
            self._reset()
        with self._lock:
            if self._closed:
                logger.warning("Telegram notification dropped: the notifier is closed")
                self._count_failure("dropped: the notifier is closed")
                return False
            if self._pending >= self.max_pending:
                logger.warning(
                    "Telegram notification dropped: %s messages are already waiting for delivery",
                    self._pending,
                )
                self._count_failure(f"dropped: {self._pending} messages were already waiting")
                return False
            if self._loop is None:
                self._start()
            assert self._loop is not None and self._queue is not None
            self._pending += 1
            self._loop.call_soon_threadsafe(self._queue.put_nowait, text)
        return True

    def flush(self, timeout: float | None) -> bool:
        """Wait until nothing is pending or ``timeout`` passed; ``True`` when all was handled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending:
                if self._pid != os.getpid():
                    return True
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float | None) -> None:
        """Flush, then stop the loop thread. Later submits are dropped."""
        self.flush(timeout)
        with self._lock:
            self._closed = True
            loop, queue, thread = self._loop, self._queue, self._thread
        if loop is None or queue is None or thread is None or self._pid != os.getpid():
            return
        try:
            loop.call_soon_threadsafe(queue.put_nowait, _STOP)
        except RuntimeError:  # the loop is already closed
            return
        thread.join(timeout)

    # -- the loop thread -------------------------------------------------------------------

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        thread = threading.Thread(
            target=self._run_loop, args=(loop,), name="dotflow-telegram", daemon=True
        )
        self._loop, self._queue, self._thread = loop, queue, thread
        thread.start()
        asyncio.run_coroutine_threadsafe(self._consume(queue), loop)

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()

    def _make_bot(self) -> Any:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        def request() -> HTTPXRequest:
            return HTTPXRequest(
                connection_pool_size=1,
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                write_timeout=self.timeout,
                pool_timeout=self.timeout,
            )

        options: dict[str, Any] = {}
        if self.base_url is not None:
            options["base_url"] = f"{self.base_url}/bot"
            options["base_file_url"] = f"{self.base_url}/file/bot"
        return Bot(self._token, request=request(), get_updates_request=request(), **options)

    async def _consume(self, queue: asyncio.Queue[Any]) -> None:
        loop = asyncio.get_running_loop()
        bot = self._make_bot()
        try:
            while True:
                text = await queue.get()
                if text is _STOP:
                    break
                failure: str | None = "the delivery was cancelled"
                try:
                    failure = await self._deliver(bot, text)
                except Exception as error:  # never let the consumer die
                    failure = _describe(error)
                    logger.error("Telegram notification not delivered: %s", failure)
                finally:
                    # Counted before flush() can return, so a caller reads the final figures.
                    with self._lock:
                        if failure is None:
                            self.delivered += 1
                        else:
                            self._count_failure(failure)
                    self._done_one()
        finally:
            try:
                await bot.shutdown()
            except Exception as error:
                logger.debug("closing the Telegram client failed: %s", _describe(error))
            loop.call_soon(loop.stop)

    def _count_failure(self, reason: str) -> None:
        """Count one undelivered message (the lock is held)."""
        self.undelivered += 1
        self.last_error = reason

    def _done_one(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending <= 0:
                self._pending = 0
                self._idle.notify_all()

    async def _deliver(self, bot: Any, text: str) -> str | None:
        """Deliver ``text``; ``None`` when delivered, else why it was given up."""
        from telegram import LinkPreviewOptions
        from telegram.error import BadRequest, NetworkError, RetryAfter

        attempt = 0
        while True:
            try:
                if not self._bot_ready:  # getMe once: a rejected token says so clearly
                    await bot.initialize()
                    self._bot_ready = True
                await bot.send_message(
                    chat_id=self.chat_id,
                    text=text,
                    parse_mode=PARSE_MODE,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                logger.debug("Telegram notification delivered to chat %s", self.chat_id)
                return None
            except RetryAfter as error:
                delay = _retry_after_seconds(error)
                reason = f"flood control (retry after {delay:g} s)"
            except BadRequest as error:  # a 400 will not get better by retrying
                failure = f"rejected: {_describe(error)}"
                logger.error("Telegram notification to chat %s %s", self.chat_id, failure)
                return failure
            except NetworkError as error:  # timeouts, connection errors and 5xx
                delay = min(BACKOFF * 2**attempt, BACKOFF_MAX)
                reason = _describe(error)
            except Exception as error:  # 401, 403, 404 and the like
                failure = _describe(error)
                logger.error(
                    "Telegram notification to chat %s not delivered: %s", self.chat_id, failure
                )
                return failure
            attempt += 1
            if attempt > self.retries:
                logger.error(
                    "Telegram notification to chat %s not delivered after %s attempts: %s",
                    self.chat_id,
                    attempt,
                    reason,
                )
                return f"not delivered after {attempt} attempts: {reason}"
            logger.warning(
                "Telegram notification to chat %s: %s; retrying in %.1f s (attempt %s of %s)",
                self.chat_id,
                reason,
                delay,
                attempt + 1,
                self.retries + 1,
            )
            await asyncio.sleep(delay)


def _after_fork_in_child() -> None:
    for courier in list(_couriers):
        courier._reset()


def _close_at_exit() -> None:
    # Daemon threads are frozen at interpreter exit: deliver what is pending and stop the loops
    # while they can still run.
    for courier in list(_couriers):
        courier.close(EXIT_FLUSH_TIMEOUT)


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_at_exit)

"""Delivering messages in order from one background thread, never blocking the caller.

The courier is the SPI's delivery queue (:class:`dotflow.spi.delivery.DeliveryQueue`: one daemon
thread, a bounded ordered queue, flush/close, a flush at exit, a fresh start in a forked child)
with Telegram's retry rules and words. python-telegram-bot is async, and its ``Bot`` is tied to the
event loop it first ran on; callers of ``send()`` are synchronous (the workflow's threads), may run
an event loop of their own, or may be a forked child. So each attempt runs on an event loop owned
by the queue's thread, made with its ``Bot`` on the first message that thread delivers.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from dotflow.spi.delivery import Attempt, AttemptResult, DeliveryQueue, RetryPolicy
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


class Courier(DeliveryQueue[str]):
    """Sends texts to one chat, in order, from a background thread.

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
        #: Messages delivered, and messages given up or dropped, since creation.
        self.delivered = 0
        self.undelivered = 0
        #: Why the last undelivered message was not delivered.
        self.last_error: str | None = None
        policy = RetryPolicy(
            max_attempts=retries + 1,
            backoff_base=BACKOFF,
            backoff_max=BACKOFF_MAX,
            retry_after_max=MAX_RETRY_AFTER,
            jitter=False,
            probe_when_down=False,
        )
        super().__init__(
            policy,
            max_queue=max_pending,
            put_timeout=0.0,
            name="dotflow-telegram",
            exit_flush_timeout=EXIT_FLUSH_TIMEOUT,
        )

    def _reset_state(self) -> None:
        # At creation, and in a forked child, where the parent's loop and thread are gone.
        super()._reset_state()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bot: Any = None
        self._bot_ready = False

    @property
    def max_pending(self) -> int:
        """Messages kept while undelivered."""
        return self.max_queue

    def submit(self, text: str) -> bool:
        """Queue ``text`` for delivery and return at once; ``False`` when it was dropped."""
        return self.put(text)

    # -- the queue's thread: one attempt ---------------------------------------------------------

    def try_once(self, item: str) -> AttemptResult:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(self._attempt(item))

    def on_thread_exit(self) -> None:
        loop, bot = self._loop, self._bot
        if loop is None:
            return
        try:
            if bot is not None:
                loop.run_until_complete(bot.shutdown())
        except Exception as error:
            logger.debug("closing the Telegram client failed: %s", _describe(error))
        finally:
            loop.close()
            self._loop, self._bot, self._bot_ready = None, None, False

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

    async def _attempt(self, text: str) -> Attempt:
        """One ``sendMessage``: delivered, worth retrying (with a wait asked for), or not."""
        from telegram import LinkPreviewOptions
        from telegram.error import BadRequest, NetworkError, RetryAfter

        try:
            if self._bot is None:
                self._bot = self._make_bot()
            if not self._bot_ready:  # getMe once: a rejected token says so clearly
                await self._bot.initialize()
                self._bot_ready = True
            await self._bot.send_message(
                chat_id=self.chat_id,
                text=text,
                parse_mode=PARSE_MODE,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as error:
            delay = _retry_after_seconds(error)
            return Attempt(False, True, f"flood control (retry after {delay:g} s)", delay)
        except BadRequest as error:  # a 400 will not get better by retrying
            return Attempt(False, False, f"rejected: {_describe(error)}")
        except NetworkError as error:  # timeouts, connection errors and 5xx
            return Attempt(False, True, _describe(error))
        except Exception as error:  # 401, 403, 404 and the like
            return Attempt(False, False, _describe(error))
        return Attempt(True)

    # -- the queue's hooks: Telegram's words and counters ----------------------------------------

    def on_delivered(self, item: str, result: AttemptResult) -> None:
        logger.debug("Telegram notification delivered to chat %s", self.chat_id)
        with self._cond:  # counted before flush() can return: a caller reads the final figures
            self.delivered += 1

    def on_retry(self, item: str, attempt: int, result: AttemptResult, delay: float) -> None:
        logger.warning(
            "Telegram notification to chat %s: %s; retrying in %.1f s (attempt %s of %s)",
            self.chat_id,
            result.detail,
            delay,
            attempt + 1,
            self.retries + 1,
        )

    def on_give_up(self, item: str, result: AttemptResult, attempts: int, first: bool) -> None:
        failure = result.detail
        if result.retryable:
            failure = f"not delivered after {attempts} attempts: {result.detail}"
            logger.error(
                "Telegram notification to chat %s not delivered after %s attempts: %s",
                self.chat_id,
                attempts,
                result.detail,
            )
        elif failure.startswith("rejected: "):
            logger.error("Telegram notification to chat %s %s", self.chat_id, failure)
        else:
            logger.error(
                "Telegram notification to chat %s not delivered: %s", self.chat_id, failure
            )
        with self._cond:
            self._count_failure(failure)

    def on_dropped(self, item: str, reason: str) -> None:
        # Called with the queue's lock held.
        if reason == "closed":
            logger.warning("Telegram notification dropped: the notifier is closed")
            self._count_failure("dropped: the notifier is closed")
        else:
            waiting = len(self._queue) + len(self._inflight)
            logger.warning(
                "Telegram notification dropped: %s messages are already waiting for delivery",
                waiting,
            )
            self._count_failure(f"dropped: {waiting} messages were already waiting")

    def _count_failure(self, reason: str) -> None:
        """Count one undelivered message (the queue's lock is held)."""
        self.undelivered += 1
        self.last_error = reason

"""Keeping bot tokens out of log records and error messages.

The token is part of every Bot API URL, and python-telegram-bot and httpx write those URLs in
their own log records (``telegram.Bot`` at DEBUG, ``httpx`` at INFO) and in some exception
messages. Every token in use is registered here; a filter on exactly those libraries' loggers
rewrites their records, and our own messages go through :func:`redact`. No handler or level is
touched.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["MASK", "redact", "register_token"]

MASK = "<token>"

#: The loggers that may write a Bot API URL (python-telegram-bot's and httpx's).
_LIBRARY_LOGGERS = (
    "httpx",
    "telegram",
    "telegram.Bot",
    "telegram.BaseRequest",
    "telegram.HTTPXRequest",
)

_tokens: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """``text`` with every registered token replaced by ``<token>``."""
    for token in tuple(_tokens):
        if token in text:
            text = text.replace(token, MASK)
    return text


class _RedactTokens(logging.Filter):
    """Rewrites a record whose message contains a registered token."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging system's business
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def register_token(token: str) -> None:
    """Remember ``token`` and make sure the library loggers are filtered."""
    global _installed
    with _lock:
        _tokens.add(token)
        if not _installed:
            for name in _LIBRARY_LOGGERS:
                logging.getLogger(name).addFilter(_RedactTokens())
            _installed = True

"""Telegram notifications for dotflow: ``NotifyTelegram``."""

from dotflow.telegram.message import build_message
from dotflow.telegram.notify import NotifyTelegram

__all__ = ["NotifyTelegram", "build_message"]

"""Fixtures for dotflow-telegram: a fake Bot API server on 127.0.0.1 and notifiers pointed at it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # fake_bot_api, a helper module of this folder

from fake_bot_api import TEST_CHAT_ID, TEST_TOKEN, FakeBotApi

from dotflow.telegram import NotifyTelegram


@pytest.fixture(scope="session")
def bot_api_server() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def bot_api(bot_api_server: FakeBotApi) -> Iterator[FakeBotApi]:
    """The fake Bot API, with no calls recorded and no failure planned."""
    bot_api_server.reset()
    yield bot_api_server
    bot_api_server.reset()


@pytest.fixture
def make_notify(bot_api: FakeBotApi) -> Iterator[Callable[..., NotifyTelegram]]:
    """``make_notify(**kwargs)``: a NotifyTelegram for the fake server, closed after the test."""
    made: list[NotifyTelegram] = []

    def make(**kwargs: Any) -> NotifyTelegram:
        options: dict[str, Any] = {
            "token": TEST_TOKEN,
            "chat_id": TEST_CHAT_ID,
            "base_url": bot_api.url,
        }
        options.update(kwargs)
        notify = NotifyTelegram(**options)
        made.append(notify)
        return notify

    yield make
    for notify in made:
        notify.close(timeout=10)

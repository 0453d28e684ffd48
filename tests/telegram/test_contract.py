"""NotifyTelegram passes dotflow.testing.NotifyContract against the fake Bot API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fake_bot_api import FakeBotApi

from dotflow.telegram import NotifyTelegram
from dotflow.testing import NotifyContract


class TestNotifyTelegramContract(NotifyContract):
    @pytest.fixture(autouse=True)
    def _fake_api(self, bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]) -> None:
        self.bot_api = bot_api
        self.make = make_notify

    def make_notify(self) -> NotifyTelegram:
        return self.make()

    def make_unreachable_notify(self) -> NotifyTelegram:
        return self.make(base_url="http://127.0.0.1:9", retries=0, timeout=1.0)

    def delivered(self) -> list[Any]:
        return list(self.bot_api.texts())

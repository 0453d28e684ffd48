"""The Telegram examples run as written, against the fake Bot API server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi, plain_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "telegram"

pytestmark = pytest.mark.timeout(90)


def _run(name: str, bot_api: FakeBotApi, *args: str) -> str:
    path = EXAMPLES / name
    env = {**os.environ, "TELEGRAM_BASE_URL": bot_api.url}
    done = subprocess.run(
        [sys.executable, str(path), *args], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert expected, f"{path} has no '# expect:' line"
    assert expected.group(1) in done.stdout, done.stdout + done.stderr
    return done.stdout


def test_notify_telegram_example(bot_api: FakeBotApi) -> None:
    _run("notify_telegram.py", bot_api)

    (call,) = bot_api.sent()
    assert call.token == "YOUR_BOT_TOKEN" and call.params["chat_id"] == "123456789"
    shown = plain_text(call.params["text"])
    assert shown.startswith("✘ Failed: load\n")
    assert "ConnectionError: the warehouse refused 150 users" in shown


def test_notify_telegram_example_says_when_delivery_failed(bot_api: FakeBotApi) -> None:
    # The chat does not exist: Telegram answers 400, which is not retried.
    bot_api.fail_next(400, times=5)
    env = {**os.environ, "TELEGRAM_BASE_URL": bot_api.url}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "notify_telegram.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Telegram was told" not in done.stdout
    assert done.stdout.strip() == (
        "workflow Failed; Telegram was NOT told about the failure of task 2: "
        "rejected: BadRequest: Chat not found"
    ), done.stdout + done.stderr


def test_notify_telegram_example_after_retries_run_out(bot_api: FakeBotApi) -> None:
    bot_api.fail_next(503, times=10)
    env = {**os.environ, "TELEGRAM_BASE_URL": bot_api.url}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "notify_telegram.py")],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("workflow Failed; Telegram was NOT told about the failure of task 2: ")
    assert "not delivered after 4 attempts" in line


def test_config_example(bot_api: FakeBotApi, tmp_path: Path) -> None:
    _run("config.py", bot_api, str(tmp_path / "out"))

    statuses = [plain_text(text).splitlines()[0] for text in bot_api.texts()]
    assert statuses == ["▶ In progress: greet", "✔ Completed: greet"]
    assert list((tmp_path / "out").rglob("*"))  # StorageFile wrote the result

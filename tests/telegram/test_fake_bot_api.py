"""The fake Bot API itself: it must behave like the real one for the tests to mean anything."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from fake_bot_api import TEST_TOKEN, FakeBotApi


def _post(url: str, body: bytes, kind: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": kind})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("kind", ["application/json", "application/x-www-form-urlencoded"])
def test_send_message_accepts_json_and_form_bodies(bot_api: FakeBotApi, kind: str) -> None:
    params = {"chat_id": 5, "text": "a <b>bold</b> &amp; move", "parse_mode": "HTML"}
    if kind == "application/json":
        body = json.dumps(params).encode()
    else:
        body = urllib.parse.urlencode(params).encode()

    status, answer = _post(f"{bot_api.url}/bot{TEST_TOKEN}/sendMessage", body, kind)

    assert status == 200 and answer["ok"] is True
    assert answer["result"]["text"] == "a bold & move"
    assert answer["result"]["chat"]["id"] == 5
    assert bot_api.texts() == ["a <b>bold</b> &amp; move"]


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("1 < 2", "can't parse entities"),
        ("<blink>x</blink>", "unsupported start tag"),
        ("<b>open", "can't find end tag"),
        ("fish & chips", "unescaped '&'"),
        ("", "message text is empty"),
        ("x" * 4097, "message is too long"),
    ],
)
def test_bad_messages_get_a_400_like_telegram(
    bot_api: FakeBotApi, text: str, description: str
) -> None:
    body = json.dumps({"chat_id": 5, "text": text, "parse_mode": "HTML"}).encode()
    status, answer = _post(f"{bot_api.url}/bot{TEST_TOKEN}/sendMessage", body, "application/json")

    assert status == 400 and answer["error_code"] == 400
    assert description in answer["description"]


def test_planned_failures_and_rejected_tokens(bot_api: FakeBotApi) -> None:
    url = f"{bot_api.url}/bot{TEST_TOKEN}/sendMessage"
    body = b'{"chat_id": 1, "text": "hi"}'
    bot_api.fail_next(429, retry_after=3)

    status, answer = _post(url, body, "application/json")
    assert status == 429 and answer["parameters"] == {"retry_after": 3}
    assert _post(url, body, "application/json")[0] == 200

    bot_api.rejected_tokens.add(TEST_TOKEN)
    status, answer = _post(f"{bot_api.url}/bot{TEST_TOKEN}/getMe", b"", "application/json")
    assert (status, answer["description"]) == (401, "Unauthorized")

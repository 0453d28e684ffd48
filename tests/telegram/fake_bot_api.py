"""A small fake Telegram Bot API server (stdlib only) for tests and examples.

It answers ``getMe`` and ``sendMessage`` (form-encoded and JSON bodies) with the JSON the real
Bot API returns, checks HTML entities like Telegram does (400 "can't parse entities"), records
every call, and can be told to fail the next calls with 400, 429 (``parameters.retry_after``) or
5xx, or to answer slowly. Start it with ``FakeBotApi().start()``; ``url`` is what
``NotifyTelegram(base_url=...)`` takes.

Run as a script it serves until interrupted and prints its url.
"""

from __future__ import annotations

import contextlib
import html.parser
import json
import re
import sys
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: What the tests configure their notifiers with.
TEST_TOKEN = "123456789:AAE-fake_Secret-token0123456789abcdefgh"
TEST_CHAT_ID = 424242

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "dotflow test bot",
    "username": "dotflow_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip

_BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


@dataclass
class Call:
    """One request the server answered."""

    method: str
    token: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """A planned answer for the next call of ``method``."""

    status: int
    description: str
    retry_after: int | None = None
    delay: float = 0.0
    method: str = "sendMessage"


class _EntityChecker(html.parser.HTMLParser):
    """Fails like Telegram on tags it does not know, unclosed tags and bare ``<`` / ``&``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = self.error or f'unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.error = self.error or "unescaped '<' or '>'"

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.error = self.error or f'unsupported entity "&{name};"'

    def unknown_decl(self, data: str) -> None:
        self.error = self.error or "unsupported declaration"


def html_error(text: str) -> str | None:
    """Why Telegram would refuse ``text`` in HTML parse mode, or ``None`` if it parses."""
    checker = _EntityChecker()
    try:
        checker.feed(text)
        checker.close()
    except Exception as error:  # pragma: no cover - HTMLParser is lenient
        return str(error)
    if checker.error is None and checker.stack:
        return f'can\'t find end tag corresponding to start tag "{checker.stack[-1]}"'
    if checker.error is None and _BARE_AMPERSAND.search(text):
        return "unescaped '&'"
    return checker.error


def plain_text(text: str) -> str:
    """What a chat shows for an HTML message: tags removed, entities decoded."""

    class _Text(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = _Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up waiting (a timeout test): nothing to report
        super().handle_error(request, client_address)


class FakeBotApi:
    """The server. ``rejected_tokens`` get a 401 like a revoked token does."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.rejected_tokens: set[str] = set()
        self._failures: deque[Failure] = deque()
        self._changed = threading.Condition()
        self._message_id = 0
        self._server = _Server((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBotApi:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._changed:
            self.calls.clear()
            self._failures.clear()
            self.rejected_tokens.clear()

    # -- test helpers ----------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        method: str = "sendMessage",
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (or just slowly)."""
        default = {
            200: "",
            400: "Bad Request: chat not found",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }.get(status, "Error")
        with self._changed:
            for _ in range(times):
                self._failures.append(
                    Failure(status, description or default, retry_after, delay, method)
                )

    def sent(self) -> list[Call]:
        """The ``sendMessage`` calls that were answered 200, in order."""
        with self._changed:
            return [c for c in self.calls if c.method == "sendMessage" and c.status == 200]

    def texts(self) -> list[str]:
        """The texts of the delivered messages, in order."""
        return [str(call.params["text"]) for call in self.sent()]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Call]:
        """Wait until ``count`` messages were delivered; return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.sent()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return self.sent()

    # -- serving ---------------------------------------------------------------------------

    def _answer(self, method: str, token: str, params: dict[str, Any]) -> tuple[int, Any]:
        with self._changed:
            planned = None
            for failure in self._failures:
                if failure.method == method:
                    planned = failure
                    break
            if planned is not None:
                self._failures.remove(planned)
        if planned is not None and planned.delay:
            time.sleep(planned.delay)
        if token in self.rejected_tokens:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if planned is not None and planned.status != 200:
            if planned.status == 502:
                return 502, "<html><body><h1>502 Bad Gateway</h1></body></html>"
            body: dict[str, Any] = {
                "ok": False,
                "error_code": planned.status,
                "description": planned.description,
            }
            if planned.retry_after is not None:
                body["parameters"] = {"retry_after": planned.retry_after}
            return planned.status, body
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "sendMessage":
            return self._send_message(params)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _send_message(self, params: dict[str, Any]) -> tuple[int, Any]:
        def bad(description: str) -> tuple[int, Any]:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": f"Bad Request: {description}",
            }

        text = str(params.get("text", ""))
        if "chat_id" not in params:
            return bad("chat_id is empty")
        if not text.strip():
            return bad("message text is empty")
        parse_mode = str(params.get("parse_mode", "")).upper()
        if parse_mode == "HTML":
            error = html_error(text)
            if error:
                return bad(f"can't parse entities: {error}")
            shown = plain_text(text)
        else:
            shown = text
        if len(shown) > 4096:
            return bad("message is too long")
        chat_id = params["chat_id"]
        with contextlib.suppress(TypeError, ValueError):  # "@channel" stays a str
            chat_id = int(chat_id)
        with self._changed:
            self._message_id += 1
            message_id = self._message_id
        chat = (
            {"id": chat_id, "type": "private", "first_name": "Test"}
            if isinstance(chat_id, int)
            else {"id": -1001234567890, "type": "channel", "title": str(chat_id).lstrip("@")}
        )
        return 200, {
            "ok": True,
            "result": {
                "message_id": message_id,
                "from": BOT_USER,
                "chat": chat,
                "date": int(time.time()),
                "text": shown,
            },
        }

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                self._serve(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._serve(self.rfile.read(length))

            def _serve(self, body: bytes) -> None:
                path = urllib.parse.urlsplit(self.path)
                parts = path.path.strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                token, method = parts[0][3:], parts[1]
                params = self._params(body, path.query)
                status, answer = api._answer(method, token, params)
                api._record(Call(method, token, params, status))
                self._reply(status, answer)

            def _params(self, body: bytes, query: str) -> dict[str, Any]:
                params: dict[str, Any] = dict(urllib.parse.parse_qsl(query))
                kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if kind == "application/json" and body:
                    params.update(json.loads(body))
                elif body:
                    params.update(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
                return params

            def _reply(self, status: int, answer: Any) -> None:
                if isinstance(answer, str):
                    data, kind = answer.encode(), "text/html"
                else:
                    data, kind = json.dumps(answer).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


if __name__ == "__main__":
    server = FakeBotApi().start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()

"""The dashboard over HTTP: tokens, bounded and strict bodies, the sequence header, SSE."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from dotflow.dashboard import Backend

RUNNER = "runner-secret-1"
VIEWER = "viewer-secret-2"
WRITE = {"X-User-Token": RUNNER}


@pytest.fixture
def served() -> Iterator[Backend]:
    """An in-memory dashboard with a runner token and a viewer token."""
    with Backend(token=RUNNER, viewer_token=VIEWER, heartbeat=0.5) as backend:
        yield backend


def raw_request(url: str, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are; return the status and the whole answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    answer = b"".join(chunks)
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split()[1]), answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def test_writes_need_the_runner_token(served: Backend) -> None:
    url = f"{served.url}/workflows"
    assert requests.post(url, json={"id": "w"}, timeout=5).status_code == 401
    assert (
        requests.post(
            url, json={"id": "w"}, headers={"X-User-Token": VIEWER}, timeout=5
        ).status_code
        == 401
    )
    assert requests.post(url, json={"id": "w"}, headers=WRITE, timeout=5).status_code == 201


def test_the_token_is_checked_before_the_body_is_read(served: Backend) -> None:
    # Headers announcing 50 MB and no body at all: the 401 comes without waiting for it.
    status, _ = raw_request(
        served.url,
        "POST /workflows HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        "Content-Length: 50000000\nX-User-Token: wrong\n",
    )
    assert status == 401
    status, _ = raw_request(
        served.url,
        f"POST /workflows HTTP/1.1\nHost: x\nContent-Length: 50000000\nX-User-Token: {RUNNER}\n",
    )
    assert status == 413


@pytest.mark.parametrize("length", ["-1", "abc", "1e3"])
def test_a_malformed_content_length_gets_a_4xx(served: Backend, length: str) -> None:
    status, _ = raw_request(
        served.url,
        f"POST /workflows HTTP/1.1\nHost: x\nContent-Length: {length}\nX-User-Token: {RUNNER}\n",
        b'{"id": "w"}',
    )
    assert 400 <= status < 500


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"id": NaN}', "NaN is not valid JSON"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_bad_json_gets_a_400(served: Backend, body: bytes, message: str) -> None:
    reply = requests.post(f"{served.url}/workflows", data=body, headers=WRITE, timeout=10)
    assert reply.status_code == 400 and message in reply.json()["error"]


def test_the_sequence_header_and_body(served: Backend) -> None:
    url = f"{served.url}/workflows/w/tasks/1"
    head = {**WRITE, "X-Dotflow-Sequence": "20"}
    assert (
        requests.patch(
            url, json={"status": "Completed", "sequence": 20}, headers=head, timeout=5
        ).status_code
        == 200
    )
    stale = requests.patch(
        url,
        json={"status": "In progress", "sequence": 19},
        headers={**WRITE, "X-Dotflow-Sequence": "19"},
        timeout=5,
    )
    assert stale.status_code == 200 and stale.json() == {"ignored": "stale"}
    differ = requests.patch(url, json={"status": "x", "sequence": 30}, headers=head, timeout=5)
    assert differ.status_code == 400 and "differ" in differ.json()["error"]
    bad = requests.patch(
        url, json={"status": "x"}, headers={**WRITE, "X-Dotflow-Sequence": "-3"}, timeout=5
    )
    assert bad.status_code == 400
    shown = served.workflow("w")
    assert shown is not None and shown["tasks"][0]["history"] == ["Completed"]
    assert "sequence" not in shown["tasks"][0]


def test_reads_need_the_viewer_token(served: Backend) -> None:
    requests.post(f"{served.url}/workflows", json={"id": "w"}, headers=WRITE, timeout=5)
    api = f"{served.url}/api/workflows"
    assert requests.get(api, timeout=5).status_code == 401
    assert requests.get(api, headers={"X-Viewer-Token": RUNNER}, timeout=5).status_code == 401
    assert requests.get(f"{served.url}/api/stream", timeout=5).status_code == 401
    ok = requests.get(api, headers={"X-Viewer-Token": VIEWER}, timeout=5)
    assert ok.status_code == 200 and ok.json()["total"] == 1
    page = requests.get(f"{served.url}/workflows/w", allow_redirects=False, timeout=5)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_login_sets_an_httponly_cookie(served: Backend) -> None:
    with requests.Session() as browser:
        wrong = browser.post(f"{served.url}/login", data={"token": "nope", "next": "/"}, timeout=5)
        assert wrong.status_code == 401 and "not the viewer token" in wrong.text
        done = browser.post(
            f"{served.url}/login",
            data={"token": VIEWER, "next": "https://elsewhere/"},
            allow_redirects=False,
            timeout=5,
        )
        assert done.status_code == 303 and done.headers["location"] == "/"
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and VIEWER not in cookie
        assert browser.get(f"{served.url}/", timeout=5).status_code == 200
        assert browser.get(f"{served.url}/api/workflows", timeout=5).status_code == 200
        browser.post(f"{served.url}/logout", timeout=5)
        assert browser.get(f"{served.url}/api/workflows", timeout=5).status_code == 401


def test_tokens_never_reach_the_log(served: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    requests.post(
        f"{served.url}/workflows",
        json={"id": "w"},
        headers={"X-User-Token": "wrong-" + RUNNER},
        timeout=5,
    )
    requests.post(f"{served.url}/workflows", json={"id": "w"}, headers=WRITE, timeout=5)
    requests.post(f"{served.url}/login", data={"token": VIEWER}, timeout=5)
    requests.get(f"{served.url}/api/workflows", headers={"X-Viewer-Token": VIEWER}, timeout=5)
    assert RUNNER not in caplog.text and VIEWER not in caplog.text
    assert RUNNER not in repr(served.settings) and VIEWER not in repr(served.settings)


def test_the_live_stream_tells_each_change(served: Backend) -> None:
    seen: list[dict[str, object]] = []
    ready = threading.Event()

    def listen() -> None:
        with requests.get(
            f"{served.url}/api/stream?workflow=w",
            stream=True,
            timeout=10,
            headers={"X-Viewer-Token": VIEWER},
        ) as stream:
            name = None
            for line in stream.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name == "hello":
                    ready.set()
                elif line.startswith("data: ") and name == "change":
                    seen.append(json.loads(line[6:]))
                    if len(seen) == 2:
                        return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert ready.wait(10)
    with requests.Session() as http:
        http.headers.update(WRITE)
        http.patch(f"{served.url}/workflows/other", json={"status": "Completed"}, timeout=5)
        http.patch(f"{served.url}/workflows/w/tasks/1", json={"status": "In progress"}, timeout=5)
        http.patch(f"{served.url}/workflows/w", json={"status": "Completed"}, timeout=5)
    thread.join(10)
    assert [(c["workflow"], c["tasks"]) for c in seen] == [("w", ["1"]), ("w", [])]


def test_pages_render_and_escape(served: Backend) -> None:
    http = requests.Session()
    http.headers.update({**WRITE, "X-Viewer-Token": VIEWER})
    http.patch(f"{served.url}/workflows/w/tasks/1", json={"status": "In progress"}, timeout=5)
    http.patch(
        f"{served.url}/workflows/w/tasks/1",
        json={
            "status": "Failed",
            "step": "<script>x</script>",
            "errors": [
                {
                    "attempt": 1,
                    "exception": "ValueError",
                    "message": "boom",
                    "traceback": "Traceback ...\nValueError: boom",
                }
            ],
            "current_context": {"rows": list(range(200))},
        },
        timeout=5,
    )
    listing = http.get(f"{served.url}/", timeout=5)
    assert listing.status_code == 200 and "/workflows/w" in listing.text
    page = http.get(f"{served.url}/workflows/w", timeout=5).text
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "ValueError: boom" in page and 'class="bar ' in page and "<details" in page
    assert http.get(f"{served.url}/workflows/nope", timeout=5).status_code == 404
    assert http.get(f"{served.url}/?limit=0", timeout=5).status_code == 400
    assert http.get(f"{served.url}/static/dashboard.js", timeout=5).status_code == 200

"""The in-memory dashboard as ServerAPI's backend: endpoints, token, idempotency, faults."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests
from server_helpers import TOKEN, clean_env  # type: ignore[import-not-found]

from dotflow.dashboard import Backend

HEADERS = {"X-User-Token": TOKEN}


def test_writes_need_the_token(backend: Backend) -> None:
    assert requests.post(f"{backend.url}/workflows", json={"id": "w"}, timeout=5).status_code == 401
    wrong = {"X-User-Token": "nope"}
    assert (
        requests.post(
            f"{backend.url}/workflows", json={"id": "w"}, headers=wrong, timeout=5
        ).status_code
        == 401
    )
    assert backend.events == []
    assert [r["authorized"] for r in backend.requests] == [False, False]


def test_any_token_when_none_is_configured() -> None:
    with Backend() as server:
        assert (
            requests.post(f"{server.url}/workflows", json={"id": "w"}, timeout=5).status_code == 401
        )
        ok = requests.post(
            f"{server.url}/workflows", json={"id": "w"}, headers={"X-User-Token": "x"}, timeout=5
        )
        assert ok.status_code == 201


def test_a_run_as_a_person_watches_it(backend: Backend) -> None:
    with requests.Session() as http:
        http.headers.update(HEADERS)
        assert http.post(f"{backend.url}/workflows", json={"id": "w"}, timeout=5).status_code == 201
        assert http.post(f"{backend.url}/workflows", json={"id": "w"}, timeout=5).status_code == 409
        task = {"id": 1, "status": "Not started", "step": "s"}
        assert (
            http.post(f"{backend.url}/workflows/w/tasks", json=task, timeout=5).status_code == 201
        )
        for status in ("In progress", "Completed"):
            assert http.patch(
                f"{backend.url}/workflows/w/tasks/1", json={"status": status}, timeout=5
            ).ok
        assert http.patch(f"{backend.url}/workflows/w", json={"status": "Completed"}, timeout=5).ok
    shown = requests.get(f"{backend.url}/api/workflows/w", timeout=5).json()
    assert shown["status"] == "Completed" and shown["history"] == ["Completed"]
    assert shown["tasks"][0]["history"] == ["Not started", "In progress", "Completed"]
    assert shown["tasks"][0]["step"] == "s"
    listed = requests.get(f"{backend.url}/api/workflows", timeout=5).json()["workflows"]
    assert [w["id"] for w in listed] == ["w"]
    assert listed[0]["task_counts"] == {"Completed": 1}
    events = requests.get(f"{backend.url}/api/events", timeout=5).json()["events"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert requests.get(f"{backend.url}/api/workflows/nope", timeout=5).status_code == 404


def test_unknown_workflows_are_created_on_sight_unless_strict(backend: Backend) -> None:
    assert requests.patch(
        f"{backend.url}/workflows/w/tasks/3",
        json={"status": "Completed"},
        headers=HEADERS,
        timeout=5,
    ).ok
    assert backend.workflow("w")["implicit"] is True
    with Backend(token=TOKEN, strict=True) as strict:
        reply = requests.patch(
            f"{strict.url}/workflows/w", json={"status": "Completed"}, headers=HEADERS, timeout=5
        )
        assert reply.status_code == 404
        assert strict.events == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/workflows", b"{not json", 400),
        ("POST", "/workflows", b"[1]", 400),
        ("POST", "/workflows", b"{}", 400),
        ("PATCH", "/workflows/w", b'{"status": 3}', 400),
        ("POST", "/workflows/w/tasks", b"{}", 400),
        ("PATCH", "/elsewhere", b"{}", 404),
    ],
)
def test_bad_requests_are_refused(
    backend: Backend, method: str, path: str, body: bytes, status: int
) -> None:
    reply = requests.request(method, backend.url + path, data=body, headers=HEADERS, timeout=5)
    assert reply.status_code == status
    assert "error" in reply.json()
    assert backend.events == []


def test_a_repeated_idempotency_key_is_applied_once(backend: Backend) -> None:
    headers = {**HEADERS, "Idempotency-Key": "k1"}
    for _ in range(3):
        reply = requests.patch(
            f"{backend.url}/workflows/w", json={"status": "In progress"}, headers=headers, timeout=5
        )
        assert reply.status_code == 200
    assert len(backend.events) == 1
    assert len(backend.requests) == 3


def test_faults(backend: Backend) -> None:
    url = f"{backend.url}/workflows/w"
    backend.faults.fail_next(2, status=503)
    assert [
        requests.patch(url, json={"status": "x"}, headers=HEADERS, timeout=5).status_code
        for _ in range(3)
    ] == [503, 503, 200]
    backend.faults.drop_next(1)
    with pytest.raises(requests.ConnectionError):
        requests.patch(url, json={"status": "x"}, headers=HEADERS, timeout=5)
    backend.faults.delay_next(1.0, count=1)
    with pytest.raises(requests.Timeout):
        requests.patch(url, json={"status": "y"}, headers=HEADERS, timeout=0.2)
    assert requests.patch(url, json={"status": "z"}, headers=HEADERS, timeout=5).ok
    assert backend.wait_for(lambda b: len(b.events) == 3, timeout=10)
    # The slow request is applied when its delay is over, whatever the client did meanwhile.
    assert sorted(e["body"]["status"] for e in backend.events) == ["x", "y", "z"]


def test_constructor_faults() -> None:
    with Backend(token=TOKEN, fail=1, fail_status=429) as server:
        url = f"{server.url}/workflows/w"
        codes = [
            requests.patch(url, json={"status": "x"}, headers=HEADERS, timeout=5).status_code
            for _ in range(2)
        ]
        assert codes == [429, 200]


def test_the_command_serves_until_terminated(tmp_path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dotflow.dashboard",
            "--db",
            "memory",
            "--port",
            "0",
            "--runner-token",
            TOKEN,
            "--public-read",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
        cwd=tmp_path,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("dotflow dashboard listening on http://127.0.0.1:"), line
        url = line.split()[4]
        reply = requests.post(f"{url}/workflows", json={"id": "w"}, headers=HEADERS, timeout=5)
        assert reply.status_code == 201
        assert requests.get(f"{url}/api/workflows/w", timeout=5).json()["id"] == "w"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert TOKEN not in out + err


def test_the_command_help(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dotflow.dashboard", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
        cwd=tmp_path,
    )
    assert done.returncode == 0 and "--runner-token" in done.stdout

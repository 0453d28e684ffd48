"""Faults: the backend down, failing, slow or dropping connections.

A runner's Python entry point (driver.py) with small ServerAPI settings runs three tasks. In every
case the workflow completes with the right statuses, what the backend received is in order, and
the process exits within the flush bound.
"""

from __future__ import annotations

from pathlib import Path

from server_helpers import (  # type: ignore[import-not-found]
    TOKEN,
    clean_env,
    expected_run,
    is_subsequence,
    run_driver,
    summary,
)

from dotflow.dashboard import Backend

WID = "fault-run"
STEPS = ["server_steps.hello", "server_steps.double", "server_steps.hello"]
FLUSH = 3.0
OPTIONS = {
    "timeout": 0.3,
    "flush_timeout": FLUSH,
    "max_attempts": 4,
    "backoff_base": 0.05,
    "backoff_max": 0.2,
}
# Interpreter start-up and a busy machine, on top of the flush bound.
SLACK = 10 + 10


def env_for(url: str) -> dict[str, str]:
    return clean_env(SERVER_BASE_URL=url, SERVER_USER_TOKEN=TOKEN, WORKFLOW_ID=WID)


def completed(result: dict) -> None:
    assert result["workflow_id"] == WID
    assert result["status"] == "Completed"
    assert result["tasks"] == ["Completed"] * len(STEPS)


def test_backend_down(dead_url: str, tmp_path: Path) -> None:
    ran, result = run_driver(STEPS, env_for(dead_url), tmp_path, options=OPTIONS)
    assert ran.returncode == 0, ran.output
    completed(result)
    assert ran.elapsed < FLUSH + SLACK
    assert "connection failed" in ran.stderr
    assert TOKEN not in ran.output


def test_backend_failing_then_recovering(tmp_path: Path) -> None:
    with Backend(token=TOKEN, fail=3, fail_status=500) as backend:
        ran, result = run_driver(STEPS, env_for(backend.url), tmp_path, options=OPTIONS)
        assert ran.returncode == 0, ran.output
        completed(result)
        assert summary(backend.events) == expected_run(WID, [1, 2, 3], created=False)
        assert len(backend.requests) == len(backend.events) + 3


def test_backend_dropping_connections(tmp_path: Path) -> None:
    with Backend(token=TOKEN, drop=3) as backend:
        ran, result = run_driver(STEPS, env_for(backend.url), tmp_path, options=OPTIONS)
        assert ran.returncode == 0, ran.output
        completed(result)
        assert summary(backend.events) == expected_run(WID, [1, 2, 3], created=False)


def test_backend_slower_than_the_timeout_for_a_while(tmp_path: Path) -> None:
    # The first two requests time out (and are still applied later by the backend); the retries
    # carry the same idempotency key, so each event counts once, in order.
    with Backend(token=TOKEN, delay=1.0, delay_count=2) as backend:
        ran, result = run_driver(STEPS, env_for(backend.url), tmp_path, options=OPTIONS)
        assert ran.returncode == 0, ran.output
        completed(result)
        assert backend.wait_for(lambda b: len(b.requests) >= len(b.events) + 2, timeout=10)
        assert summary(backend.events) == expected_run(WID, [1, 2, 3], created=False)


def test_backend_always_slower_than_the_timeout(tmp_path: Path) -> None:
    with Backend(token=TOKEN, delay=1.5) as backend:
        ran, result = run_driver(STEPS, env_for(backend.url), tmp_path, options=OPTIONS)
        assert ran.returncode == 0, ran.output
        completed(result)
        assert ran.elapsed < FLUSH + SLACK
        assert "not delivered" in ran.stderr
        # Whatever got through (late) is in order and never twice.
        assert backend.wait_for(lambda b: len(b.events) >= 1, timeout=10)
        events = summary(backend.events)
        assert len(events) == len(set(events))
        assert is_subsequence(events, expected_run(WID, [1, 2, 3], created=False))


def test_backend_answering_429_with_retry_after(tmp_path: Path) -> None:
    with Backend(token=TOKEN, fail=2, fail_status=429) as backend:
        ran, result = run_driver(STEPS, env_for(backend.url), tmp_path, options=OPTIONS)
        assert ran.returncode == 0, ran.output
        completed(result)
        assert summary(backend.events) == expected_run(WID, [1, 2, 3], created=False)


def test_a_failing_task_with_a_failing_backend(tmp_path: Path) -> None:
    with Backend(token=TOKEN, fail=2) as backend:
        ran, result = run_driver(
            ["server_steps.hello", "server_steps.boom"],
            env_for(backend.url),
            tmp_path,
            options=OPTIONS,
        )
        assert ran.returncode == 1, ran.output
        assert result["tasks"] == ["Completed", "Failed"]
        events = summary(backend.events)
        assert events[-2:] == [
            ("PATCH", f"/workflows/{WID}/tasks/2", "Failed"),
            ("PATCH", f"/workflows/{WID}", "Failed"),
        ]


def test_parallel_and_background_through_the_driver(tmp_path: Path) -> None:
    for mode in ("parallel", "background"):
        with Backend(token=TOKEN, fail=1) as backend:
            ran, result = run_driver(
                STEPS, env_for(backend.url), tmp_path, mode=mode, options=OPTIONS
            )
            assert ran.returncode == 0, ran.output
            completed(result)
            events = summary(backend.events)
            assert (
                len(events) == len(set(events)) == len(expected_run(WID, [1, 2, 3], created=False))
            )
            assert events[-1] == ("PATCH", f"/workflows/{WID}", "Completed")

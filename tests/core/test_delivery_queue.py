"""dotflow.spi.delivery.DeliveryQueue on its own: order, bounds, retry rules, flush, exit, fork."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow.spi.delivery import Attempt, AttemptResult, DeliveryQueue, RetryPolicy

FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)


class Scripted(DeliveryQueue[str]):
    """Answers each attempt from a script per item (default: delivered)."""

    def __init__(self, policy: RetryPolicy = FAST, **kwargs: Any) -> None:
        self.script: dict[str, list[Attempt]] = {}
        self.tries: list[str] = []
        self.delays: list[float] = []
        self.given_up: list[tuple[str, int, bool]] = []
        self.dropped: list[tuple[str, str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()
        super().__init__(policy, **kwargs)

    def try_once(self, item: str) -> AttemptResult:
        self.started.set()
        self.gate.wait(10)
        self.tries.append(item)
        answers = self.script.get(item)
        return answers.pop(0) if answers else Attempt(True)

    def is_evictable(self, item: str) -> bool:
        return item.startswith("~")

    def on_retry(self, item: str, attempt: int, result: AttemptResult, delay: float) -> None:
        self.delays.append(delay)

    def on_give_up(self, item: str, result: AttemptResult, attempts: int, first: bool) -> None:
        self.given_up.append((item, attempts, first))

    def on_dropped(self, item: str, reason: str) -> None:
        self.dropped.append((item, reason))


@given(st.lists(st.text(min_size=1, max_size=5), max_size=30))
def test_items_are_delivered_in_order(items: list[str]) -> None:
    queue = Scripted()
    for item in items:
        assert queue.put(item)
    assert queue.flush(10)
    assert queue.tries == items
    stats = queue.stats()
    assert (stats.enqueued, stats.sent, stats.failed, stats.pending) == (
        len(items),
        len(items),
        0,
        0,
    )
    queue.close(10)


def test_transient_failures_are_retried_then_given_up() -> None:
    queue = Scripted()
    busy = Attempt(False, True, "HTTP 503: busy")
    queue.script = {
        "a": [busy, busy],
        "b": [busy, busy, busy],
        "c": [Attempt(False, False, "HTTP 400: bad")],
    }
    for item in "abc":
        queue.put(item)
    assert queue.flush(10)
    assert queue.tries == ["a", "a", "a", "b", "b", "b", "c"]
    assert queue.given_up == [("b", 3, True), ("c", 1, True)]
    stats = queue.stats()
    assert (stats.sent, stats.failed) == (1, 2)
    assert stats.causes == (("HTTP 503", 1), ("HTTP 400", 1))


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(
        max_attempts=3, backoff_base=0.001, backoff_max=0.002, retry_after_max=0.05
    )
    queue = Scripted(policy)
    queue.script = {"a": [Attempt(False, True, "429", 0.01), Attempt(False, True, "429", 99.0)]}
    queue.put("a")
    assert queue.flush(10)
    assert queue.delays == [0.01, 0.05]
    assert queue.tries == ["a", "a", "a"]


@given(st.integers(1, 12), st.floats(0.001, 2.0), st.floats(0.001, 10.0))
def test_backoff_is_capped_with_equal_jitter(attempt: int, base: float, cap: float) -> None:
    step = min(cap, base * 2.0 ** (attempt - 1))
    jittered = RetryPolicy(backoff_base=base, backoff_max=cap).delay(attempt)
    assert step / 2 <= jittered <= step
    assert RetryPolicy(backoff_base=base, backoff_max=cap, jitter=False).delay(attempt) == step


def test_a_down_counterpart_gets_one_attempt_per_item_until_one_gets_through() -> None:
    queue = Scripted()
    down = Attempt(False, True, "connection failed")
    queue.script = {"a": [down] * 3, "b": [down], "c": [Attempt(True)], "d": [down, Attempt(True)]}
    for item in "abcd":
        queue.put(item)
    assert queue.flush(10)
    assert queue.tries == ["a", "a", "a", "b", "c", "d", "d"]
    assert queue.given_up == [("a", 3, True), ("b", 1, False)]
    # without probing, every item gets every attempt
    patient = Scripted(RetryPolicy(3, 0.001, 0.002, probe_when_down=False))
    patient.script = {"a": [down] * 3, "b": [down] * 3}
    patient.put("a")
    patient.put("b")
    assert patient.flush(10)
    assert patient.tries == ["a"] * 3 + ["b"] * 3


def test_a_full_queue_evicts_the_oldest_evictable_then_drops() -> None:
    queue = Scripted(max_queue=2, put_timeout=0.0)
    queue.gate.clear()
    queue.put("busy")
    assert queue.started.wait(10)  # "busy" is being delivered: the queue itself is empty
    assert queue.put("~progress") and queue.put("created")
    assert queue.put("done")  # evicts ~progress
    assert not queue.put("late")  # nothing evictable: dropped
    assert queue.dropped == [("~progress", "evicted"), ("late", "full")]
    queue.gate.set()
    assert queue.flush(10)
    assert queue.tries == ["busy", "created", "done"]
    assert queue.stats().dropped == 2 and queue.stats().causes == (("queue full", 2),)


def test_flush_times_out_and_close_stops_the_thread() -> None:
    queue = Scripted()
    queue.gate.clear()
    queue.put("stuck")
    assert queue.flush(0.05) is False
    assert queue.needs_exit_flush() is False  # that flush gave up on it already
    queue.gate.set()
    assert queue.close(10)
    assert queue._thread is not None and not queue._thread.is_alive()
    assert not queue.put("after") and queue.dropped == [("after", "closed")]


def test_an_exception_in_try_once_fails_the_item_not_the_thread() -> None:
    class Broken(Scripted):
        def try_once(self, item: str) -> AttemptResult:
            if item == "bad":
                msg = "a bug"
                raise RuntimeError(msg)
            return super().try_once(item)

    queue = Broken()
    for item in ("bad", "good"):
        queue.put(item)
    assert queue.flush(10)
    assert queue.tries == ["good"] and queue.given_up == [("bad", 1, True)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_empty_and_delivers_its_own_items() -> None:
    queue = Scripted()
    queue.gate.clear()
    queue.put("parent")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's item is not its to deliver
        try:
            empty = queue.pending == 0 and queue.stats().enqueued == 0
            queue.gate.set()
            queue.put("child")
            delivered = queue.flush(10) and queue.tries == ["child"]
            os.write(write, b"ok" if empty and delivered else b"bad")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 10)
    os.waitpid(pid, 0)
    assert answer == b"ok"
    queue.gate.set()
    assert queue.flush(10) and queue.tries == ["parent"]


def test_pending_items_are_delivered_at_interpreter_exit(tmp_path: Any) -> None:
    out = tmp_path / "delivered.txt"
    script = f"""
import time
from dotflow.spi.delivery import Attempt, DeliveryQueue, RetryPolicy

class Slow(DeliveryQueue[str]):
    def try_once(self, item):
        time.sleep(0.05)
        with open({str(out)!r}, "a") as f:
            f.write(item + "\\n")
        return Attempt(True)

queue = Slow(RetryPolicy(), exit_flush_timeout=30)
for i in range(5):
    queue.put(str(i))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().split() == ["0", "1", "2", "3", "4"]

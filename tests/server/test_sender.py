"""The sender on its own: overflow policy, ordering and retry bounds (with a scripted deliverer)."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from dotflow.server.events import Event, make_event
from dotflow.server.sender import RetryPolicy, Sender
from dotflow.server.transport import Reply

OK = Reply(True, False, "HTTP 200")
RETRY = Reply(False, True, "HTTP 503")
REJECT = Reply(False, False, "HTTP 400")


def event(label: str, evictable: bool = False) -> Event:
    return make_event("PATCH", f"/x/{label}", {"label": label}, evictable=evictable, label=label)


class Gated:
    """Delivers everything, but only once the gate is open."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.busy = threading.Event()
        self.seen: list[str] = []

    def __call__(self, item: Event) -> Reply:
        self.busy.set()
        self.gate.wait(10)
        self.seen.append(item.label)
        return OK


def test_full_queue_evicts_the_oldest_evictable_then_drops_new_events() -> None:
    deliver = Gated()
    sender = Sender(deliver, RetryPolicy(), max_queue=3, put_timeout=0.05)
    sender.put(event("busy"))
    assert deliver.busy.wait(10)
    sender.put(event("a-progress", evictable=True))
    sender.put(event("b-created"))
    sender.put(event("c-progress", evictable=True))
    sender.put(event("d-completed"))  # full: a-progress goes
    sender.put(event("e-completed"))  # full: c-progress goes
    sender.put(event("f-completed"))  # full of events to keep: f waits 0.05 s, then is dropped
    assert sender.stats().dropped == 3
    deliver.gate.set()
    assert sender.flush(10)
    assert deliver.seen == ["busy", "b-created", "d-completed", "e-completed"]
    stats = sender.stats()
    assert (stats.enqueued, stats.sent, stats.dropped, stats.pending) == (6, 4, 3, 0)


def test_full_queue_waits_for_room_within_put_timeout() -> None:
    deliver = Gated()
    sender = Sender(deliver, RetryPolicy(), max_queue=1, put_timeout=30)
    sender.put(event("busy"))
    assert deliver.busy.wait(10)
    sender.put(event("kept"))
    threading.Timer(0.1, deliver.gate.set).start()
    sender.put(event("waited"))  # blocks until the sender takes "kept"
    assert sender.flush(10)
    assert deliver.seen == ["busy", "kept", "waited"]
    assert sender.stats().dropped == 0


def test_flush_of_an_idle_sender_returns_at_once() -> None:
    sender = Sender(lambda item: OK, RetryPolicy())
    assert sender.flush(0)
    assert sender.stats().pending == 0


def test_an_exception_in_delivery_does_not_kill_the_thread() -> None:
    calls: list[str] = []

    def deliver(item: Event) -> Reply:
        calls.append(item.label)
        if item.label == "bad":
            raise RuntimeError("bug")
        return OK

    sender = Sender(deliver, RetryPolicy())
    sender.put(event("bad"))
    sender.put(event("good"))
    assert sender.flush(10)
    assert calls == ["bad", "good"]
    assert (sender.stats().sent, sender.stats().failed) == (1, 1)


@given(
    attempt=st.integers(1, 30),
    base=st.floats(0.001, 5),
    cap=st.floats(0.001, 60),
    retry_after=st.none() | st.floats(0, 1e6),
)
def test_backoff_is_capped_and_jittered(
    attempt: int, base: float, cap: float, retry_after: float | None
) -> None:
    policy = RetryPolicy(max_attempts=5, backoff_base=base, backoff_max=cap)
    delay = policy.delay(attempt, retry_after)
    assert 0 <= delay <= cap
    if retry_after is None:
        step = min(cap, base * 2 ** (attempt - 1))
        assert step / 2 <= delay <= step


@given(
    count=st.integers(1, 12),
    script=st.lists(st.sampled_from(["ok", "retry", "reject"]), max_size=40),
    max_attempts=st.integers(1, 4),
)
def test_events_are_delivered_in_order_at_most_once(
    count: int, script: list[str], max_attempts: int
) -> None:
    replies = iter(script)
    delivered: list[str] = []

    def deliver(item: Event) -> Reply:
        reply = {"ok": OK, "retry": RETRY, "reject": REJECT}[next(replies, "ok")]
        if reply.delivered:
            delivered.append(item.label)
        return reply

    sender = Sender(deliver, RetryPolicy(max_attempts, 1e-4, 1e-3))
    labels = [f"e{i}" for i in range(count)]
    for label in labels:
        sender.put(event(label, evictable=bool(int(label[1:]) % 2)))
    assert sender.flush(30)
    assert delivered == [label for label in labels if label in delivered]
    stats = sender.stats()
    assert stats.sent == len(delivered) and stats.sent + stats.failed == count
    if "retry" not in script and "reject" not in script:
        assert delivered == labels

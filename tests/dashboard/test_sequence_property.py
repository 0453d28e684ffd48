"""Whatever order sequenced events arrive in, each resource ends as its newest event left it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dotflow.dashboard import Store, Write

STATUSES = ("Not started", "In progress", "Retry", "Completed", "Failed")

events = st.lists(
    st.tuples(st.sampled_from(["1", "2", None]), st.sampled_from(STATUSES)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(events=events, order=st.randoms(use_true_random=False))
def test_the_newest_event_wins_in_any_arrival_order(events, order) -> None:  # type: ignore[no-untyped-def]
    sent = [(target, status, 1000 + n) for n, (target, status) in enumerate(events)]
    arrival = list(sent)
    order.shuffle(arrival)
    store = Store("memory")
    try:
        for target, status, sequence in arrival:
            parts = ("workflows", "w") if target is None else ("workflows", "w", "tasks", target)
            reply = store.apply(Write("PATCH", parts, {"status": status}, sequence=sequence))
            assert reply[0] == 200
        shown = store.workflow("w")
        assert shown is not None
        for target in ("1", "2", None):
            mine = [(seq, status) for t, status, seq in arrival if t == target]
            if not mine:
                continue
            # Applied: each event newer than every one that arrived before it; others ignored.
            applied, newest = [], -1
            for seq, status in mine:
                if seq > newest:
                    applied.append(status)
                    newest = seq
            final = max(mine)[1]
            if target is None:
                assert (shown["status"], shown["history"]) == (final, applied)
            else:
                task = next(t for t in shown["tasks"] if t["id"] == target)
                assert (task["status"], task["history"]) == (final, applied)
    finally:
        store.close()

from __future__ import annotations

import gc
import threading

from dotflow import DotFlow, action
from dotflow.core.heap import frozen_heap


def test_the_heap_is_frozen_during_a_run_and_released_after() -> None:
    seen = []

    @action
    def look():
        seen.append(gc.get_freeze_count())

    workflow = DotFlow()
    workflow.task.add(step=look)
    assert gc.get_freeze_count() == 0
    workflow.start()
    assert seen[0] > 0
    assert gc.get_freeze_count() == 0


def test_nested_and_concurrent_runs_unfreeze_once_at_the_end() -> None:
    release = threading.Event()
    inner_counts = []

    @action
    def inner():
        inner_counts.append(gc.get_freeze_count())

    @action
    def outer():
        nested = DotFlow()
        nested.task.add(step=inner)
        nested.start()
        inner_counts.append(gc.get_freeze_count())  # still frozen: the outer run is active
        assert release.wait(10)

    workflow = DotFlow()
    workflow.task.add(step=outer)
    run = workflow.start(mode="background")
    release.set()
    run.wait(30)
    assert all(count > 0 for count in inner_counts)
    assert gc.get_freeze_count() == 0


def test_a_heap_the_program_froze_is_left_alone() -> None:
    # Exact freeze counts are not stable (a frozen object may be freed by reference counting at
    # any time), so the test looks for the two effects a wrong implementation would have: freezing
    # again (the many objects made below would join the permanent generation) or unfreezing.
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        made_after_freeze = [[index] for index in range(10_000)]
        with frozen_heap():
            assert gc.get_freeze_count() < before + len(made_after_freeze)
        assert gc.get_freeze_count() > before // 2
        assert len(made_after_freeze) == 10_000
    finally:
        gc.unfreeze()


def test_cycles_created_during_a_run_are_still_collected() -> None:
    import weakref

    class Node:
        pass

    refs = []

    @action
    def make_cycle():
        node = Node()
        node.me = node
        refs.append(weakref.ref(node))

    workflow = DotFlow()
    workflow.task.add(step=make_cycle)
    workflow.start()
    gc.collect()
    assert refs[0]() is None

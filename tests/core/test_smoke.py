from __future__ import annotations

from dotflow import DotFlow, TypeStatus, action


@action
def one() -> int:
    return 1


@action
def plus_one(previous_context) -> int:
    return previous_context.storage + 1


def test_chain_runs_in_order() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[one, plus_one, plus_one])
    workflow.start()
    assert workflow.result_storage() == [1, 2, 3]
    assert [t.status for t in workflow.result_task()] == [TypeStatus.COMPLETED] * 3

"""A workflow in every mode sends each status change once, from the process that started it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from fake_bot_api import FakeBotApi, plain_text

from dotflow import Config, DotFlow, TypeStatus, WorkflowStatus, action
from dotflow.telegram import NotifyTelegram

pytestmark = pytest.mark.timeout(60)


@action
def fetch_users() -> list[str]:
    return ["ana", "bo"]


@action
def count_users(previous_context: object) -> int:
    return len(previous_context.storage or [])  # type: ignore[attr-defined]  # parallel: None


@action
def fetch_orders() -> list[int]:
    return [1, 2, 3]


@action
def fails() -> None:
    raise RuntimeError("no orders today")


def _events(bot_api: FakeBotApi) -> Counter[tuple[int, str]]:
    """(task id, status) of every delivered message; a Counter keeps the delivery order."""
    events: Counter[tuple[int, str]] = Counter()
    for text in bot_api.texts():
        lines = plain_text(text).splitlines()
        status = lines[0].split(":")[0].split(" ", 1)[1]
        events[(int(lines[2].split()[1]), status)] += 1
    return events


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "parallel", "background"])
def test_each_status_change_is_sent_once(
    mode: str, bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]
) -> None:
    notify = make_notify(notification_type=[TypeStatus.IN_PROGRESS, TypeStatus.COMPLETED,
                                            TypeStatus.FAILED])  # fmt: skip
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=fetch_users, group_name="users")
    workflow.task.add(step=count_users, group_name="users")
    workflow.task.add(step=fetch_orders, group_name="orders")
    workflow.task.add(step=fails, group_name="orders")

    run = workflow.start(mode=mode, keep_going=True)
    assert run.wait(timeout=30)

    assert run.status is WorkflowStatus.FAILED
    # start() (background: the run) flushes before it ends: everything is already there.
    assert notify.pending == 0
    assert _events(bot_api) == Counter(
        {
            (1, "In progress"): 1, (1, "Completed"): 1,
            (2, "In progress"): 1, (2, "Completed"): 1,
            (3, "In progress"): 1, (3, "Completed"): 1,
            (4, "In progress"): 1, (4, "Failed"): 1,
        }
    )  # fmt: skip
    order = list(_events(bot_api))
    for task_id, end in ((1, "Completed"), (2, "Completed"), (3, "Completed"), (4, "Failed")):
        assert order.index((task_id, "In progress")) < order.index((task_id, end))

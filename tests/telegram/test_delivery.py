"""Delivery: order, retries, failures that never fail a workflow, threads, event loops, forks."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

import pytest
from fake_bot_api import TEST_TOKEN, FakeBotApi, plain_text

from dotflow import Config, DotFlow, Task, TypeStatus, WorkflowStatus, action
from dotflow.telegram import NotifyTelegram

pytestmark = pytest.mark.timeout(60)

Make = Callable[..., NotifyTelegram]


@action
def step() -> str:
    return "ok"


def _task(number: int, status: TypeStatus = TypeStatus.COMPLETED) -> Task:
    return Task(task_id=number, workflow_id="order-test", step=step, status=status)


def _task_ids(bot_api: FakeBotApi) -> list[int]:
    return [int(plain_text(text).splitlines()[2].split()[1]) for text in bot_api.texts()]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_many_quick_sends_arrive_in_order(bot_api: FakeBotApi, make_notify: Make) -> None:
    notify = make_notify()
    started = time.perf_counter()
    for number in range(1, 151):
        notify.send(_task(number))
    queued_in = time.perf_counter() - started

    assert notify.flush(timeout=30)
    assert _task_ids(bot_api) == list(range(1, 151))
    assert queued_in < 5  # send() only queues: 150 of them never wait for the network


def test_sends_from_many_threads_keep_each_threads_order(
    bot_api: FakeBotApi, make_notify: Make
) -> None:
    notify = make_notify()

    def sender(base: int) -> None:
        for number in range(base, base + 30):
            notify.send(_task(number))

    threads = [threading.Thread(target=sender, args=(base,)) for base in (100, 200, 300, 400)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert notify.flush(timeout=30)

    ids = _task_ids(bot_api)
    assert sorted(ids) == [b + i for b in (100, 200, 300, 400) for i in range(30)]
    for base in (100, 200, 300, 400):
        assert [i for i in ids if base <= i < base + 100] == list(range(base, base + 30))


# python-telegram-bot's own RetryAfter constructor warns about its int -> timedelta migration.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_429_waits_retry_after_then_delivers_once_in_order(
    bot_api: FakeBotApi, make_notify: Make
) -> None:
    bot_api.fail_next(429, retry_after=1)
    notify = make_notify()
    notify.send(_task(1))
    notify.send(_task(2))

    assert notify.flush(timeout=30)

    assert _task_ids(bot_api) == [1, 2]
    sends = [c for c in bot_api.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [429, 200, 200]
    assert sends[1].at - sends[0].at >= 0.9  # retry_after was honoured


def test_5xx_is_retried_and_a_400_is_dropped(
    bot_api: FakeBotApi, make_notify: Make, caplog: pytest.LogCaptureFixture
) -> None:
    bot_api.fail_next(500)
    bot_api.fail_next(502)  # an HTML error page, as a proxy in front of the API would send
    notify = make_notify()
    with caplog.at_level(logging.WARNING, logger="dotflow.telegram"):
        notify.send(_task(1))  # 500, 502, then delivered
        assert notify.flush(timeout=30)
        bot_api.fail_next(400)
        notify.send(_task(2))  # 400: not retried
        notify.send(_task(3))
        assert notify.flush(timeout=30)

    assert _task_ids(bot_api) == [1, 3]
    statuses = [c.status for c in bot_api.calls if c.method == "sendMessage"]
    assert statuses == [500, 502, 200, 400, 200]
    assert "Internal Server Error; retrying" in caplog.text
    assert "rejected: BadRequest: Chat not found" in caplog.text


def test_delivery_failures_never_fail_the_workflow(
    bot_api: FakeBotApi, make_notify: Make, caplog: pytest.LogCaptureFixture
) -> None:
    bot_api.fail_next(503, times=10)
    notify = make_notify(retries=1, notification_type=TypeStatus.COMPLETED)
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=step)

    with caplog.at_level(logging.WARNING, logger="dotflow.telegram"):
        run = workflow.start()

    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == ["ok"]
    assert bot_api.sent() == []
    assert "not delivered after 2 attempts" in caplog.text


def test_an_unreachable_server_is_logged_and_the_run_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notify = NotifyTelegram(TEST_TOKEN, 1, base_url=f"http://127.0.0.1:{_closed_port()}",
                            retries=1, timeout=2)  # fmt: skip
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=step)
    try:
        with caplog.at_level(logging.DEBUG):
            run = workflow.start()
            assert notify.flush(timeout=30)
    finally:
        notify.close(timeout=5)

    assert run.status is WorkflowStatus.COMPLETED
    assert "ConnectError" in caplog.text and "not delivered after 2 attempts" in caplog.text
    assert TEST_TOKEN not in caplog.text


def test_a_slow_answer_times_out_and_is_retried(
    bot_api: FakeBotApi, make_notify: Make, caplog: pytest.LogCaptureFixture
) -> None:
    bot_api.fail_next(200, delay=2.0)  # answers, but only after the client gave up
    notify = make_notify(timeout=0.5)
    with caplog.at_level(logging.WARNING, logger="dotflow.telegram"):
        notify.send(_task(7))
        assert notify.flush(timeout=30)

    assert "TimedOut" in caplog.text and "retrying" in caplog.text
    # at least once: the late answer counts as delivered on the server side too
    assert 7 in _task_ids(bot_api)
    assert len(bot_api.wait_for(2, timeout=5)) == 2


def test_the_token_never_reaches_logs_or_errors(
    bot_api: FakeBotApi, make_notify: Make, caplog: pytest.LogCaptureFixture
) -> None:
    bot_api.rejected_tokens.add(TEST_TOKEN)
    notify = make_notify(retries=0)
    with caplog.at_level(logging.DEBUG):
        notify.send(_task(1))
        assert notify.flush(timeout=30)
        bot_api.rejected_tokens.clear()
        notify.send(_task(2))
        assert notify.flush(timeout=30)

    assert _task_ids(bot_api) == [2]
    assert "InvalidToken" in caplog.text  # the rejection was logged ...
    assert "<token>" in caplog.text  # ... and library records naming the URL were redacted
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN not in repr(notify)


def test_flush_is_bounded(bot_api: FakeBotApi, make_notify: Make) -> None:
    bot_api.fail_next(200, delay=1.5)
    notify = make_notify()
    notify.send(_task(1))

    assert notify.flush(timeout=0.2) is False
    assert notify.pending == 1
    assert notify.flush(timeout=30) is True
    assert notify.pending == 0


def test_close_stops_the_thread_and_later_sends_are_dropped(
    bot_api: FakeBotApi, make_notify: Make, caplog: pytest.LogCaptureFixture
) -> None:
    notify = make_notify()
    notify.send(_task(1))
    notify.close(timeout=30)

    with caplog.at_level(logging.WARNING, logger="dotflow.telegram"):
        notify.send(_task(2))
    assert notify.flush(timeout=1)
    assert _task_ids(bot_api) == [1]
    assert "the notifier is closed" in caplog.text
    thread = notify._courier._thread
    assert thread is not None and not thread.is_alive()


def test_works_from_inside_a_running_event_loop(bot_api: FakeBotApi, make_notify: Make) -> None:
    notify = make_notify(notification_type=TypeStatus.COMPLETED)

    @action
    async def fetch() -> str:
        await asyncio.sleep(0)
        return "fetched"

    async def main() -> WorkflowStatus:
        notify.send(_task(1))  # straight from a coroutine
        workflow = DotFlow(config=Config(notify=notify))
        workflow.task.add(step=fetch)
        run = workflow.start()  # a synchronous start() inside a running loop
        await asyncio.sleep(0)
        return run.status

    assert asyncio.run(main()) is WorkflowStatus.COMPLETED
    assert notify.flush(timeout=30)
    texts = [plain_text(t) for t in bot_api.texts()]
    assert len(texts) == 2
    assert texts[0].startswith("✔ Completed: step") and texts[1].startswith("✔ Completed: ")
    assert "fetch" in texts[1].splitlines()[0]


def test_a_forked_child_gets_its_own_delivery_thread(
    bot_api: FakeBotApi, make_notify: Make
) -> None:
    notify = make_notify()
    notify.send(_task(1))  # the parent's thread and loop exist before the fork
    assert notify.flush(timeout=30)

    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            notify.send(_task(2))
            code = 0 if notify.flush(timeout=20) else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    notify.send(_task(3))
    assert notify.flush(timeout=30)

    assert os.waitstatus_to_exitcode(status) == 0
    assert _task_ids(bot_api) == [1, 2, 3]

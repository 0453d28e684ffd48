"""NotifyTelegram: registration, arguments, filtering and the message it writes."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from fake_bot_api import TEST_CHAT_ID, TEST_TOKEN, FakeBotApi, html_error, plain_text
from hypothesis import given
from hypothesis import strategies as st

from dotflow import Config, Context, DotFlow, Task, TaskError, TypeStatus, action
from dotflow.core import registry
from dotflow.telegram import NotifyTelegram, build_message
from dotflow.telegram.message import RESULT_LIMIT, TEXT_LIMIT, clip

pytestmark = pytest.mark.timeout(60)


@action
def extract() -> dict[str, int]:
    return {"users": 150}


@action
def broken() -> None:
    raise ValueError("the API said <no> & went away")


def _task(status: TypeStatus, **fields: Any) -> Task:
    return Task(task_id=fields.pop("task_id", 3), workflow_id="wf-1", step=extract, status=status,
                **fields)  # fmt: skip


# -- registration and arguments ---------------------------------------------------------------


def test_registered_as_the_telegram_notifier() -> None:
    import dotflow.providers
    import dotflow.telegram

    assert registry.load("notify", "telegram") is NotifyTelegram
    assert dotflow.providers.NotifyTelegram is NotifyTelegram
    assert "NotifyTelegram" in dotflow.telegram.__all__


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"token": ""}, ValueError, "token=...\\): expected the bot token"),
        ({"token": "   "}, ValueError, "expected the bot token"),
        ({"chat_id": None}, ValueError, "chat_id=...\\): expected a chat id"),
        ({"chat_id": True}, ValueError, "got True"),
        ({"notification_type": "exploded"}, ValueError, "unknown status 'exploded'; use "),
        ({"notification_type": []}, ValueError, "empty collection would send nothing"),
        ({"notification_type": 3}, TypeError, "expected a TypeStatus"),
        ({"base_url": "127.0.0.1:8081"}, ValueError, "base_url=...\\): expected"),
        ({"timeout": 0}, ValueError, "timeout=...\\): expected seconds > 0"),
        ({"retries": -1}, ValueError, "retries=...\\): expected an int >= 0"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], error: type, message: str) -> None:
    options: dict[str, Any] = {"token": TEST_TOKEN, "chat_id": TEST_CHAT_ID}
    options.update(kwargs)
    with pytest.raises(error, match=message) as caught:
        NotifyTelegram(**options)
    assert TEST_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("notification_type", "wanted"),
    [
        (None, set(TypeStatus)),
        (TypeStatus.FAILED, {TypeStatus.FAILED}),
        ("failed", {TypeStatus.FAILED}),
        ("In progress", {TypeStatus.IN_PROGRESS}),
        ([TypeStatus.COMPLETED, TypeStatus.FAILED], {TypeStatus.COMPLETED, TypeStatus.FAILED}),
        ({TypeStatus.RETRY}, {TypeStatus.RETRY}),
    ],
)
def test_notification_type_forms(notification_type: Any, wanted: set[TypeStatus]) -> None:
    notify = NotifyTelegram(TEST_TOKEN, TEST_CHAT_ID, notification_type=notification_type)
    assert {status for status in TypeStatus if notify.wants(status)} == wanted


def test_repr_and_pickle_keep_the_token_out_of_sight() -> None:
    notify = NotifyTelegram(TEST_TOKEN, "@alerts", notification_type=TypeStatus.FAILED,
                            base_url="http://127.0.0.1:8081/bot/")  # fmt: skip
    assert TEST_TOKEN not in repr(notify) and TEST_TOKEN not in str(vars(notify).keys())
    assert repr(notify) == (
        "NotifyTelegram(chat_id='@alerts', notification_type=['FAILED'], "
        "base_url='http://127.0.0.1:8081')"
    )
    data = pickle.dumps(notify)
    assert TEST_TOKEN.encode() not in data  # the token is never pickled
    for part in TEST_TOKEN.split(":"):
        assert part.encode() not in data
    copy = pickle.loads(data)
    assert repr(copy) == repr(notify) and copy is not notify


def test_an_unpickled_copy_sends_nothing_and_says_why(
    bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram], caplog
) -> None:
    copy = pickle.loads(pickle.dumps(make_notify()))
    workflow = DotFlow(config=Config(notify=copy))
    workflow.task.add(step=extract)
    workflow.start()
    assert bot_api.sent() == []
    assert caplog.text.count("unpickled copy, which has no token") == 1
    assert copy.flush() is True and copy.pending == 0


# -- filtering in a workflow ------------------------------------------------------------------


def test_only_failures_are_sent_when_asked(
    bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]
) -> None:
    notify = make_notify(notification_type=TypeStatus.FAILED)
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=extract)
    workflow.task.add(step=broken)

    workflow.start()

    (call,) = bot_api.sent()  # flushed by start() itself
    assert call.params["chat_id"] == str(TEST_CHAT_ID) and call.token == TEST_TOKEN
    assert call.params["parse_mode"] == "HTML"
    shown = plain_text(call.params["text"])
    assert shown.splitlines()[:3] == [
        "✘ Failed: broken",
        f"Workflow: {workflow.workflow_id}",
        "Task: 2",
    ]
    assert "Duration: " in shown
    assert "Error (attempt 1): ValueError: the API said <no> & went away" in shown


def test_every_status_by_default_in_order(
    bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]
) -> None:
    attempts: list[int] = []

    @action(retry=2, retry_delay=0)
    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("slow")
        return "ok"

    workflow = DotFlow(config=Config(notify=make_notify()))
    workflow.task.add(step=flaky)
    workflow.start()

    firsts = [plain_text(text).splitlines()[0] for text in bot_api.texts()]
    assert [line.split(":")[0] for line in firsts] == ["▶ In progress", "↻ Retry", "✔ Completed"]


# -- the message ------------------------------------------------------------------------------


def test_result_is_shown_only_when_asked_and_capped() -> None:
    big = {"rows": "x" * 5000}
    task = _task(TypeStatus.COMPLETED, current_context=Context(big), duration=1.25)

    assert "Result" not in build_message(task)
    shown = plain_text(build_message(task, show_result=True))
    result = shown.split("Result:\n", 1)[1]
    assert len(result) == RESULT_LIMIT and result.endswith("…")
    assert result.startswith('{"rows": "xxx')
    assert "Duration: 1.250 s" in shown


def test_result_is_not_shown_for_a_failure() -> None:
    task = _task(TypeStatus.FAILED, errors=[TaskError(2, "KeyError", "'id'")])
    shown = plain_text(build_message(task, show_result=True))
    assert "Result" not in shown
    assert shown.endswith("Error (attempt 2): KeyError: 'id'")


user_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=700
)


@given(message=user_text, result=user_text, workflow_id=st.text(min_size=1, max_size=40))
def test_user_data_is_escaped(message: str, result: str, workflow_id: str) -> None:
    failed = Task(5, workflow_id, extract, status=TypeStatus.FAILED,
                  errors=[TaskError(1, "Boom<Error>", message)])  # fmt: skip
    done = Task(5, workflow_id, extract, status=TypeStatus.COMPLETED,
                current_context=Context(result))  # fmt: skip

    for task in (failed, done):
        text = build_message(task, show_result=True)
        assert html_error(text) is None, text
    assert f"Boom<Error>: {clip(message, TEXT_LIMIT)}" in plain_text(build_message(failed))
    assert f"Workflow: {clip(workflow_id, TEXT_LIMIT)}\n" in plain_text(build_message(failed))
    assert plain_text(build_message(done, True)).endswith(f"Result:\n{clip(result, RESULT_LIMIT)}")


def test_escaped_user_data_is_accepted_by_the_bot_api(
    bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]
) -> None:
    nasty = "<b>bold?</b> & <script>x</script> *_[]()~`>#+-=|{}.! &amp;"

    @action
    def echo() -> str:
        return nasty

    notify = make_notify(notification_type=TypeStatus.COMPLETED, show_result=True)
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=echo)
    workflow.start()

    (text,) = bot_api.texts()
    assert plain_text(text).endswith(f"Result:\n{nasty}")
    assert not [c for c in bot_api.calls if c.status != 200]


# -- values that have no plain text form (issue 13, items 1 and 3) ----------------------------


def test_a_failure_about_an_undecodable_file_name_is_still_delivered(
    bot_api: FakeBotApi, make_notify: Callable[..., NotifyTelegram]
) -> None:
    @action
    def read_listing() -> None:
        # os.listdir gives this for a file name that is not UTF-8.
        raise FileNotFoundError(2, "No such file", "caf\udce9.txt")

    notify = make_notify(notification_type=TypeStatus.FAILED)
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=read_listing)
    workflow.start()

    (call,) = bot_api.sent()
    assert "caf\\udce9.txt" in plain_text(call.params["text"])


def test_a_self_referencing_result_is_shown() -> None:
    value: list[Any] = [1]
    value.append(value)
    task = _task(TypeStatus.COMPLETED, current_context=Context(value))
    assert "[1, [...]]" in build_message(task, show_result=True)

from __future__ import annotations

import pickle

import pytest
from core_steps import Pipeline, add_one, one  # type: ignore[import-not-found]

from dotflow import action
from dotflow.core.action import Action, action_methods


def test_bare_and_configured_decorator() -> None:
    @action
    def bare() -> int:
        return 1

    @action(retry=3, timeout=2, retry_delay=0.5, backoff=True)
    def configured() -> int:
        return 2

    assert isinstance(bare, Action) and bare.retry == 1 and bare.timeout == 0
    assert (configured.retry, configured.timeout, configured.retry_delay, configured.backoff) == (
        3,
        2.0,
        0.5,
        True,
    )


def test_decorated_function_stays_callable() -> None:
    assert one() == 1
    assert one.__name__ == "one"

    class Previous:
        storage = 41

    assert add_one(Previous()) == 42


@pytest.mark.parametrize("target", [one, add_one])
def test_decorated_function_pickles_by_reference(target: Action) -> None:
    assert pickle.loads(pickle.dumps(target)) is target


def test_decorated_method_pickles_and_binds() -> None:
    assert pickle.loads(pickle.dumps(Pipeline.first)) is Pipeline.first
    assert Pipeline().first() == [1]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"retry": 0}, "retry"),
        ({"retry": "3"}, "retry"),
        ({"retry": True}, "retry"),
        ({"timeout": -1}, "timeout"),
        ({"retry_delay": "1"}, "retry_delay"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        action(**kwargs)(lambda: None)


def test_injection_follows_parameter_names() -> None:
    @action
    def none():
        return None

    @action
    def some(task, previous_context):
        return None

    @action
    def everything(**kwargs):
        return None

    @action
    async def coroutine(initial_context):
        return None

    assert none.injected == ()
    assert set(some.injected) == {"task", "previous_context"}
    assert set(everything.injected) == {"previous_context", "initial_context", "task"}
    assert coroutine.is_async and coroutine.injected == ("initial_context",)


def test_class_methods_in_source_order_with_inheritance() -> None:
    class Base:
        @action
        def b_first(self):
            return None

        @action
        def b_second(self):
            return None

    class Child(Base):
        @action
        def c_third(self):
            return None

        def b_second(self):  # overridden without @action: no longer a step
            return None

    assert [name for name, _ in action_methods(Child)] == ["b_first", "c_third"]

"""The ``@action`` decorator: turns a function or method into a dotflow step."""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from typing import Any, overload

__all__ = ["MAX_WAIT", "Action", "action", "action_methods", "is_class_step", "seconds"]

#: The longest wait the platform can do in one call (``threading.TIMEOUT_MAX``, about 292 years
#: on Linux); longer timeouts and delays are clamped to it instead of failing with OverflowError.
MAX_WAIT = threading.TIMEOUT_MAX

_INJECTABLE = ("previous_context", "initial_context", "task")
_CO_VARKEYWORDS = 0x08
_CO_COROUTINE = 0x80


def _injected_names(func: Callable[..., Any]) -> tuple[tuple[str, ...], bool]:
    """The injectable parameter names ``func`` accepts, and whether it is a coroutine function."""
    code = getattr(func, "__code__", None)
    if code is not None:
        count = code.co_argcount + code.co_kwonlyargcount
        names = set(code.co_varnames[:count])
        var_kw = bool(code.co_flags & _CO_VARKEYWORDS)
        is_async = bool(code.co_flags & _CO_COROUTINE)
    else:  # a partial or a callable object: ask inspect, which is slower but general
        import inspect

        params = inspect.signature(func).parameters
        names = set(params)
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        is_async = inspect.iscoroutinefunction(func)
    wanted = tuple(n for n in _INJECTABLE if var_kw or n in names)
    return wanted, is_async


def seconds(name: str, value: Any, infinite_means: str = "") -> float:
    """``value`` checked as a number of seconds >= 0 and clamped to :data:`MAX_WAIT`.

    Args:
        name: the argument, for the message.
        value: what the user gave.
        infinite_means: what ``float("inf")`` stands for (``"no limit"``: returns 0); ``""``
            refuses it.

    Raises:
        ValueError: not a number, negative, NaN, or an infinity that means nothing here.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"@action({name}={value!r}): expected a number of seconds >= 0"
        raise ValueError(msg)
    if math.isnan(value):
        msg = f"@action({name}=nan): NaN is not a number of seconds; give a number >= 0"
        raise ValueError(msg)
    if value < 0:
        msg = f"@action({name}={value!r}): expected a number of seconds >= 0"
        raise ValueError(msg)
    if math.isinf(value):
        if not infinite_means:
            msg = f"@action({name}=inf): expected a finite number of seconds >= 0"
            raise ValueError(msg)
        return 0.0
    return min(float(value), MAX_WAIT)


class Action:
    """A step: the decorated function plus its retry, timeout and backoff settings.

    Calling it calls the function unchanged. Instances pickle by reference (module and qualified
    name), like the function they replace, so module-level steps cross process boundaries.
    """

    __slots__ = (
        "__dict__",
        "backoff",
        "func",
        "injected",
        "is_async",
        "retry",
        "retry_delay",
        "timeout",
    )
    __qualname__: str  # set from the function by functools.update_wrapper

    def __new__(cls, func: Callable[..., Any] | None = None, /, **settings: Any) -> Any:
        # dotflow 1.0.1 spelled the decorator `Action`: `@Action(retry=3)` gives the decorator
        # `action(retry=3)` returns, so `__init__` only ever sees a function.
        if func is None:
            return action(**settings)
        return super().__new__(cls)

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        retry: int = 1,
        timeout: float = 0,
        retry_delay: float = 1,
        backoff: bool = False,
    ) -> None:
        if not callable(func):
            msg = f"@action needs a function or method, got {type(func).__name__}"
            raise TypeError(msg)
        if isinstance(retry, bool) or not isinstance(retry, int) or retry < 1:
            msg = f"@action(retry={retry!r}): retry is the total number of attempts, an int >= 1"
            raise ValueError(msg)
        self.func = func
        self.retry = retry
        self.timeout = seconds("timeout", timeout, infinite_means="no limit")
        self.retry_delay = seconds("retry_delay", retry_delay)
        self.backoff = bool(backoff)
        self.injected, self.is_async = _injected_names(func)
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return functools.partial(self.func, instance)

    def __reduce__(self) -> str:
        return self.__qualname__

    def __repr__(self) -> str:
        return f"<action {self.__module__}.{self.__qualname__}>"

    @property
    def name(self) -> str:
        """The step's qualified name, as logs and results show it."""
        return self.__qualname__


@overload
def action(func: Callable[..., Any], /) -> Action: ...


@overload
def action(
    *, retry: int = 1, timeout: float = 0, retry_delay: float = 1, backoff: bool = False
) -> Callable[[Callable[..., Any]], Action]: ...


def action(
    func: Callable[..., Any] | None = None,
    /,
    *,
    retry: int = 1,
    timeout: float = 0,
    retry_delay: float = 1,
    backoff: bool = False,
) -> Action | Callable[[Callable[..., Any]], Action]:
    """Mark a function (sync or async) or a method as a dotflow step.

    Args:
        func: the function, when used as ``@action`` without arguments.
        retry: total number of attempts before the task fails.
        timeout: seconds allowed per attempt (0 or ``float("inf")`` = no limit); a timed-out
            attempt is retried. Values beyond what the platform can wait are clamped.
        retry_delay: seconds to wait between attempts.
        backoff: double the delay after every failed attempt.

    The function receives ``previous_context``, ``initial_context`` and ``task`` when it declares
    parameters of those names (or ``**kwargs``).
    """
    if func is not None:
        return Action(func)

    def decorate(f: Callable[..., Any]) -> Action:
        return Action(f, retry=retry, timeout=timeout, retry_delay=retry_delay, backoff=backoff)

    return decorate


@functools.cache
def action_methods(cls: type) -> tuple[tuple[str, Action], ...]:
    """The ``@action`` methods of ``cls`` in source order, inherited ones first."""
    found: dict[str, Action] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Action):
                found[name] = value
            elif name in found:  # overridden by a plain method: no longer a step
                del found[name]
    return tuple(found.items())


def is_class_step(obj: Any) -> bool:
    """Whether ``obj`` (a class or an instance) has ``@action`` methods to run as steps."""
    cls = obj if isinstance(obj, type) else type(obj)
    if cls.__module__ == "builtins":
        return False
    try:
        return bool(action_methods(cls))
    except TypeError:  # unhashable metaclass instances and the like
        return False

"""Running callables in threads and surfacing the first error in the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["run_in_threads"]


def run_in_threads(calls: list[Callable[[], Any]]) -> None:
    """Run every call in its own thread, wait for all, and re-raise the first exception."""
    errors: list[BaseException] = []

    def guarded(call: Callable[[], Any]) -> None:
        try:
            call()
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=guarded, args=(call,), name=f"dotflow-group-{i}")
        for i, call in enumerate(calls, start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]

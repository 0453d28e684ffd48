"""The public SPI: complete, documented, leaf ports, and no-op adapters found by their marker."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import pytest

import dotflow.spi
from dotflow import Config, DotFlow, Task, action
from dotflow.abc import Notify, Server
from dotflow.core.engine import Runtime
from dotflow.providers import NotifyDefault, ServerDefault

SUBMODULES = ("codec", "delivery", "errors", "execution", "managed", "model", "objects")


def test_every_spi_name_is_exported_documented_and_from_its_module() -> None:
    exported: set[str] = set()
    for name in SUBMODULES:
        module = importlib.import_module(f"dotflow.spi.{name}")
        assert module.__doc__, f"dotflow.spi.{name} has no docstring"
        exported.update(module.__all__)
        for attribute in module.__all__:
            value = getattr(module, attribute)
            assert getattr(dotflow.spi, attribute) is value
            if callable(value):
                assert value.__doc__, f"dotflow.spi.{name}.{attribute} is not documented"
    assert exported == set(dotflow.spi.__all__)


def test_importing_the_ports_loads_neither_the_engine_nor_an_adapter() -> None:
    code = (
        "import sys, dotflow.abc, dotflow.spi\n"
        "bad = [m for m in sys.modules if m.startswith(('dotflow.core', 'dotflow.providers'))]\n"
        "print(bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@action
def step() -> int:
    return 1


class Recording(Notify):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def send(self, task: Task) -> None:
        self.seen.append(task.status.value)


class LoudDefault(NotifyDefault):
    """Below the no-op default, but sends: the engine must call it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def send(self, task: Task) -> None:
        self.seen.append(task.status.value)


class SilentByChoice(Recording):
    noop = True


class DuckNotify:
    """Not a Notify subclass, and no ``noop`` attribute (Config takes it)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def send(self, task: Task) -> None:
        self.seen.append(task.status.value)

    def flush(self, timeout: float | None = None) -> bool:
        return True


def _run(notify: Any) -> None:
    workflow = DotFlow(Config(notify=notify))
    workflow.task.add(step=step)
    workflow.start()


@pytest.mark.parametrize("notify", [Recording(), LoudDefault(), DuckNotify()])
def test_notifiers_that_send_are_called(notify: Any) -> None:
    _run(notify)
    assert notify.seen == ["In progress", "Completed"]


def test_a_notifier_marked_noop_is_never_called() -> None:
    notify = SilentByChoice()
    assert Runtime(Config(notify=notify))._notify is None
    assert Runtime(Config())._notify is None  # the default
    _run(notify)
    assert notify.seen == []


def test_the_server_marker_is_per_instance() -> None:
    class Reporting(ServerDefault):
        def update_task(self, task: Task) -> None:
            pass

    assert ServerDefault().noop and Runtime(Config())._server is None
    reporting = Reporting()
    assert not reporting.noop
    assert Runtime(Config(server=reporting))._server == reporting.update_task
    assert Server.noop is False

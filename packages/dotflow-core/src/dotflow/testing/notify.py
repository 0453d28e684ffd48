"""The contract every Notify adapter honours, as a test class to subclass.

Usage (pytest collects the inherited ``test_*`` methods)::

    from dotflow.testing import NotifyContract

    class TestMyNotify(NotifyContract):
        def make_notify(self):
            return MyNotify(url=...)

        def delivered(self):
            return [...]  # what your test counterpart received, in order

The suite checks what the engine relies on: ``send`` takes a task in every status and never
raises, even when the counterpart cannot be reached; ``flush`` returns ``True`` once everything
was delivered; a real notifier is not marked ``noop`` (the engine would never call it); and, when
:meth:`NotifyContract.delivered` can observe the counterpart, one delivery per notified status
change arrives, in order, from a real workflow run.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from dotflow.abc.notify import Notify
from dotflow.core.action import action
from dotflow.core.config import Config
from dotflow.core.task import Task, TaskError
from dotflow.core.types.status import TypeStatus
from dotflow.core.workflow import DotFlow

__all__ = ["NotifyContract"]


@action
def contract_step() -> str:
    """A step that succeeds."""
    return "done"


@action(retry=1)
def contract_broken() -> None:
    """A step that fails."""
    msg = "the contract's failing step"
    raise RuntimeError(msg)


def _task(status: TypeStatus, workflow_id: str) -> Task:
    task = Task(1, workflow_id, step=contract_step, status=status)
    if status in (TypeStatus.FAILED, TypeStatus.RETRY):
        task.errors = (TaskError(1, "RuntimeError", "boom: ação 🚀 <b>&", "Traceback ..."),)
        task.retry_count = 1
    if status in (TypeStatus.COMPLETED, TypeStatus.FAILED):
        task.duration = 0.25
    return task


class NotifyContract:
    """Tests every Notify adapter must pass. Subclass and implement :meth:`make_notify`."""

    #: The statuses the adapter delivers a notification for (others it may drop on purpose).
    notified_statuses: ClassVar[frozenset[TypeStatus]] = frozenset(TypeStatus)
    #: Seconds ``flush`` may take to deliver a handful of notifications.
    flush_timeout: ClassVar[float] = 30.0

    def make_notify(self) -> Notify:
        """A notifier that delivers to the test's counterpart."""
        raise NotImplementedError

    def make_unreachable_notify(self) -> Notify | None:
        """A notifier whose counterpart cannot be reached (``None``: not testable)."""
        return None

    def delivered(self) -> list[Any] | None:
        """What the counterpart received so far, in order (``None``: it cannot be observed)."""
        return None

    def _count(self) -> int | None:
        received = self.delivered()
        return None if received is None else len(received)

    def test_is_a_notify(self) -> None:
        assert isinstance(self.make_notify(), Notify)

    def test_is_not_marked_noop(self) -> None:
        # The engine never calls a notifier marked noop: a real one must not be.
        assert not self.make_notify().noop

    def test_every_status_is_sent(self) -> None:
        notify = self.make_notify()
        before = self._count()
        workflow_id = f"wf-{uuid.uuid4().hex[:12]}"
        for status in TypeStatus:
            assert notify.send(_task(status, workflow_id)) is None
        assert notify.flush(self.flush_timeout) is True
        after = self._count()
        if before is not None and after is not None:
            expected = len([s for s in TypeStatus if s in self.notified_statuses])
            assert after - before == expected, f"{after - before} of {expected} delivered"

    def test_flush_with_nothing_pending(self) -> None:
        assert self.make_notify().flush(self.flush_timeout) is True

    def test_unreachable_counterpart_never_raises(self) -> None:
        notify = self.make_unreachable_notify()
        if notify is None:
            return
        workflow_id = f"wf-{uuid.uuid4().hex[:12]}"
        notify.send(_task(TypeStatus.FAILED, workflow_id))
        notify.send(_task(TypeStatus.COMPLETED, workflow_id))
        assert isinstance(notify.flush(1.0), bool)

    def test_a_workflow_run_is_notified(self) -> None:
        notify = self.make_notify()
        before = self._count()
        workflow = DotFlow(Config(notify=notify))
        workflow.task.add(step=contract_step)
        workflow.task.add(step=contract_broken)
        run = workflow.start(keep_going=True)
        statuses = [task.status for task in run.tasks]
        assert statuses == [TypeStatus.COMPLETED, TypeStatus.FAILED]
        received = self.delivered()
        if before is None or received is None:
            return
        # start() flushes the notifier before it returns: everything has arrived.
        changes = [
            TypeStatus.IN_PROGRESS,
            TypeStatus.COMPLETED,
            TypeStatus.IN_PROGRESS,
            TypeStatus.FAILED,
        ]
        expected = len([s for s in changes if s in self.notified_statuses])
        assert len(received) - before == expected, f"{len(received) - before} of {expected}"

"""The text of a notification: a snapshot of a task, in Telegram's HTML parse mode.

User data (step names, ids, error messages, results) is escaped with ``html.escape`` and cut to
a cap *before* escaping, so a cut never splits an entity and the message always parses.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from dotflow.spi.model import TypeStatus

if TYPE_CHECKING:
    from dotflow.spi.model import Task

__all__ = ["PARSE_MODE", "RESULT_LIMIT", "TEXT_LIMIT", "build_message", "clip"]

#: The Bot API parse mode the text is written in.
PARSE_MODE = "HTML"
#: The most characters of a task's result shown (``show_result=True``).
RESULT_LIMIT = 1000
#: The most characters of an error message or an id shown.
TEXT_LIMIT = 500

_ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + _ELLIPSIS


def _escape(value: Any, limit: int = TEXT_LIMIT) -> str:
    return html.escape(clip(str(value), limit), quote=False)


def _result_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=repr, sort_keys=True)
    except (TypeError, ValueError):  # circular or unsortable keys
        return repr(value)


def build_message(task: Task, show_result: bool = False) -> str:
    """The HTML text describing ``task``'s current status.

    Args:
        task: the task, read now (the text is a snapshot).
        show_result: add the task's result (capped to ``RESULT_LIMIT`` characters) when it
            completed.
    """
    status = task.status
    lines = [
        f"{status.symbol} <b>{_escape(status.value)}</b>: <code>{_escape(task.step_name)}</code>",
        f"Workflow: <code>{_escape(task.workflow_id)}</code>",
        f"Task: {_escape(task.task_id)}",
    ]
    if task.duration is not None:
        lines.append(f"Duration: {task.duration:.3f} s")
    if status is TypeStatus.FAILED and task.errors:
        error = task.errors[-1]
        lines.append(
            f"Error (attempt {error.attempt}): <b>{_escape(error.exception)}</b>: "
            f"{_escape(error.message)}"
        )
    if show_result and status is TypeStatus.COMPLETED:
        text = clip(_result_text(task.current_context.storage), RESULT_LIMIT)
        lines.append(f"Result:\n<pre>{html.escape(text, quote=False)}</pre>")
    return "\n".join(lines)

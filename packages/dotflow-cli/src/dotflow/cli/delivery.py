"""The one-line summary of what managed mode reported to the server, and ``--strict-report``.

Reporting never fails a run (seed 002): ``dotflow start`` exits 0 when every task completed, even
if the backend refused or missed every event. It says so once, at the end, with the variable to
check; ``--strict-report`` turns undelivered events into exit code 3 for runners that must know.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["EXIT_NOT_REPORTED", "delivery_summary"]

#: ``dotflow start --strict-report``: every task completed, but status reports were lost.
EXIT_NOT_REPORTED = 3

# Causes a wrong or expired token gives; the rest point at the URL (or the backend's health).
_TOKEN_CAUSES = ("HTTP 401", "HTTP 403")


def _variable(names: tuple[str, ...]) -> str:
    """The first of ``names`` set in the environment (the one the adapter read), else the first."""
    return next((name for name in names if os.environ.get(name)), names[0])


def delivery_summary(server: Any) -> tuple[str, int] | None:
    """``(line, undelivered)`` about ``server``'s deliveries, or ``None`` when nothing was lost
    (or the server keeps no counters: not managed mode).

    Args:
        server: the workflow's server adapter; its ``stats()`` (``SenderStats``) is read.
    """
    stats_of = getattr(server, "stats", None)
    if stats_of is None:
        return None
    stats = stats_of()
    causes = dict(getattr(stats, "causes", ()))
    undelivered = stats.failed + stats.dropped + stats.pending
    if not undelivered:
        return None
    from dotflow.core.managed import TOKEN_VARIABLES, URL_VARIABLES

    why = ", ".join(f"{cause}: {count}" for cause, count in causes.items())
    if stats.pending:
        why = ", ".join(filter(None, (why, f"still queued at exit: {stats.pending}")))
    check = (
        _variable(TOKEN_VARIABLES)
        if any(cause in _TOKEN_CAUSES for cause in causes)
        else _variable(URL_VARIABLES)
    )
    line = (
        f"server reporting: {stats.sent} of {stats.enqueued} events delivered, "
        f"{undelivered} not delivered ({why or 'see the warnings above'}); check {check}"
    )
    return line, undelivered

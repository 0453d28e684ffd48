"""Cron expressions, read with standard cron semantics, as APScheduler 3 triggers.

Accepted forms:

- 5 fields, standard cron: ``minute hour day-of-month month day-of-week`` (``*/5 * * * *``);
- 6 fields, seconds last: ``minute hour day-of-month month day-of-week second``
  (``* * * * * */10`` is every 10 seconds). This is what dotflow 1.x read (croniter's
  6-field form), so an expression keeps its meaning across versions;
- the nicknames ``@yearly`` (``@annually``), ``@monthly``, ``@weekly``, ``@daily``
  (``@midnight``) and ``@hourly``.

Two places where APScheduler 3's own ``CronTrigger`` differs from cron are fixed here: day-of-week
numbers follow cron (0 or 7 = Sunday, 1 = Monday ... 6 = Saturday; APScheduler 3 counts from
Monday = 0), and when both day-of-month and day-of-week are restricted (neither starts with
``*``) a time matches when *either* does, as in Vixie cron (APScheduler requires both).
"""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

__all__ = ["EXPECTED_FORM", "parse_cron"]

EXPECTED_FORM = (
    "5 fields 'minute hour day month day_of_week' (e.g. '*/5 * * * *'), 6 fields with "
    "seconds last 'minute hour day month day_of_week second' (e.g. '* * * * * */10'), or "
    "one of @yearly, @monthly, @weekly, @daily, @hourly"
)

_NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

# Index = cron day number (0 = Sunday); the names are what APScheduler understands.
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DAY_TERM = re.compile(r"^(?P<range>\*|(?P<start>\w+)(?:-(?P<end>\w+))?)(?:/(?P<step>\d+))?$")


def _day_number(token: str) -> int:
    """0-7 (both 0 and 7 are Sunday) or a day name's number."""
    token = token.lower()
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)
    if token[:3] in _DAY_NAMES and len(token) == 3:
        return _DAY_NAMES.index(token)
    msg = f"day of week {token!r} is not 0-7 or sun-sat"
    raise ValueError(msg)


def _cron_days(field: str) -> str:
    """A cron day-of-week field as the list of day names APScheduler reads the cron way."""
    if field == "?":
        return "*"
    days: set[int] = set()
    for term in field.split(","):
        match = _DAY_TERM.match(term.strip())
        if match is None:
            msg = f"day of week {term!r} is not a valid cron term"
            raise ValueError(msg)
        step = int(match["step"]) if match["step"] else 1
        if step < 1:
            msg = f"day of week step in {term!r} must be at least 1"
            raise ValueError(msg)
        if match["range"] == "*":
            first, last = 0, 6
        else:
            # 7 is Sunday at the end of the week, so 5-7 is fri,sat,sun.
            first = _day_number(match["start"])
            end = match["end"]
            # "5" is just Friday; "5/2" runs from Friday to the end of the week
            last = _day_number(end) if end is not None else (6 if match["step"] else first)
            if last < first:
                msg = f"day of week range {term!r} runs backwards"
                raise ValueError(msg)
        days.update(day % 7 for day in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    return ",".join(_DAY_NAMES[day] for day in sorted(days))


def _restricted(field: str) -> bool:
    # As in Vixie cron, a field that starts with "*" ("*", "*/2") does not restrict the day.
    return not field.startswith(("*", "?"))


def parse_cron(expression: str, timezone: tzinfo | str | None = None) -> Any:
    """An APScheduler trigger for ``expression`` (see the module docstring for the forms).

    Raises:
        ValueError: the expression is not valid; the message names it and the expected form.
    """
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger

    if not isinstance(expression, str):
        msg = f"SchedulerCron(cron=...): expected a str, got {type(expression).__name__}"
        raise TypeError(msg)
    text = _NICKNAMES.get(expression.strip().lower(), expression)
    fields = text.lower().split()
    if len(fields) not in (5, 6):
        msg = (
            f"invalid cron expression {expression!r}: it has {len(fields)} fields; expected "
            f"{EXPECTED_FORM}"
        )
        raise ValueError(msg)
    # Seconds are the 6th field, as croniter (and so dotflow 1.x) reads it.
    second = fields.pop() if len(fields) == 6 else "0"
    minute, hour, day, month, day_of_week = fields
    try:
        days = _cron_days(day_of_week)

        def trigger(day: str, day_of_week: str) -> CronTrigger:
            return CronTrigger(
                second=second,
                minute=minute,
                hour=hour,
                day=day,
                month=month,
                day_of_week=day_of_week,
                timezone=timezone,
            )

        if _restricted(day) and _restricted(day_of_week):
            # cron: a time matches when the day of month OR the day of week matches
            return OrTrigger([trigger(day, "*"), trigger("*", days)])
        return trigger("*" if day == "?" else day, days)
    except ValueError as error:
        msg = f"invalid cron expression {expression!r}: {error}; expected {EXPECTED_FORM}"
        raise ValueError(msg) from error

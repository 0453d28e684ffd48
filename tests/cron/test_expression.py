"""Cron expressions: standard cron semantics on APScheduler 3, checked against a reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow.cron import SchedulerCron, parse_cron


def _next(expression: str, after: datetime, count: int = 1) -> list[datetime]:
    trigger = parse_cron(expression, UTC)
    times, previous, now = [], None, after + timedelta(microseconds=1)
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)
    return times


# 2025-06-02 is a Monday.
MONDAY = datetime(2025, 6, 2, 0, 0, 30, tzinfo=UTC)


def test_five_fields_fire_on_the_minute() -> None:
    assert _next("*/15 * * * *", MONDAY, 3) == [
        MONDAY.replace(minute=15, second=0),
        MONDAY.replace(minute=30, second=0),
        MONDAY.replace(minute=45, second=0),
    ]


def test_six_fields_have_seconds_last_as_in_dotflow_1() -> None:
    assert _next("* * * * * */10", MONDAY, 2) == [
        MONDAY.replace(second=40),
        MONDAY.replace(second=50),
    ]
    assert _next("0 12 * * * 5", MONDAY) == [MONDAY.replace(hour=12, second=5)]
    # The expression that changed meaning in dotflow 2.0 pre-releases: minute 0 of every 2nd
    # hour, every second of that minute (croniter's reading), not "every 2 minutes".
    assert _next("0 */2 * * * *", MONDAY.replace(hour=1), 3) == [
        MONDAY.replace(hour=2, second=0),
        MONDAY.replace(hour=2, second=1),
        MONDAY.replace(hour=2, second=2),
    ]


_SECOND_FIELDS = st.sampled_from(["*", "0", "*/10", "5,35", "0-4", "15-45/15", "59"])


@given(
    minute=st.sampled_from(["*", "0", "*/2", "5-10", "30,45", "*/15"]),
    hour=st.sampled_from(["*", "0", "*/2", "9-17", "23"]),
    second=_SECOND_FIELDS,
    after=st.datetimes(datetime(2024, 1, 1), datetime(2030, 1, 1)),
)
def test_six_fields_match_croniter_as_dotflow_1_0_1_read_them(
    minute: str, hour: str, second: str, after: datetime
) -> None:
    """dotflow 1.0.1 read cron with croniter's defaults: the 6th field is seconds."""
    from croniter import croniter

    expression = f"{minute} {hour} * * * {second}"
    after = after.replace(microsecond=0, tzinfo=UTC)
    reference = croniter(expression, after).get_next(datetime)
    assert _next(expression, after)[0] == reference, expression


@pytest.mark.parametrize(
    ("expression", "weekday"),
    [
        ("0 9 * * 0", 6),  # Sunday, as in cron (APScheduler alone would say Monday)
        ("0 9 * * 7", 6),
        ("0 9 * * sun", 6),
        ("0 9 * * 1", 0),
        ("0 9 * * MON", 0),
        ("0 9 * * 6", 5),
    ],
)
def test_day_of_week_numbers_follow_cron(expression: str, weekday: int) -> None:
    (fire,) = _next(expression, MONDAY + timedelta(hours=10))
    assert fire.weekday() == weekday


def test_weekday_range_is_monday_to_friday() -> None:
    fires = _next("0 9 * * 1-5", MONDAY, 10)
    assert [f.weekday() for f in fires] == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]


def test_day_of_month_or_day_of_week_as_in_cron() -> None:
    # the 15th of the month, and every Sunday
    fires = _next("0 0 15 * 0", MONDAY, 4)
    assert [(f.day, f.weekday()) for f in fires] == [(8, 6), (15, 6), (22, 6), (29, 6)]
    fires = _next("0 0 10 * 0", MONDAY, 3)
    assert [f.day for f in fires] == [8, 10, 15]


def test_nicknames() -> None:
    assert _next("@hourly", MONDAY) == [MONDAY.replace(hour=1, second=0)]
    assert _next("@daily", MONDAY) == [MONDAY + timedelta(days=1, seconds=-30)]
    assert _next("@weekly", MONDAY)[0].weekday() == 6


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("* * * *", "4 fields"),
        ("* * * * * * *", "7 fields"),
        ("", "0 fields"),
        ("61 * * * *", "61"),
        ("* 25 * * *", "25"),
        ("* * * * 8", "'8'"),
        ("* * * * mon-sun", "backwards"),
        ("* * * 13 *", "13"),
        ("every five minutes please", "4 fields"),
    ],
)
def test_invalid_expressions_name_the_problem_and_the_form(expression: str, named: str) -> None:
    with pytest.raises(ValueError, match="invalid cron expression") as caught:
        SchedulerCron(cron=expression)
    message = str(caught.value)
    assert repr(expression) in message
    assert named in message
    assert "'*/5 * * * *'" in message and "seconds last" in message


# -- a reference cron evaluator (Vixie cron semantics) to compare with ----------------------

_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}


def _expand(field: str, low: int, high: int, days: bool = False) -> set[int]:
    values: set[int] = set()
    for term in field.split(","):
        spec, _, step = term.partition("/")
        if spec == "*":
            first, last = low, high
        elif "-" in spec:
            a, b = spec.split("-")
            first, last = int(_NAMES.get(a, a)), int(_NAMES.get(b, b))
        else:
            first = int(_NAMES.get(spec, spec))
            last = high if step else first
        values.update(range(first, last + 1, int(step or 1)))
    return {v % 7 for v in values} if days else values


def _reference_next(expression: str, after: datetime) -> datetime | None:
    minute, hour, dom, month, dow = expression.split()
    minutes, hours = _expand(minute, 0, 59), _expand(hour, 0, 23)
    doms, months, dows = _expand(dom, 1, 31), _expand(month, 1, 12), _expand(dow, 0, 7, True)
    either = not dom.startswith("*") and not dow.startswith("*")
    start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(366 * 8):
        cron_weekday = (day.weekday() + 1) % 7
        in_dom, in_dow = day.day in doms, cron_weekday in dows
        if day.month in months and ((in_dom or in_dow) if either else (in_dom and in_dow)):
            for h in sorted(hours):
                for m in sorted(minutes):
                    candidate = day.replace(hour=h, minute=m)
                    if candidate >= start:
                        return candidate
        day += timedelta(days=1)
    return None


def _field(low: int, high: int, names: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    number = st.integers(low, high)
    value = number.map(str) | st.sampled_from(names) if names else number.map(str)
    ranges = st.tuples(number, number).map(lambda ab: f"{min(ab)}-{max(ab)}")
    steps = st.tuples(st.sampled_from(["*", f"{low}-{high}"]), st.integers(1, 5)).map(
        lambda sk: f"{sk[0]}/{sk[1]}"
    )
    term = st.sampled_from(["*"]) | value | ranges | steps
    return st.lists(term, min_size=1, max_size=3).map(",".join)


@given(
    minute=_field(0, 59),
    hour=_field(0, 23),
    dom=_field(1, 28),
    month=_field(1, 12),
    dow=_field(0, 7, tuple(_NAMES)),
    after=st.datetimes(datetime(2024, 1, 1), datetime(2030, 1, 1)),
)
def test_next_fire_time_matches_standard_cron(
    minute: str, hour: str, dom: str, month: str, dow: str, after: datetime
) -> None:
    expression = f"{minute} {hour} {dom} {month} {dow}"
    after = after.replace(tzinfo=UTC)
    assert _next(expression, after)[0] == _reference_next(expression, after), expression


def test_scheduler_exposes_its_next_fire_times() -> None:
    scheduler = SchedulerCron(cron="0 9 * * 1-5", timezone="Europe/Berlin")
    friday = datetime(2025, 6, 6, 10, 0)  # naive: read in the scheduler's zone
    times = scheduler.next_fire_times(3, after=friday)
    assert [t.strftime("%a %H:%M %Z") for t in times] == [
        "Mon 09:00 CEST",
        "Tue 09:00 CEST",
        "Wed 09:00 CEST",
    ]
    assert len(SchedulerCron(cron="* * * * * *").next_fire_times(5)) == 5

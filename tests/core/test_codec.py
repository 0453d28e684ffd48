from __future__ import annotations

import enum
import math
from collections import OrderedDict, namedtuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow import Context
from dotflow.core.codec import check_key, decode_context, encode_context
from dotflow.core.exceptions import NotJSONSerializableError

Point = namedtuple("Point", "x y")  # a tuple subclass


class Color(enum.Enum):
    RED = 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@given(json_values)
def test_every_json_value_round_trips_exactly(value) -> None:
    context = Context(value, task_id=3, workflow_id="wf")
    again = decode_context(encode_context(context))
    assert _same(again.storage, value)
    assert (again.task_id, again.workflow_id, again.time) == (3, "wf", context.time)


@pytest.mark.parametrize(
    "value",
    [object(), range(3), OrderedDict(a=1), Point(1, 2), Color.RED, {"at": {1, object()}}],
    ids=["object", "range", "OrderedDict", "namedtuple", "enum", "nested"],
)
def test_values_that_would_change_are_refused(value) -> None:
    # Tuples, sets, datetimes ... are kept exactly (tagged JSON); these would come back altered.
    with pytest.raises(NotJSONSerializableError, match=r"serializer='pickle'"):
        encode_context(Context({"nested": [value]}))


@given(st.lists(st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,10}", fullmatch=True), min_size=1))
def test_safe_keys_are_accepted(segments: list[str]) -> None:
    key = "/".join(segments)
    assert check_key(key) == key

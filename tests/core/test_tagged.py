"""Tagged JSON: values JSON has no type for round-trip exactly; plain JSON stays as it was."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dotflow import Config, Context, DotFlow, TypeStatus, action
from dotflow.core.codec import decode_context, encode_context
from dotflow.core.exceptions import NotJSONSerializableError, PickledResultError
from dotflow.providers import StorageFile

offsets = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
)
zones = (
    st.none()
    | st.timezones()
    | st.builds(timezone, offsets)
    | st.builds(timezone, offsets, st.text(min_size=1, max_size=5))
)
hashables = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=8)
    | st.decimals(allow_nan=False)
    | st.uuids()
    | st.dates()
    | st.timedeltas(),
    lambda children: st.tuples(children, children) | st.frozensets(children, max_size=3),
    max_leaves=6,
)
tag_like_keys = st.sampled_from(["$tuple", "$set", "$dict", "$bytes", "$", "$unknown", "$float"])
scalars = (
    hashables
    | st.floats()
    | st.decimals()
    | st.datetimes(timezones=zones)
    | st.times(timezones=zones)
    | st.binary().map(bytearray)
    | st.integers(min_value=2**14000, max_value=2**14100)
    | st.text(alphabet=st.characters(codec=None, categories=["Cs", "Lu"]), max_size=3)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.sets(hashables, max_size=4)
        | st.frozensets(hashables, max_size=4)
        | st.dictionaries(st.text() | tag_like_keys, children, max_size=4)
        | st.dictionaries(hashables | tag_like_keys, children, max_size=4)
    ),
    max_leaves=25,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text() | tag_like_keys, children, max_size=5)
    ),
    max_leaves=30,
)


def exact(got, want) -> bool:
    """Equal, with the same types all the way down, the same zones, folds and float signs."""
    if type(got) is not type(want):
        return False
    if isinstance(want, float):
        if math.isnan(want):
            return math.isnan(got)
        return got == want and math.copysign(1, got) == math.copysign(1, want)
    if isinstance(want, Decimal):
        return got.as_tuple() == want.as_tuple()
    if isinstance(want, list | tuple):
        return len(got) == len(want) and all(map(exact, got, want))
    if isinstance(want, dict):
        return list(got) == list(want) and all(
            exact(g, w) and exact(got[g], want[w]) for g, w in zip(got, want, strict=True)
        )
    if isinstance(want, datetime | time):
        return got == want and repr(got.tzinfo) == repr(want.tzinfo) and got.fold == want.fold
    return bool(got == want)


@settings(max_examples=300, deadline=None)
@given(values)
def test_tagged_json_round_trips_exactly(value) -> None:
    context = Context(value, task_id=2, workflow_id="wf")
    document = encode_context(context, "task 2")
    json.loads(document)  # valid JSON: no NaN, no Infinity, valid UTF-8
    again = decode_context(document)
    assert exact(again.storage, value), (value, again.storage)
    assert (again.task_id, again.workflow_id, again.time) == (2, "wf", context.time)


@given(json_values)
def test_plain_json_looks_the_same_on_disk(value) -> None:
    # Exactly the bytes dotflow wrote before tagged JSON, so old and new files read the same.
    context = Context(value, task_id=1, workflow_id="wf")
    before = json.dumps(
        {"storage": value, "task_id": 1, "workflow_id": "wf", "time": context.time.isoformat()},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    assert encode_context(context) == before
    assert exact(decode_context(before).storage, value)


def test_an_old_document_with_tag_like_keys_is_read_as_plain_json() -> None:
    old = b'{"storage":{"$set":[1,2],"$tuple":[3]},"task_id":1,"workflow_id":"w","time":null}'
    assert decode_context(old).storage == {"$set": [1, 2], "$tuple": [3]}
    old = b'{"storage":[{"$bytes":"AA=="}],"task_id":1,"workflow_id":"w","time":null}'
    assert decode_context(old).storage == [{"$bytes": "AA=="}]


def test_a_tagged_document_says_so_and_stays_readable() -> None:
    document = json.loads(encode_context(Context({"t": (1, 2), "d": date(2024, 1, 2)})))
    assert document["encoding"] == "tagged"
    assert document["storage"] == {"t": {"$tuple": [1, 2]}, "d": {"$date": "2024-01-02"}}


def test_a_self_containing_value_is_refused() -> None:
    loop: list[object] = [1]
    loop.append((loop,))
    with pytest.raises(NotJSONSerializableError, match="contains itself"):
        encode_context(Context(loop))


def test_an_unknown_tag_is_a_clear_error() -> None:
    document = b'{"storage":{"$matrix":[1]},"encoding":"tagged","time":null}'
    with pytest.raises(ValueError, match=r"unknown tag '\$matrix'"):
        decode_context(document)


# -- through a workflow and StorageFile --------------------------------------------------------

RESULTS = {
    "a_tuple": (1, ("nested", 2.5)),
    "a_datetime": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    "a_date": date(2024, 5, 1),
    "a_time": time(8, 30),
    "a_decimal": Decimal("19.90"),
    "a_uuid": uuid.UUID("0545d4ca-99d1-4e65-a2eb-90f199773faf"),
    "a_set": {"b", "a"},
    "a_frozenset": frozenset({1, 2}),
    "bytes": b"\x89PNG",
}


def steps() -> list:
    made = []
    for name, value in RESULTS.items():

        def step(value=value):
            return value

        step.__name__ = step.__qualname__ = name
        made.append(action(step))
    return made


def test_tasks_returning_1_0_1_types_complete_and_resume_exactly(tmp_path: Path) -> None:
    workflow = DotFlow(config=Config(storage=StorageFile(path=tmp_path)), workflow_id="types")
    for step in steps():
        workflow.task.add(step=step)
    workflow.start()
    assert [t.status for t in workflow.result_task()] == [TypeStatus.COMPLETED] * len(RESULTS)
    # A new process resumes from the files: every value comes back with its type.
    code = (
        "import pickle, sys\n"
        "from dotflow.providers import StorageFile\n"
        f"storage = StorageFile(path={str(tmp_path)!r})\n"
        f"values = [storage.get(f'types/{{i}}').storage for i in range(1, {len(RESULTS) + 1})]\n"
        "sys.stdout.buffer.write(pickle.dumps(values))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    import pickle

    again = pickle.loads(done.stdout)
    assert all(exact(g, w) for g, w in zip(again, RESULTS.values(), strict=True)), again


class Row:
    """A plain object: only pickle keeps it."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and other.n == self.n


@action
def gives_rows() -> list[Row]:
    return [Row(1), Row(2)]


def test_pickle_serializer_keeps_objects_and_json_storages_refuse_to_unpickle(
    tmp_path: Path,
) -> None:
    pickled = StorageFile(path=tmp_path, serializer="pickle")
    workflow = DotFlow(config=Config(storage=pickled), workflow_id="rows")
    workflow.task.add(step=gives_rows)
    workflow.start()
    assert workflow.result_task()[0].status is TypeStatus.COMPLETED
    got = pickled.get("rows/1")
    assert got is not None and got.storage == [Row(1), Row(2)]
    document = json.loads((tmp_path / "rows" / "1.json").read_text())
    assert document["encoding"] == "pickle" and document["task_id"] == 1
    with pytest.raises(
        PickledResultError, match=r"key 'rows/1' was stored with serializer='pickle'"
    ):
        StorageFile(path=tmp_path).get("rows/1")
    # A JSON storage refuses the same objects with the fix in the message.
    plain = DotFlow(config=Config(storage=StorageFile(path=tmp_path)), workflow_id="rows2")
    plain.task.add(step=gives_rows)
    plain.start()
    task = plain.result_task()[0]
    assert task.status is TypeStatus.FAILED
    assert "serializer='pickle'" in task.errors[-1].message


def test_an_unknown_serializer_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown serializer 'yaml': use 'json'"):
        StorageFile(serializer="yaml")


@pytest.mark.parametrize(
    "value",
    ["\ud800\udc00", "pair \ud83d\ude00 and lone \udce9", {"\ud800\udc00": 1}, ["\udfff\ud800"]],
)
def test_surrogate_code_points_come_back_as_they_were(value: object) -> None:
    # Two surrogates that look like a pair, written as \u escapes, would be read back as one
    # character: such strs are kept as bytes instead.
    data = encode_context(Context(value, task_id=1, workflow_id="wf"))
    data.decode("utf-8")
    assert decode_context(data).storage == value

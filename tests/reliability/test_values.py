"""Values that once hung a run or were written wrongly: a cycle, NaN, a lone surrogate, a huge int
(issue 13, item 1).

A value that contains itself fails its task at once with an error that says so, on every storage
and in every mode, instead of hanging. NaN and Infinity, lone surrogates and ints too long for
JSON text are kept exactly as tagged JSON, in standard UTF-8 JSON documents.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from reliability_probe import run_probe

from dotflow import Context
from dotflow.core.codec import decode_context, encode_context

CODEC_PROBE = """
    from dotflow import Context
    from dotflow.core.codec import encode_context
    from dotflow.core.exceptions import NotJSONSerializableError

    as_list = [1]
    as_list.append(as_list)
    as_dict = {"a": {"b": []}}
    as_dict["a"]["b"].append(as_dict)
    for value in (as_list, as_dict):
        try:
            encode_context(Context(value, task_id=1, workflow_id="wf"))
        except NotJSONSerializableError as error:
            print(error)
"""


def test_a_self_referencing_value_is_refused_by_the_codec(tmp_path: Path) -> None:
    # In a child process: before the fix this grew memory without bound.
    result = run_probe(CODEC_PROBE, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "result[1]" in lines[0]
    assert "result['a']['b'][0]" in lines[1]
    assert all("self-referencing" in line for line in lines)


def test_a_shared_but_acyclic_value_is_stored() -> None:
    leaf = {"x": [1, 2]}
    shared = [leaf, leaf, [leaf]]
    again = decode_context(encode_context(Context(shared, task_id=1, workflow_id="wf")))
    assert again.storage == shared


def _round_trip(value: object) -> object:
    data = encode_context(Context(value, task_id=1, workflow_id="wf"))
    json.loads(data, parse_constant=_refuse)  # standard JSON: no NaN or Infinity tokens
    return decode_context(data).storage


def _refuse(token: str) -> None:
    raise AssertionError(f"non-standard JSON token {token}")


@pytest.mark.parametrize("number", [math.inf, -math.inf])
def test_infinity_round_trips_without_non_standard_tokens(number: float) -> None:
    assert _round_trip({"score": [number]}) == {"score": [number]}


def test_nan_round_trips_without_non_standard_tokens() -> None:
    back = _round_trip({"score": [math.nan]})
    assert isinstance(back, dict) and math.isnan(back["score"][0])


@pytest.mark.parametrize("value", ["caf\udce9.txt", {"caf\udce9.txt": 1}])
def test_a_lone_surrogate_round_trips_exactly(value: object) -> None:
    # What os.listdir gives for a non-UTF-8 name: kept as it was, in a document that is UTF-8.
    data = encode_context(Context(value, task_id=1, workflow_id="wf"))
    data.decode("utf-8")
    assert decode_context(data).storage == value


def test_an_int_too_long_for_text_round_trips_exactly() -> None:
    limit = sys.get_int_max_str_digits()
    if limit == 0:
        pytest.skip("this interpreter converts ints of any length")
    big = 10 ** (limit + 5)
    assert _round_trip(big) == big


def test_every_written_document_is_standard_json() -> None:
    data = encode_context(Context({"a": 1.5, "b": "é", "c": [None, True]}, task_id=1))

    assert json.loads(data, parse_constant=_refuse)["storage"]["a"] == 1.5


PROBE = """
    import sys
    from dotflow import Config, DotFlow, action
    from dotflow.providers import StorageFile

    @action
    def loop():
        value = [1]
        value.append(value)
        return value

    @action
    def never():
        return "ran"

    workflow = DotFlow(Config(storage=StorageFile("out")), workflow_id="cycle")
    workflow.task.add([loop, never])
    run = workflow.start(mode=sys.argv[1] if len(sys.argv) > 1 else "{mode}")
    run.wait()
    first, second = run.tasks
    print(first.status.value, second.status.value)
    print(first.errors[-1].exception, first.errors[-1].message)
"""


@pytest.mark.parametrize("mode", ["sequential", "background", "parallel"])
def test_a_cycle_fails_the_task_at_once_on_file_storage(tmp_path: Path, mode: str) -> None:
    result = run_probe(PROBE.replace("{mode}", mode), cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    statuses, error = result.stdout.splitlines()[:2]
    # Parallel mode starts every task at once; the others stop at the failure.
    assert statuses == ("Failed Completed" if mode == "parallel" else "Failed Not started")
    assert error.startswith("SelfReferencingValueError")  # a NotJSONSerializableError
    assert "self-referencing" in error

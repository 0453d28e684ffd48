"""Values no storage can keep: a cycle, NaN, a lone surrogate, a huge int (issue 13, item 1).

Each must fail its task at once with a NotJSONSerializableError that says what is wrong, on every
storage and in every mode, instead of hanging, writing non-standard JSON or raising a raw error.
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
from dotflow.core.exceptions import NotJSONSerializableError

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


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_not_written_as_non_standard_tokens(number) -> None:
    with pytest.raises(NotJSONSerializableError, match="no standard JSON form"):
        encode_context(Context({"score": [number]}, task_id=1, workflow_id="wf"))


@pytest.mark.parametrize("value", ["caf\udce9.txt", {"caf\udce9.txt": 1}])
def test_a_lone_surrogate_is_a_clear_error(value) -> None:
    with pytest.raises(NotJSONSerializableError, match="lone surrogate"):
        encode_context(Context(value, task_id=1, workflow_id="wf"))


def test_an_int_too_long_for_text_is_a_clear_error() -> None:
    limit = sys.get_int_max_str_digits()
    if limit == 0:
        pytest.skip("this interpreter converts ints of any length")
    with pytest.raises(NotJSONSerializableError, match="more digits"):
        encode_context(Context(10 ** (limit + 5), task_id=1, workflow_id="wf"))


def test_every_written_document_is_standard_json() -> None:
    data = encode_context(Context({"a": 1.5, "b": "é", "c": [None, True]}, task_id=1))

    def refuse(token: str) -> None:
        raise AssertionError(token)

    assert json.loads(data, parse_constant=refuse)["storage"]["a"] == 1.5


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
    assert error.startswith("NotJSONSerializableError")
    assert "self-referencing" in error

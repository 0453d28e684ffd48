"""``--serializer``: tagged JSON by default, pickle on request, through ``dotflow start``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from cli_support import assert_bad_input

from dotflow.providers import StorageFile


def test_a_tuple_datetime_and_decimal_are_stored_exactly(run, tmp_path):
    result = run(
        "start", "--step", "serializer_steps.mixed", "--storage", "file", "--workflow-id", "m"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / ".output" / "m" / "1.json").read_text())
    assert document["encoding"] == "tagged"
    stored = StorageFile(path=tmp_path / ".output").get("m/1")
    assert stored is not None
    assert stored.storage == {
        "pair": (1, 2),
        "at": datetime(2024, 5, 1, tzinfo=UTC),
        "price": Decimal("9.90"),
    }


def test_objects_need_the_pickle_serializer(run, tmp_path):
    refused = run("start", "--step", "serializer_steps.rows", "--storage", "file")
    assert refused.returncode == 1
    assert "serializer='pickle'" in refused.stdout + refused.stderr
    result = run(
        "start",
        "--step",
        "serializer_steps.rows",
        "--path",
        "out",
        "--serializer",
        "pickle",
        "--workflow-id",
        "r",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "r" / "1.json").read_text())
    assert document["encoding"] == "pickle"


def test_the_pickle_serializer_resumes_in_a_new_process(run, tmp_path):
    args = ("--step", "serializer_steps.rows", "--storage", "file", "--workflow-id", "again")
    first = run("start", *args, "--serializer", "pickle")
    assert first.returncode == 0, first.stderr
    resumed = run("start", *args, "--serializer", "pickle", "--resume", "--json")
    assert resumed.returncode == 0, resumed.stderr
    (task,) = json.loads(resumed.stdout)["tasks"]
    assert task["status"] == "Completed" and task["duration"] == 0
    # A run without --serializer pickle refuses to unpickle what is there.
    refused = run("start", *args, "--resume")
    assert_bad_input(refused.returncode, refused.stderr, "was stored with serializer='pickle'")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--serializer", "pickle"), "add --storage file"),
        (("--storage", "default", "--serializer", "pickle"), "keeps them in memory"),
        (("--storage", "file", "--serializer", "yaml"), "'yaml' is not one of 'json', 'pickle'"),
    ],
)
def test_bad_serializer_use_is_bad_input(run, args, fragment):
    result = run("start", "--step", "serializer_steps.rows", *args)
    assert_bad_input(result.returncode, result.stderr, fragment)


def test_schedule_takes_the_option_too(run):
    result = run("schedule", "--help")
    assert "--serializer [json|pickle]" in result.stdout

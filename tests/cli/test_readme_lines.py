"""Every CLI line of the README (seed 001) and of the --workflow RFC (seed 000), as written.

They run from a copy of examples/cli, whose modules are the README's `my_module`, `docs_src...`
and the RFC's `dotflow_cloud` in our own words.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess

import pytest
from cli_support import EXAMPLES, clean_env, sigterm_once_scheduling


@pytest.fixture
def examples(tmp_path):
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def dotflow(script, line, cwd, env=None):
    args = shlex.split(line)
    assert args[0] == "dotflow"
    return subprocess.run(
        [script, *args[1:]],
        cwd=cwd,
        env=clean_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _workflow_id(stdout):
    [summary] = [line for line in stdout.splitlines() if line.startswith("Workflow completed")]
    return summary.rpartition("workflow id ")[2]


def _stored(folder):
    return [json.loads(p.read_text())["storage"] for p in sorted(folder.glob("*/1.json"))]


README_LINES = [
    ("dotflow start --step my_module.my_task", None),
    ("""dotflow start --step my_module.my_task --initial-context '{"key": "value"}'""", None),
    (
        "dotflow start --step my_module.my_task --callback my_module.on_done",
        "on_done: task 1 finished with status Completed",
    ),
    ("dotflow start --step my_module.my_task --mode parallel", None),
    ("dotflow start --step docs_src.basic.simple_cli.simple_step", None),
    (
        "dotflow start --step docs_src.cli.cli_with_callback.simple_step --callback "
        "docs_src.cli.cli_with_callback.callback",
        "callback: task 1 is Completed with {'rows': 3}",
    ),
    (
        "dotflow start --step docs_src.cli.cli_with_initial_context.simple_step --initial-context abc",  # noqa: E501 - the line as the README writes it
        "initial context: 'abc'",
    ),
    ("dotflow start --step docs_src.cli.cli_with_mode.simple_step --mode sequential", None),
    ("dotflow start --workflow dotflow_cloud.workflow.main", None),
    ("dotflow start --workflow dotflow_cloud.workflow.main --mode parallel", None),
]


@pytest.mark.parametrize(("line", "expected"), README_LINES, ids=[line for line, _ in README_LINES])
def test_start_lines(dotflow_script, examples, line, expected):
    result = dotflow(dotflow_script, line, examples)
    assert result.returncode == 0, result.stderr
    assert "Workflow completed" in result.stdout
    if expected:
        assert expected in result.stdout


def test_the_initial_context_lines_deliver_what_they_say(dotflow_script, examples):
    as_json = dotflow(
        dotflow_script,
        """dotflow start --step my_module.my_task --initial-context '{"key": "value"}' --json""",
        examples,
    )
    assert json.loads(as_json.stdout)["tasks"][0]["current_context"] == {
        "received": {"key": "value"}
    }
    raw = dotflow(
        dotflow_script,
        "dotflow start --step docs_src.cli.cli_with_initial_context.simple_step --initial-context abc --json",  # noqa: E501 - the line as the README writes it
        examples,
    )
    assert json.loads(raw.stdout)["tasks"][0]["current_context"] == {
        "initial_context": "abc",
        "type": "str",
    }
    factory = dotflow(
        dotflow_script, "dotflow start --workflow dotflow_cloud.workflow.main --json", examples
    )
    assert json.loads(factory.stdout)["tasks"][1]["current_context"] == {"total": 6}
    parallel = dotflow(
        dotflow_script,
        "dotflow start --workflow dotflow_cloud.workflow.main --mode parallel --json",
        examples,
    )
    assert json.loads(parallel.stdout)["mode"] == "parallel"
    assert json.loads(parallel.stdout)["tasks"][1]["current_context"] == {"total": 0}
    assert "previous_context is empty in task 2 step_two" in parallel.stderr


def test_file_storage_lines(dotflow_script, examples):
    first = dotflow(
        dotflow_script,
        "dotflow start --step my_module.my_task --storage file --path .output",
        examples,
    )
    assert first.returncode == 0, first.stderr
    assert _stored(examples / ".output") == [{"received": None}]
    second = dotflow(
        dotflow_script,
        "dotflow start --step docs_src.cli.cli_with_output_context.simple_step --storage file",
        examples,
    )
    assert second.returncode == 0, second.stderr
    assert {"kept": True, "values": [1, 2, 3]} in _stored(examples / ".output")
    third = dotflow(
        dotflow_script,
        "dotflow start --step docs_src.cli.cli_with_path.simple_step --path .storage --storage file",  # noqa: E501 - the line as the README writes it
        examples,
    )
    assert third.returncode == 0, third.stderr
    assert _stored(examples / ".storage") == [{"where": ".storage"}]
    # The commands table: `dotflow log` views what those runs recorded.
    log = dotflow(dotflow_script, "dotflow log", examples)
    assert log.stdout.count(" Completed ") >= 4


def test_s3_line(dotflow_script, examples, s3_env):
    env, client = s3_env
    result = dotflow(
        dotflow_script, "dotflow start --step my_module.my_task --storage s3", examples, env
    )
    assert result.returncode == 0, result.stderr
    assert "Results: cli-bucket/" in result.stdout
    workflow_id = _workflow_id(result.stdout)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="cli-bucket").get("Contents", [])]
    assert [k for k in keys if workflow_id in k] == [f"dotflow/{workflow_id}/1.json"], keys


def test_gcs_line(dotflow_script, examples, gcs_env):
    env, client = gcs_env
    result = dotflow(
        dotflow_script, "dotflow start --step my_module.my_task --storage gcs", examples, env
    )
    assert result.returncode == 0, result.stderr
    workflow_id = _workflow_id(result.stdout)
    names = [blob.name for blob in client.list_blobs("cli-gcs-bucket")]
    assert [n for n in names if workflow_id in n] == [f"dotflow/{workflow_id}/1.json"], names


SCHEDULE_LINES = [
    'dotflow schedule --step my_module.my_task --cron "*/5 * * * *"',
    'dotflow schedule --step my_module.my_task --cron "0 * * * *" --overlap queue',
    'dotflow schedule --step my_module.my_task --cron "0 */6 * * *" --storage file --resume',
]


@pytest.mark.parametrize("line", SCHEDULE_LINES)
def test_schedule_lines_run_until_sigterm(dotflow_script, examples, line):
    done = sigterm_once_scheduling([dotflow_script, *shlex.split(line)[1:]], examples)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr

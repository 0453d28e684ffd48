"""The execution log: what `dotflow start` records and what `dotflow log` shows."""

from __future__ import annotations

import json
import subprocess
import threading

from cli_support import assert_bad_input, clean_env


def _records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_start_records_every_status_change_as_json_lines(cli, tmp_path):
    assert cli("start", "-w", "cli_steps.with_failure", "--workflow-id", "wf", "-q").exit_code == 1
    records = _records(tmp_path / ".output" / "logs" / "wf.jsonl")
    events = [(r["event"], r.get("task_id"), r["status"]) for r in records]
    assert events == [
        ("workflow", None, "In progress"),
        ("task", 1, "In progress"),
        ("task", 1, "Failed"),
        ("workflow", None, "Failed"),
    ]
    failed = records[2]
    assert failed["error"] == "ValueError: boom"
    assert failed["step"] == "boom"
    assert failed["group"] == "default"
    assert isinstance(failed["duration"], float)
    assert failed["time"][10] == "T" and failed["time"][-6] in "+-"
    assert records[-1]["mode"] == "sequential" and records[-1]["tasks"] == 2


def test_log_shows_time_workflow_task_status_duration_and_error(cli):
    cli("start", "--step", "cli_steps.ok", "--workflow-id", "good", "-q")
    cli("start", "--step", "cli_steps.boom", "--workflow-id", "bad", "-q")
    result = cli("log")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TIME", "WORKFLOW", "TASK", "STATUS", "DURATION", "STEP", "ERROR"]
    failed = [
        line for line in lines if " Failed " in line and "boom" in line and "(workflow)" not in line
    ]
    [row] = failed
    assert row.split()[2:4] == ["bad", "1"]
    assert row.endswith("ValueError: boom")
    assert any(" good " in line and "Completed" in line for line in lines)


def test_log_filters_by_workflow_and_status(cli):
    cli("start", "--step", "cli_steps.ok", "--workflow-id", "good", "-q")
    cli("start", "--step", "cli_steps.boom", "--workflow-id", "bad", "-q")
    only_good = cli("log", "--workflow-id", "good", "--json").stdout.splitlines()
    assert {json.loads(line)["workflow_id"] for line in only_good} == {"good"}
    failed = [
        json.loads(line) for line in cli("log", "--status", "failed", "--json").stdout.splitlines()
    ]
    assert {(r["workflow_id"], r["event"]) for r in failed} == {
        ("bad", "task"),
        ("bad", "workflow"),
    }
    in_progress = cli("log", "--status", "in_progress", "--json").stdout.splitlines()
    assert {json.loads(line)["status"] for line in in_progress} == {"In progress"}


def test_log_reads_another_path(cli):
    cli("start", "--step", "cli_steps.ok", "--path", "elsewhere", "--workflow-id", "there", "-q")
    assert "No runs recorded in .output/logs" in cli("log").stdout
    result = cli("log", "--path", "elsewhere", "--json")
    assert {json.loads(line)["workflow_id"] for line in result.stdout.splitlines()} == {"there"}


def test_log_bad_input(cli):
    assert_bad_input(
        cli("log", "--workflow-id", "never-ran").exit_code,
        cli("log", "--workflow-id", "never-ran").stderr,
        "no execution log",
    )
    bad = cli("log", "--status", "sleeping")
    assert bad.exit_code == 2
    assert "unknown status 'sleeping'" in bad.stderr
    unsafe = cli("log", "--workflow-id", "../etc")
    assert_bad_input(unsafe.exit_code, unsafe.stderr, "invalid workflow_id")


def test_reader_never_returns_half_a_line(tmp_path):
    from dotflow.cli.logread import LogReader

    folder = tmp_path / "logs"
    folder.mkdir()
    file = folder / "w.jsonl"
    file.write_bytes(b'{"event": "task", "status": "In progress"}\n{"event": "task", "sta')
    reader = LogReader(folder)
    assert [r["status"] for r in reader.read()] == ["In progress"]
    with file.open("ab") as handle:
        handle.write(b'tus": "Completed"}\n')
    assert [r["status"] for r in reader.read()] == ["Completed"]
    assert reader.read() == []


def test_concurrent_writers_and_a_reader_see_whole_lines(tmp_path):
    from dotflow.cli.logread import LogReader
    from dotflow.cli.runlog import RunLogWriter

    writer = RunLogWriter(tmp_path / "logs" / "w.jsonl")
    reader = LogReader(tmp_path / "logs")
    seen: list[dict] = []

    def write(thread: int) -> None:
        for n in range(500):
            writer.write({"event": "task", "thread": thread, "n": n, "pad": "x" * (n % 300)})

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        seen.extend(reader.read())
    seen.extend(reader.read())
    writer.close()
    assert sorted((r["thread"], r["n"]) for r in seen) == [
        (t, n) for t in range(4) for n in range(500)
    ]


def test_follow_prints_a_running_workflow_until_it_ends(dotflow_script, tmp_path):
    env = clean_env()
    follower = subprocess.Popen(
        [dotflow_script, "log", "--follow", "--workflow-id", "followed", "--json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runner = subprocess.Popen(
        [
            dotflow_script,
            "start",
            "--step",
            "cli_steps.wait_for_file",
            "-i",
            "release",
            "--workflow-id",
            "followed",
            "--mode",
            "background",
            "-q",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert follower.stdout is not None
        first = [json.loads(follower.stdout.readline()) for _ in range(2)]
        # The task is still waiting for its file: these lines came from a running workflow.
        assert [(r["event"], r["status"]) for r in first] == [
            ("workflow", "In progress"),
            ("task", "In progress"),
        ]
        assert runner.poll() is None
        (tmp_path / "release").touch()
        assert runner.wait(timeout=30) == 0
        out, err = follower.communicate(timeout=30)
    finally:
        follower.kill()
        runner.kill()
    assert follower.returncode == 0, err
    assert [(r["event"], r["status"]) for r in map(json.loads, out.splitlines())] == [
        ("task", "Completed"),
        ("workflow", "Completed"),
    ]


def test_a_reader_that_stops_early_gets_no_error(dotflow_script, tmp_path):
    # `dotflow log | head -1`: the pipe closes; the command stops quietly.
    logs = tmp_path / ".output" / "logs"
    logs.mkdir(parents=True)
    record = {
        "time": "2024-05-01T12:00:00+00:00",
        "event": "task",
        "workflow_id": "w",
        "task_id": 1,
        "step": "s",
        "status": "Completed",
        "duration": 0.1,
        "error": None,
    }
    (logs / "w.jsonl").write_text((json.dumps(record) + "\n") * 20000)
    process = subprocess.Popen(
        [dotflow_script, "log"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"TIME")
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert stderr == ""


def test_an_unwritable_log_warns_once_and_the_run_goes_on(cli, tmp_path):
    (tmp_path / ".output").write_text("a file where the log folder should be")
    result = cli("start", "--workflow", "cli_steps.two_steps")
    assert result.exit_code == 0, result.output
    assert "Workflow completed" in result.stdout
    assert result.stderr.count("cannot write the execution log") == 1
    assert "Log:" not in result.stdout

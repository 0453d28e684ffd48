"""``dotflow log``: the execution log of past and running workflows."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from dotflow.cli.errors import BadInput

__all__ = ["log"]

_STATUSES = ("Not started", "In progress", "Retry", "Completed", "Failed")
_HEADER = ("TIME", "WORKFLOW", "TASK", "STATUS", "DURATION", "STEP", "ERROR")


def _status(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from dotflow.cli.logread import normalise_status

    if value is None:
        return None
    wanted = normalise_status(value)
    for status in _STATUSES:
        if normalise_status(status) == wanted:
            return status
    choices = ", ".join(s.lower().replace(" ", "-") for s in _STATUSES)
    raise click.BadParameter(f"unknown status {value!r}: use one of {choices}")


def _time(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return str(value)[:19]


def _row(record: dict[str, Any]) -> tuple[str, ...]:
    duration = record.get("duration")
    task = record.get("task_id") if record.get("event") == "task" else "-"
    step = record.get("step") or ("(workflow)" if record.get("event") == "workflow" else "")
    return (
        _time(record.get("time", "")),
        str(record.get("workflow_id", "")),
        str(task),
        str(record.get("status", "")),
        f"{duration:.3f}s" if isinstance(duration, int | float) else "-",
        str(step),
        str(record.get("error") or ""),
    )


def _line(row: tuple[str, ...]) -> str:
    time_, workflow, task, status, duration, step, error = row
    text = f"{time_:<19}  {workflow:<36}  {task:>4}  {status:<11}  {duration:>9}  {step}"
    return f"{text}  {error}".rstrip() if error else text.rstrip()


@click.command()
@click.option(
    "--path",
    "-p",
    default=".output",
    show_default=True,
    metavar="PATH",
    help="The results folder the runs logged to (their log is in PATH/logs).",
)
@click.option("--workflow-id", metavar="ID", help="Only this workflow.")
@click.option(
    "--status",
    callback=_status,
    metavar="STATUS",
    help="Only records with this status: not-started, in-progress, retry, completed, failed.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, as stored.")
@click.option(
    "--follow",
    "-f",
    is_flag=True,
    help="Keep printing new records; with --workflow-id, stop when that workflow ends.",
)
def log(
    path: str, workflow_id: str | None, status: str | None, as_json: bool, follow: bool
) -> None:
    """Show the execution log: every status change of every task, with its time, workflow id,
    task id, status, duration and error.

    \b
    dotflow log
    dotflow log --status failed
    dotflow log --workflow-id my-pipeline-v1 --follow
    dotflow log --json | jq .error
    """
    from dotflow.cli.logread import LogReader
    from dotflow.spi.managed import validate_workflow_id

    if workflow_id is not None:
        workflow_id = validate_workflow_id(workflow_id)
    folder = Path(path) / "logs"
    reader = LogReader(folder, workflow_id)
    if not follow and not reader.files():
        if workflow_id is not None:
            raise BadInput(f"no execution log for workflow {workflow_id!r} in {folder}")
        click.echo(f"No runs recorded in {folder} yet; 'dotflow start' records every run there.")
        return

    def until() -> bool:
        return workflow_id is not None and reader.finished.get(workflow_id, False)

    records = reader.follow(until=until) if follow else iter(reader.read())
    if not as_json:
        click.echo(_line(_HEADER))
    try:
        for record in records:
            if status is not None and record.get("status") != status:
                continue
            click.echo(json.dumps(record, ensure_ascii=False) if as_json else _line(_row(record)))
    except KeyboardInterrupt:  # Ctrl-C ends --follow: not an error
        return

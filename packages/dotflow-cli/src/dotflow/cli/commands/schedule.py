"""``dotflow schedule``: run a step or a workflow on a cron schedule (needs dotflow-cron)."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

import click

from dotflow.cli.commands.start import run_options
from dotflow.cli.errors import EXIT_FAILED, BadInput
from dotflow.cli.options import entry_options, output_options

if TYPE_CHECKING:
    from dotflow import WorkflowRun
    from dotflow.abc import Scheduler

__all__ = ["schedule"]


def _scheduler(cron: str, overlap: str, max_runs: int | None, timezone: str | None) -> Scheduler:
    from dotflow.core import registry
    from dotflow.spi.errors import AdapterNotFoundError

    try:
        cls = registry.load("scheduler", "cron")
    except AdapterNotFoundError as error:
        raise BadInput(f"dotflow schedule needs the cron scheduler: {error}") from error
    settings: dict[str, Any] = {"cron": cron, "overlap": overlap, "max_runs": max_runs}
    if timezone is not None:
        settings["timezone"] = _zone(timezone)
    try:
        scheduler: Scheduler = cls(**settings)
    except (ValueError, TypeError) as error:
        raise BadInput(f"--cron: {error}") from error
    return scheduler


def _zone(name: str) -> Any:
    """The ``--timezone`` value as a tzinfo, or a ``--timezone`` error (not a ``--cron`` one)."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise BadInput(
            f"--timezone: unknown time zone {name!r}; use an IANA name such as 'UTC' or "
            "'Europe/Berlin'"
        ) from error


def _announce(scheduler: Scheduler, workflow_id: str, stream: TextIO) -> None:
    """Say when the first runs will happen, so the meaning of CRON is visible at once."""
    next_fire_times = getattr(scheduler, "next_fire_times", None)
    if next_fire_times is None:  # another scheduler plugin: nothing to show
        return
    times = next_fire_times(3)
    shown = ", ".join(t.strftime("%Y-%m-%d %H:%M:%S %Z").strip() for t in times) or "never"
    cron = getattr(scheduler, "cron", "")
    click.echo(
        f"Scheduled workflow {workflow_id} with cron {cron!r}; next runs: {shown}", file=stream
    )


def _print_result(run: WorkflowRun, stream: TextIO) -> None:
    click.echo(json.dumps(run.result().to_dict(), ensure_ascii=False), file=stream)


@click.command()
@entry_options
@click.option(
    "--cron",
    required=True,
    metavar="EXPR",
    help='A cron expression: minute hour day month weekday, e.g. "*/5 * * * *"; a 6th field '
    'is seconds, e.g. "* * * * * */10". The next run times are printed at start.',
)
@click.option(
    "--overlap",
    type=click.Choice(["skip", "queue", "parallel"]),
    default="skip",
    show_default=True,
    help="When a run is due while the previous one still runs: skip it, queue one, or run "
    "in parallel.",
)
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N runs (default: run until SIGINT or SIGTERM).",
)
@click.option(
    "--timezone", metavar="TZ", help="The time zone CRON is read in, e.g. UTC (default: local)."
)
@output_options
@click.pass_context
def schedule(
    ctx: click.Context,
    /,
    cron: str,
    overlap: str,
    max_runs: int | None,
    timezone: str | None,
    quiet: bool,
    as_json: bool,
    verbose: bool,
    **params: Any,
) -> None:
    """Run a step or a workflow every time CRON matches, until stopped.

    \b
    dotflow schedule --step my_module.my_task --cron "*/5 * * * *"
        every 5 minutes: 10:00:00, 10:05:00, 10:10:00 ...
    dotflow schedule --step my_module.my_task --cron "0 * * * *" --overlap queue
        every hour on the hour: 10:00:00, 11:00:00, 12:00:00 ...
    dotflow schedule --step my_module.my_task --cron "0 */6 * * *" --storage file --resume
        every 6 hours: 00:00:00, 06:00:00, 12:00:00, 18:00:00
    dotflow schedule --step my_module.my_task --cron "* * * * * */10"
        every 10 seconds: 10:00:00, 10:00:10, 10:00:20 ...

    CRON has 5 fields (minute hour day month weekday), or 6 with seconds as the 6th field
    (as dotflow 1.x read it), or a nickname (@hourly, @daily ...). At start, the next three
    run times are printed (on stderr with --json; not with --quiet). Stops on
    SIGINT or SIGTERM (a running workflow finishes first) or after --max-runs; exits 1 if a
    task failed in any run. With --resume, a run continues where the one before it stopped
    when that run failed; after a completed run the next one starts fresh. With --json, each
    run's result is printed as one JSON line.
    """
    from dotflow.cli.compose import compose
    from dotflow.cli.console import configure_logging
    from dotflow.cli.running import Reporting

    debug = bool(ctx.obj.get("debug", False)) if ctx.obj else False
    configure_logging(verbose=verbose, debug=debug)
    scheduler = _scheduler(cron, overlap, max_runs, timezone)
    options = run_options(ctx, params)
    composed = compose(options)
    reporting = Reporting(
        composed,
        quiet=quiet or as_json,
        on_run=functools.partial(_print_result, stream=sys.stdout) if as_json else None,
        resume_after_failure=options.resume,  # reads the execution log only when it matters
        tracebacks=debug,
    )
    if not quiet:
        _announce(scheduler, reporting.workflow_id, sys.stderr if as_json else sys.stdout)
    # With --json, stdout holds the documents only: what steps print goes to stderr.
    printed = contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()
    try:
        with printed:
            scheduler.start(reporting, **options.start_kwargs())
    finally:
        reporting.close()
    if reporting.failed:
        ctx.exit(EXIT_FAILED)

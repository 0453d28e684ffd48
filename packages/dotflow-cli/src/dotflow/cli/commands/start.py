"""``dotflow start``: run a step or a workflow once."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from dotflow.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED
from dotflow.cli.options import entry_options, output_options

if TYPE_CHECKING:
    from dotflow.cli.running import Reporting

__all__ = ["explicit_options", "start"]


def explicit_options(ctx: click.Context) -> frozenset[str]:
    """The names of the options given on the command line or by their environment variable."""
    from click.core import ParameterSource

    given = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)
    return frozenset(name for name in ctx.params if ctx.get_parameter_source(name) in given)


def run_options(ctx: click.Context, params: dict[str, Any]) -> Any:
    """The :class:`~dotflow.cli.compose.RunOptions` of a start or schedule command line."""
    import attrs

    from dotflow.cli.compose import RunOptions

    fields = {name: params[name] for name in attrs.fields_dict(RunOptions) if name in params}
    return RunOptions(**fields, explicit=explicit_options(ctx))


def _interrupted(reporting: Reporting) -> None:
    """After Ctrl-C: say what was stopped and where it is recorded, then exit 130.

    A step still running in another thread (background mode, task groups) cannot be stopped
    from outside; its run is already recorded as interrupted, so the process ends without
    waiting for it.
    """
    import os
    import threading

    run = reporting.workflow.last_run
    stopped = [
        task
        for task in (run.tasks if run is not None else [])
        if task.errors and task.errors[-1].exception == "KeyboardInterrupt"
    ]
    names = ", ".join(f"task {t.task_id} {t.step_name}" for t in stopped) or "no task was running"
    where = "" if reporting.writer.broken else f" in {reporting.log_path}"
    click.echo(
        f"Interrupted (Ctrl-C): stopped {names}; workflow {reporting.workflow_id} is recorded "
        f"as Failed{where}.",
        err=True,
    )
    main = threading.main_thread()
    if any(t is not main and t.is_alive() and not t.daemon for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


@click.command()
@entry_options
@output_options
@click.option(
    "--strict-report",
    is_flag=True,
    help="Managed mode: exit 3 when status reports could not be delivered to the server "
    "(by default reporting never fails a run).",
)
@click.pass_context
def start(
    ctx: click.Context,
    /,
    quiet: bool,
    as_json: bool,
    verbose: bool,
    strict_report: bool,
    **params: Any,
) -> None:
    """Run a step or a workflow once, then exit 0, or 1 if a task failed (130 on Ctrl-C; 3 with
    --strict-report when managed-mode status reports were lost).

    \b
    dotflow start --step my_module.my_task
    dotflow start --step my_module.my_task --initial-context '{"key": "value"}'
    dotflow start --workflow my_pkg.workflow.main --mode background
    dotflow start --workflow my_pkg.independent_tasks --mode parallel
    dotflow start --step my_module.my_task --storage file --path .output

    The current directory is importable. With --workflow, MODULE.FACTORY is called and must
    return a DotFlow; --mode, --storage and --path given here override what it configured.
    In parallel mode every task runs alone, so a step's previous_context is empty: a chain
    whose steps read it gets a warning before the run (use sequential, or one group_name
    per independent chain).
    """
    from dotflow.cli.compose import compose
    from dotflow.cli.console import configure_logging
    from dotflow.cli.running import Reporting

    debug = bool(ctx.obj.get("debug", False)) if ctx.obj else False
    configure_logging(verbose=verbose, debug=debug)
    options = run_options(ctx, params)
    composed = compose(options)
    reporting = Reporting(composed, quiet=quiet or as_json, tracebacks=debug)
    # With --json, stdout holds the document only: what steps print goes to stderr.
    printed = contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()
    try:
        with printed:
            reporting.start(**options.start_kwargs())
    except KeyboardInterrupt:
        reporting.close()
        _interrupted(reporting)
    finally:
        reporting.close()  # closing twice is harmless
    if as_json:
        click.echo(json.dumps(composed.workflow.result().to_dict(), indent=2, ensure_ascii=False))
    from dotflow.cli.delivery import EXIT_NOT_REPORTED, delivery_summary

    delivery = delivery_summary(composed.workflow.config.server)
    if delivery is not None:
        click.echo(delivery[0], err=True)
    if reporting.failed:
        ctx.exit(EXIT_FAILED)
    if strict_report and delivery is not None:
        ctx.exit(EXIT_NOT_REPORTED)

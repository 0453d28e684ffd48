"""``dotflow start``: run a step or a workflow once."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

from dotflow.cli.errors import EXIT_FAILED
from dotflow.cli.options import entry_options, output_options

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
    """Run a step or a workflow once, then exit 0, or 1 if a task failed (3 with
    --strict-report when managed-mode status reports were lost).

    \b
    dotflow start --step my_module.my_task
    dotflow start --step my_module.my_task --initial-context '{"key": "value"}'
    dotflow start --workflow my_pkg.workflow.main --mode parallel
    dotflow start --step my_module.my_task --storage file --path .output

    The current directory is importable. With --workflow, MODULE.FACTORY is called and must
    return a DotFlow; --mode, --storage and --path given here override what it configured.
    """
    from dotflow.cli.compose import compose
    from dotflow.cli.console import configure_logging
    from dotflow.cli.running import Reporting

    configure_logging(verbose=verbose, debug=ctx.obj.get("debug", False) if ctx.obj else False)
    options = run_options(ctx, params)
    composed = compose(options)
    reporting = Reporting(composed, quiet=quiet or as_json)
    # With --json, stdout holds the document only: what steps print goes to stderr.
    printed = contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()
    try:
        with printed:
            reporting.start(**options.start_kwargs())
    finally:
        reporting.close()
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

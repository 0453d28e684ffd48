"""The ``dotflow`` command group.

Kept small on purpose: ``dotflow --help`` imports this module and Click, nothing else of the CLI.
Each subcommand's module is imported only when that subcommand runs.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from dotflow.cli.lazy import LazyGroup

__all__ = ["cli", "main"]

COMMANDS = {
    "init": ("dotflow.cli.commands.init:init", "Create a new dotflow project from a template."),
    "start": ("dotflow.cli.commands.start:start", "Run a step or a workflow once."),
    "schedule": (
        "dotflow.cli.commands.schedule:schedule",
        "Run a step or a workflow on a cron schedule.",
    ),
    "log": (
        "dotflow.cli.commands.log:log",
        "Show the execution log of past and running workflows.",
    ),
    "plugins": (
        "dotflow.cli.commands.plugins:plugins",
        "List the adapters installed for every port.",
    ),
}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    def of(distribution: str) -> str:
        try:
            return version(distribution)
        except PackageNotFoundError:
            return "not installed"

    python = ".".join(map(str, sys.version_info[:3]))
    click.echo(
        f"dotflow-cli {of('dotflow-cli')} (dotflow-core {of('dotflow-core')}, Python {python})"
    )
    ctx.exit()


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the versions of dotflow-cli, dotflow-core and Python, then exit.",
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="DOTFLOW_DEBUG",
    help="Show tracebacks (of errors and failed tasks) and debug logs (also DOTFLOW_DEBUG=1).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """dotflow: run execution pipelines from the command line.

    \b
    Exit codes: 0 success, 1 a task failed, 2 bad input, 130 interrupted (Ctrl-C).
    Shell completion: eval "$(_DOTFLOW_COMPLETE=bash_source dotflow)" (zsh_source, fish_source).
    """
    ctx.obj = {"debug": debug}


def main(argv: list[str] | None = None) -> Any:
    """The console script: ``dotflow = "dotflow.cli.main:main"``."""
    return cli.main(args=argv, prog_name="dotflow")

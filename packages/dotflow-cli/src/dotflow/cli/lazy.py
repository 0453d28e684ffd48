"""A Click group that imports a subcommand's module only when that subcommand runs.

``dotflow --help`` lists the commands from their one-line summaries kept here, so it imports no
command module or adapter. Other distributions add commands through the ``dotflow.commands``
entry-point group (``name = "module:click_command"``); ``--help`` lists them from the metadata
files alone and imports one only when it runs.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from dotflow.core.entry_points import EntryPoint

__all__ = ["PLUGIN_GROUP", "LazyGroup"]

PLUGIN_GROUP = "dotflow.commands"


@functools.cache
def _plugin_commands() -> dict[str, EntryPoint]:
    # Reads the installed distributions' entry_points.txt files; imports none of them.
    from dotflow.core.entry_points import entry_points

    return {ep.name: ep for ep in entry_points({PLUGIN_GROUP})}


def _load_plugin(ep: EntryPoint) -> click.Command:
    try:
        command = ep.load()
    except Exception as error:
        msg = (
            f"the command {ep.name!r} of {ep.distribution} cannot be loaded "
            f"({type(error).__name__}: {error}); reinstall or upgrade {ep.distribution}"
        )
        raise click.ClickException(msg) from error
    if not isinstance(command, click.Command):
        msg = f"{ep.value} ({ep.distribution}) is not a click command"
        raise click.ClickException(msg)
    return command


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        pass


class LazyGroup(click.Group):
    """A group whose commands are ``"module:attribute"`` paths, imported on first use.

    Args:
        lazy_commands: command name -> (``"module:attribute"``, one-line help).
    """

    def __init__(
        self, *args: Any, lazy_commands: dict[str, tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands, *_plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            path = self.lazy_commands[cmd_name][0]
            module_name, _, attribute = path.partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):  # pragma: no cover - a wiring mistake
                msg = f"{path} is not a click command"
                raise TypeError(msg)
            return command
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in _plugin_commands():
            found = _load_plugin(_plugin_commands()[cmd_name])
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        helps = {name: summary for name, (_, summary) in self.lazy_commands.items()}
        for name, ep in _plugin_commands().items():
            helps.setdefault(name, f"Provided by {ep.distribution} (see its --help).")
        rows = sorted(helps.items())
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; expected failures become one ``Error:`` line and exit code 1 or 2."""
        from dotflow.cli.errors import translate

        try:
            return super().invoke(ctx)
        except click.exceptions.ClickException as error:
            cause = error.__cause__
            if ctx.params.get("debug") and cause is not None:
                traceback.print_exception(cause, file=sys.stderr)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`dotflow log | head`): stop quietly, as Unix tools do.
            _silence_stdout()
            raise click.exceptions.Exit(1) from None
        except Exception as error:
            if ctx.params.get("debug"):
                traceback.print_exc(file=sys.stderr)
            raise translate(error) from error

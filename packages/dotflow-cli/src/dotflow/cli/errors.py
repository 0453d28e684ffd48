"""The CLI's errors: one ``Error: ...`` line on stderr and an exit code, never a traceback.

Exit codes: 0 success, 1 the workflow ran and a task failed (or the run itself broke), 2 bad
input, 130 interrupted by Ctrl-C (128 + SIGINT, as shells report it). ``dotflow --debug ...``
prints the traceback as well.
"""

from __future__ import annotations

import click

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "BadInput",
    "RunFailed",
    "one_line",
    "translate",
]

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def one_line(text: str) -> str:
    """``text`` with its line breaks folded, so an error stays one line."""
    return " ".join(str(text).split())


class BadInput(click.ClickException):
    """Bad input: an unknown module, attribute, adapter or value. Exit code 2.

    Like Flask's ``NoAppException``, it is an error the user fixes in the command line or their
    code, so it shows only the message.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class RunFailed(click.ClickException):
    """The workflow could not finish (not a task failure: those are reported per task). Exit 1."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def translate(error: BaseException) -> click.ClickException:
    """The CLI error for an exception that escaped a command."""
    from dotflow.spi.errors import DotflowError

    if isinstance(error, DotflowError):
        return BadInput(str(error))
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return RunFailed(f"{detail} (run 'dotflow --debug ...' for the traceback)")

"""Options shared by ``dotflow start`` and ``dotflow schedule``.

Adapter names (``--mode``, ``--storage``) are checked against the entry points when the command
runs, not when this module is imported, so ``--help`` never scans entry points, and a plugin is
usable the moment it is installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem

__all__ = ["AdapterName", "entry_options", "output_options", "parse_initial_context"]


class AdapterName(click.ParamType):  # type: ignore[type-arg]  # generic in recent click only
    """The name of an adapter registered for ``port`` (``"storage"``, ``"execution"``, ...)."""

    def __init__(self, port: str, metavar: str) -> None:
        self.port = port
        self.metavar = metavar
        self.name = metavar.lower()

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from dotflow.core import registry
        from dotflow.spi.errors import AdapterNotFoundError

        name = str(value)
        try:
            registry.load(self.port, name)
        except AdapterNotFoundError as error:
            self.fail(str(error), param, ctx)
        except Exception as error:  # the plugin is installed but broken
            self.fail(
                f"the {self.port} adapter {name!r} failed to load: {type(error).__name__}: {error} "
                "(see 'dotflow plugins')",
                param,
                ctx,
            )
        return name

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from dotflow.core import registry

        return [CompletionItem(n) for n in registry.names(self.port) if n.startswith(incomplete)]


def parse_initial_context(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """JSON when the text is JSON (``'{"key": "value"}'``, ``42``), else the text itself (``abc``).

    Text that starts like a JSON object or array but does not parse is an error, not a string:
    a typo in a document should not run the workflow with the wrong input.
    """
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError as error:
        if value.lstrip().startswith(("{", "[")):
            msg = f"invalid JSON: {error.args[0] if error.args else error}"
            raise click.BadParameter(msg) from None
        return value


def _options(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(function: Any) -> Any:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


entry_options = _options(
    click.option(
        "--step",
        "-s",
        metavar="MODULE.FUNC",
        help="Run one @action step (or a class with @action methods), e.g. my_module.my_task.",
    ),
    click.option(
        "--workflow",
        "-w",
        metavar="MODULE.FACTORY",
        help="Call a factory that returns a DotFlow and run that workflow.",
    ),
    click.option(
        "--mode",
        "-m",
        type=AdapterName("execution", "MODE"),
        default="sequential",
        show_default=True,
        help="Execution mode: sequential, sequential_group, background, parallel, or any mode a "
        "plugin registers (see 'dotflow plugins'). parallel runs every task on its own at once, "
        "so previous_context is empty there: use it for independent tasks.",
    ),
    click.option(
        "--dask-address",
        metavar="ADDRESS",
        help="The scheduler of an existing Dask cluster for --mode dask, e.g. tcp://host:8786 "
        "(DOTFLOW_DASK_ADDRESS works too; without either a local cluster is started).",
    ),
    click.option(
        "--storage",
        "-o",
        type=AdapterName("storage", "NAME"),
        default="default",
        show_default=True,
        help="Where results go: default (memory), file, s3, gcs or a plugin's storage.",
    ),
    click.option(
        "--path",
        "-p",
        metavar="PATH",
        help="Folder of the file storage (alone it means --storage file); bucket[/prefix] for "
        "s3 and gcs.",
    ),
    click.option(
        "--storage-option",
        "-O",
        "storage_options",
        metavar="KEY=VALUE",
        multiple=True,
        help="A keyword argument of the storage's constructor (repeatable): -O durable=true.",
    ),
    click.option(
        "--serializer",
        type=click.Choice(["json", "pickle"]),
        help="How the storage writes results: json (exact JSON, tagged for tuples, sets, bytes, "
        "dates ...; the default) or pickle (any picklable object; unpickling runs code from the "
        "stored data, so only for storage nobody else can write to).",
    ),
    click.option(
        "--initial-context",
        "-i",
        metavar="VALUE",
        callback=parse_initial_context,
        help="The step's initial context: JSON when it parses as JSON, else the text as given.",
    ),
    click.option(
        "--callback",
        "-c",
        metavar="MODULE.FUNC",
        help="Called as callback(task=...) when the step finishes.",
    ),
    click.option(
        "--workflow-id",
        metavar="ID",
        help="A fixed workflow id (default: WORKFLOW_ID, else a new UUID), needed to --resume.",
    ),
    click.option(
        "--resume",
        is_flag=True,
        help="Skip the tasks whose results the storage kept from an earlier run.",
    ),
    click.option(
        "--on-input-change",
        type=click.Choice(["reuse", "reset", "raise"]),
        default="reuse",
        show_default=True,
        help="With --resume, when the initial contexts changed since the checkpoints.",
    ),
    click.option(
        "--keep-going",
        is_flag=True,
        help="Run the remaining tasks after one fails.",
    ),
    click.option(
        "--tracer",
        type=AdapterName("tracer", "NAME"),
        help="Trace runs with this tracer: otel (dotflow-otel) or a plugin's; default: none, or "
        "otel when OTEL_EXPORTER_OTLP_ENDPOINT is set and dotflow-otel is installed.",
    ),
    click.option(
        "--metrics",
        type=AdapterName("metrics", "NAME"),
        help="Record run metrics with this adapter: otel (dotflow-otel) or a plugin's; default "
        "as for --tracer.",
    ),
    click.option(
        "--log",
        type=AdapterName("log", "NAME"),
        help="Send task status records to this log adapter instead of the workflow's own: otel "
        "(dotflow-otel) or a plugin's.",
    ),
)

output_options = _options(
    click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
    click.option(
        "--json", "as_json", is_flag=True, help="Print the run's result as JSON, nothing else."
    ),
    click.option("--verbose", "-v", is_flag=True, help="Also log every status change to stderr."),
)

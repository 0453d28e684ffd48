"""``--tracer`` / ``--metrics`` / ``--log``: the telemetry adapters of a run.

A name given on the command line wins over what a ``--workflow`` factory configured. Without
one, when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set and an ``otel`` tracer and metrics adapter is
installed (dotflow-otel), traces and metrics go there, as an OpenTelemetry-instrumented program's
would; stderr says so once, with how to turn it off (``--tracer default --metrics default``).
A tracer or metrics adapter that a factory configured itself is kept.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from dotflow.cli.errors import BadInput

if TYPE_CHECKING:
    from dotflow import Config

__all__ = ["apply_telemetry"]

_PORTS = ("tracer", "metrics", "log")
_AUTO = "otel"
_announced = False


def _build(port: str, name: str) -> Any:
    from dotflow.core import registry

    try:
        return registry.load(port, name)()
    except Exception as error:
        raise BadInput(
            f"cannot create the {port} adapter {name!r}: {type(error).__name__}: {error}"
        ) from error


def _auto() -> list[str]:
    """The ports that pick up the ``otel`` adapters from ``OTEL_EXPORTER_OTLP_ENDPOINT``."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip():
        return []
    from dotflow.core import registry

    return [port for port in ("tracer", "metrics") if _AUTO in registry.names(port)]


def apply_telemetry(config: Config, names: dict[str, str | None]) -> None:
    """Set ``config``'s tracer, metrics and log from ``names`` (``{"tracer": "otel", ...}``)."""
    global _announced
    for port in _PORTS:
        name = names.get(port)
        if name is not None:
            setattr(config, port, _build(port, name))
    auto = [port for port in _auto() if names.get(port) is None and getattr(config, port).noop]
    for port in auto:
        setattr(config, port, _build(port, _AUTO))
    if auto and not _announced:
        _announced = True
        click.echo(
            f"dotflow: OTEL_EXPORTER_OTLP_ENDPOINT is set: sending {' and '.join(auto)} there "
            f"through dotflow-otel (--{' default --'.join(auto)} default turns this off)",
            err=True,
        )

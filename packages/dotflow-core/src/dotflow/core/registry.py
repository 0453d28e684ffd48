"""Adapters by port and name, discovered through entry points.

Every adapter, built-in or third-party, is an entry point ``name = "module:Class"`` in the group of
its port. The groups are scanned once per process; an adapter's module is imported only when that
adapter is loaded.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from dotflow.core.exceptions import AdapterNotFoundError, ExecutionModeNotFoundError

if TYPE_CHECKING:
    from dotflow.core.entry_points import EntryPoint

__all__ = ["GROUPS", "PluginInfo", "find_class", "load", "names", "plugins"]

#: port name -> entry-point group
GROUPS = {
    "storage": "dotflow.storage",
    "notify": "dotflow.notify",
    "log": "dotflow.log",
    "server": "dotflow.server",
    "scheduler": "dotflow.scheduler",
    "execution": "dotflow.execution",
    "tracer": "dotflow.tracer",
    "metrics": "dotflow.metrics",
}

# Adapters of this project that live in their own distribution, for install hints.
_DISTRIBUTIONS = {
    ("storage", "s3"): ("StorageS3", "dotflow-aws"),
    ("storage", "gcs"): ("StorageGCS", "dotflow-gcp"),
    ("notify", "telegram"): ("NotifyTelegram", "dotflow-telegram"),
    ("server", "api"): ("ServerAPI", "dotflow-server"),
    ("scheduler", "cron"): ("SchedulerCron", "dotflow-cron"),
    ("execution", "dask"): ("ExecutionDask", "dotflow-dask"),
    ("tracer", "otel"): ("TracerOpenTelemetry", "dotflow-otel"),
    ("metrics", "otel"): ("MetricsOpenTelemetry", "dotflow-otel"),
    ("log", "otel"): ("LogOpenTelemetry", "dotflow-otel"),
}


class PluginInfo(NamedTuple):
    """One registered adapter, as ``dotflow plugins`` lists it."""

    port: str
    name: str
    value: str
    distribution: str
    error: str | None = None


@functools.cache
def _entry_points() -> dict[str, dict[str, EntryPoint]]:
    from dotflow.core.entry_points import entry_points

    ports = {group: port for port, group in GROUPS.items()}
    found: dict[str, dict[str, EntryPoint]] = {port: {} for port in GROUPS}
    for ep in entry_points(ports):  # one pass over the installed distributions
        found[ports[ep.group]].setdefault(ep.name, ep)  # the first distribution wins a name
    return found


def _port_class(port: str) -> type:
    import dotflow.abc as abc

    base: type = getattr(abc, port.capitalize())
    return base


def names(port: str) -> list[str]:
    """The adapter names registered for ``port`` (e.g. ``"storage"``), sorted."""
    return sorted(_entry_points()[port])


def install_hint(port: str, name: str) -> str:
    """The install hint for a known adapter of another distribution, else ``""``."""
    known = _DISTRIBUTIONS.get((port, name))
    return f": {name} is provided by {known[1]} (pip install {known[1]})" if known else ""


@functools.cache
def load(port: str, name: str) -> type:
    """The adapter class registered as ``name`` for ``port``.

    Raises:
        AdapterNotFoundError: no such name (with a "did you mean" and the distribution to install).
        TypeError: the entry point does not name a class implementing the port.
    """
    if port not in GROUPS:
        msg = f"unknown port {port!r}: use one of {', '.join(GROUPS)}"
        raise ValueError(msg)
    registered = _entry_points()[port]
    entry = registered.get(name)
    if entry is None:
        hint = install_hint(port, name)
        if not hint:
            import difflib

            close = difflib.get_close_matches(str(name), list(registered), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        error = ExecutionModeNotFoundError if port == "execution" else AdapterNotFoundError
        raise error(port if port != "execution" else "execution mode", str(name), names(port), hint)
    cls = entry.load()
    base = _port_class(port)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        msg = (
            f"the {port} adapter {name!r} ({entry.value}) is not a subclass of "
            f"dotflow.abc.{base.__name__}"
        )
        raise TypeError(msg)
    return cls


def find_class(attribute: str) -> type:
    """The adapter class whose entry point's attribute is ``attribute`` (e.g. ``"StorageS3"``).

    Raises:
        ModuleNotFoundError: no installed distribution provides it; names the one to install.
    """
    for port, entries in _entry_points().items():
        for name, entry in entries.items():
            if entry.value.rpartition(":")[2] == attribute:
                return load(port, name)
    for (_, _), (cls_name, distribution) in _DISTRIBUTIONS.items():
        if cls_name == attribute:
            msg = f"{attribute} is provided by {distribution}: pip install {distribution}"
            raise ModuleNotFoundError(msg, name=distribution)
    msg = f"no dotflow adapter named {attribute!r} is installed"
    raise ModuleNotFoundError(msg, name=attribute)


def plugins() -> list[PluginInfo]:
    """Every registered adapter with its distribution; ``error`` says why one fails to load."""
    rows = []
    for port, entries in _entry_points().items():
        for name, entry in sorted(entries.items()):
            dist = entry.distribution
            error = None
            try:
                load(port, name)
            except Exception as failure:
                error = f"{type(failure).__name__}: {failure}"
            rows.append(PluginInfo(port, name, entry.value, dist, error))
    return rows

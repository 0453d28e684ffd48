"""The built-in execution modes, registered in the ``dotflow.execution`` entry-point group.

Each mode is imported when it is first used (``registry.load`` imports only the one a run asks
for): a sequential run never pays for ``pickle`` and the process machinery of ``parallel``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dotflow.core.execution.background import Background
    from dotflow.core.execution.parallel import Parallel
    from dotflow.core.execution.sequential import Sequential, SequentialGroup

__all__ = ["Background", "Parallel", "Sequential", "SequentialGroup"]

_HOMES = {
    "Background": "background",
    "Parallel": "parallel",
    "Sequential": "sequential",
    "SequentialGroup": "sequential",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value

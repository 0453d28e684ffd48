"""Module paths of adapters that live in other distributions (dotflow 1.0.1's and the seeds').

``dotflow.providers.storage_s3`` and the like are kept as thin modules whose attributes are
looked up through the registry on first use, so importing them never imports an adapter.
"""

from __future__ import annotations

__all__ = ["adapter_class"]


def adapter_class(module: str, name: str, provided: list[str]) -> type:
    """The adapter class ``name`` of the compatibility module ``module``.

    Raises:
        ModuleNotFoundError: the distribution that provides it is not installed (names it).
        AttributeError: ``module`` never provided ``name``.
    """
    if name not in provided:
        msg = f"module {module!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from dotflow.core.registry import find_class

    return find_class(name)

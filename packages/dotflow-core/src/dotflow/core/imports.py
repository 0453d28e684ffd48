"""Resolving ``"pkg.mod.func"`` and ``"pkg.mod:func"`` paths to objects."""

from __future__ import annotations

import importlib
from typing import Any

from dotflow.core.exceptions import StepImportError

__all__ = ["import_path"]


def _did_you_mean(name: str, owner: Any) -> str:
    """``"; did you mean 'main'?"`` when ``owner`` has a public name close to ``name``."""
    from difflib import get_close_matches

    public = [n for n in dir(owner) if not n.startswith("_")]
    close = get_close_matches(name, public, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def import_path(path: str) -> Any:
    """Import the object a dotted path names.

    Args:
        path: ``"package.module.attribute"`` or ``"package.module:attribute"``; the attribute may
            itself be dotted (``"pkg.mod:Class.method"``).
    """
    if not isinstance(path, str) or not path.strip():
        raise StepImportError(str(path), "expected 'module.attribute' or 'module:attribute'")
    if ":" in path:
        module_name, _, attribute = path.partition(":")
        candidates = [(module_name, attribute)]
    else:
        parts = path.split(".")
        # Try the longest importable module first: "a.b.c" may be module a.b + attribute c, or
        # module a + attribute b.c (a class method).
        candidates = [
            (".".join(parts[:i]), ".".join(parts[i:])) for i in range(len(parts) - 1, 0, -1)
        ]
    if not candidates or not all(m and a for m, a in candidates):
        raise StepImportError(path, "expected 'module.attribute' or 'module:attribute'")
    last_error = ""
    for module_name, attribute in candidates:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and not module_name.startswith(error.name):
                # The module exists but one of its own imports is missing: say so.
                raise StepImportError(path, f"importing {module_name!r} failed: {error}") from error
            last_error = f"no module named {module_name!r}"
            continue
        obj: Any = module
        for name in attribute.split("."):
            try:
                obj = getattr(obj, name)
            except AttributeError:
                reason = f"module {module_name!r} has no attribute {attribute!r}"
                raise StepImportError(path, reason + _did_you_mean(name, obj)) from None
        return obj
    raise StepImportError(path, last_error + " (is the current directory or package on sys.path?)")

"""The entry points of the installed distributions, read without importing importlib.metadata.

``importlib.metadata`` imports ``email``, ``zipfile``, ``csv`` and ``pathlib`` on the way (about
20 ms, more than everything else the first ``start()`` of a process does) to answer what, in the
usual layout, a few file reads answer: the folders on ``sys.path`` hold ``*.dist-info`` /
``*.egg-info`` folders, and each may hold an ``entry_points.txt``. This module reads those files
with importlib.metadata's own rules (the first folder on ``sys.path`` that holds a distribution
wins it; blank lines and ``#`` comments are skipped; ``name = module:attr [extras]``), and hands
the whole question to importlib.metadata when the environment holds anything else: a zip file or
an ``.egg`` on ``sys.path``, or an import hook of its own that finds distributions.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Iterator
from typing import Any

__all__ = ["EntryPoint", "entry_points"]

_INFO_SUFFIXES = (".dist-info", ".egg-info")
# Finders that search sys.path for distributions exactly as the standard PathFinder does (the
# importlib_metadata backport installs one when it is imported).
_PATH_FINDERS = frozenset({"MetadataPathFinder"})


class EntryPoint:
    """One entry point: ``name = value`` in ``group``, declared by a distribution."""

    __slots__ = ("_distribution", "_info", "group", "name", "value")

    def __init__(
        self,
        name: str,
        value: str,
        group: str,
        info: str | None = None,
        distribution: str | None = None,
    ) -> None:
        self.name = name
        self.value = value
        self.group = group
        self._info = info
        self._distribution = distribution

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"

    def load(self) -> Any:
        """Import the module and return the attribute the value names (``module:attr.sub``)."""
        from importlib import import_module

        module, _, attribute = self.value.split("[", 1)[0].partition(":")
        loaded = import_module(module.strip())
        for part in filter(None, attribute.strip().split(".")):
            loaded = getattr(loaded, part)
        return loaded

    @property
    def distribution(self) -> str:
        """The name of the distribution that declares it (``"?"`` when it cannot be told)."""
        if self._distribution is None:
            self._distribution = _distribution_name(self._info) if self._info else "?"
        return self._distribution


def entry_points(groups: Collection[str]) -> list[EntryPoint]:
    """Every entry point in ``groups``, distributions in ``sys.path`` order.

    A distribution installed in two folders counts once, from the first folder, as
    ``importlib.metadata.entry_points()`` has it.
    """
    if not _plain_layout():
        return _from_importlib(groups)
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for info in _distributions():
        name = _normalize(_folder_name(info))
        if name in seen:
            continue
        seen.add(name)
        try:
            with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:  # no entry points, or an .egg-info file rather than a folder
            continue
        found.extend(ep for ep in _parse(text, info) if ep.group in groups)
    return found


def _plain_layout() -> bool:
    """Whether every distribution is a folder inside a folder on ``sys.path``."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if (
            finder is not PathFinder
            and hasattr(finder, "find_distributions")
            and type(finder).__qualname__ not in _PATH_FINDERS
        ):
            return False
    for entry in sys.path:
        if not isinstance(entry, str) or entry.endswith(".egg") or os.path.isfile(entry or "."):
            return False
    return True


def _distributions() -> Iterator[str]:
    """The metadata folders in ``sys.path`` order (within a folder, in listing order)."""
    for entry in sys.path:
        folder = entry or "."
        try:
            children = os.listdir(folder)
        except OSError:
            continue
        for child in children:
            if child.lower().endswith(_INFO_SUFFIXES):
                yield os.path.join(folder, child)


def _folder_name(info: str) -> str:
    """The distribution name in a metadata folder name: ``foo_bar`` of ``foo_bar-1.0.dist-info``."""
    return os.path.basename(info).rpartition(".")[0].partition("-")[0]


def _normalize(name: str) -> str:
    """importlib.metadata's key for a distribution name (``Foo.Bar-baz`` -> ``foo_bar_baz``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _parse(text: str, info: str) -> Iterator[EntryPoint]:
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
            continue
        name, equals, value = line.partition("=")
        if group is not None and equals:
            yield EntryPoint(name.strip(), value.strip(), group, info)


def _distribution_name(info: str) -> str:
    """The ``Name`` field of the distribution's metadata (the folder name when it has none)."""
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(info, filename), encoding="utf-8") as handle:
                for line in handle:
                    if line.lower().startswith("name:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break  # the headers ended
        except OSError:
            continue
    return _folder_name(info)


def _from_importlib(groups: Collection[str]) -> list[EntryPoint]:
    from importlib.metadata import entry_points as installed

    every = installed()
    return [
        EntryPoint(ep.name, ep.value, ep.group, distribution=ep.dist.name if ep.dist else "?")
        for group in groups
        for ep in every.select(group=group)
    ]

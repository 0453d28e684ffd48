"""``dotflow init``: a new project from the template shipped with dotflow-cli (no network)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dotflow.cli.errors import BadInput

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["init", "render_project"]

_SUFFIX = ".tmpl"
# Template paths that are not written under their own name.
_RENAMES = {"gitignore": ".gitignore"}


def _package_name(name: str) -> str:
    package = re.sub(r"[^0-9a-zA-Z_]", "_", name).lower()
    if not package.isidentifier() or package[0] == "_":
        raise BadInput(
            f"cannot make a Python package name from {name!r}: start the project name with a "
            "letter and use letters, digits, '-' and '_'"
        )
    return package


def _templates() -> Traversable:
    from importlib.resources import files

    return files("dotflow.cli") / "templates" / "project"


def _requirement() -> str:
    """What a new project depends on: the dotflow release this CLI belongs to, up to the next major.

    A bare ``dotflow`` would let an installer pick the older, unrelated dotflow 1.x of the package
    index, which breaks the project's own test.
    """
    from importlib.metadata import version

    release = version("dotflow-cli")
    major = int(release.split(".")[0])
    return f"dotflow>={release},<{major + 1}"


def render_project(name: str, package: str) -> dict[str, str]:
    """The files of a new project: relative path -> content."""
    from string import Template

    requirement = _requirement()

    rendered: dict[str, str] = {}

    def walk(folder, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                target = package if entry.name == "package" else entry.name
                walk(entry, f"{prefix}{target}/")
            elif entry.name.endswith(_SUFFIX):
                stem = entry.name[: -len(_SUFFIX)]
                path = prefix + _RENAMES.get(stem, stem)
                text = entry.read_text(encoding="utf-8")
                rendered[path] = Template(text).substitute(
                    name=name, package=package, requirement=requirement
                )

    walk(_templates(), "")
    return rendered


@click.command()
@click.argument("name", required=False, metavar="[NAME]")
def init(name: str | None) -> None:
    """Create a new project in folder NAME (default: the current, empty folder).

    \b
    It holds a pyproject.toml, a package with actions and a workflow factory, a test and a
    README. Then: cd NAME && dotflow start --workflow NAME.workflow.main
    """
    folder = Path(name) if name else Path.cwd()
    project = folder.resolve().name
    package = _package_name(project)
    if folder.exists():
        if not folder.is_dir():
            raise BadInput(f"{folder} exists and is not a folder")
        if any(folder.iterdir()):
            raise BadInput(
                f"{folder} is not empty; dotflow init only writes into a new or empty folder"
            )
    files = render_project(project, package)
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # never overwrite
            handle.write(content)
    where = name or "."
    click.echo(f"Created {project} in {where} ({len(files)} files). Next:")
    if name:
        click.echo(f"  cd {name}")
    click.echo(f"  dotflow start --workflow {package}.workflow.main")
    click.echo("  pytest")

"""Keep every distribution under packages/ at the one version written in the root VERSION file.

uv_build needs a static ``version`` in each pyproject.toml, so the version is written in several
files; this script is the only thing that should edit it there. Every dependency of one workspace
distribution on another is pinned to that exact version (``dotflow-core==2.0.0``), extras included,
so an install never mixes our distributions with another release (or with the older ``dotflow``
1.0.1 on the package index, which has no ``dotflow-core`` at all).

Usage:
    python tools/version.py              # check: exit 1 and list every disagreement
    python tools/version.py --write      # write VERSION into every pyproject.toml
    python tools/version.py --set 2.1.0  # change VERSION, then write it everywhere

After ``--write`` or ``--set``, run ``uv lock`` (the lock records workspace versions too).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["ROOT", "distributions", "mismatches", "read_version", "write"]

ROOT = Path(__file__).resolve().parents[1]
VERSION_FILE = ROOT / "VERSION"

_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?$")
_VERSION_LINE = re.compile(r'^(version\s*=\s*")([^"]*)(")', re.MULTILINE)
# The name (and extras) at the start of a requirement string, the rest is the specifier.
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")


def read_version() -> str:
    """The one version source: the root ``VERSION`` file."""
    version = VERSION_FILE.read_text().strip()
    if not _SEMVER.match(version):
        msg = f"{VERSION_FILE}: {version!r} is not a version like 2.0.0 or 2.1.0rc1"
        raise ValueError(msg)
    return version


def distributions() -> dict[str, Path]:
    """Every distribution of the workspace: its name -> its pyproject.toml."""
    return {
        tomllib.loads(path.read_text())["project"]["name"]: path
        for path in sorted(ROOT.glob("packages/*/pyproject.toml"))
    }


def _requirements(project: dict[str, Any]) -> list[str]:
    found: list[str] = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        found.extend(extra)
    return found


def mismatches(version: str | None = None) -> list[str]:
    """Every way the workspace disagrees with ``version`` (VERSION when omitted), one line each."""
    version = version or read_version()
    dists = distributions()
    problems = []
    for name, pyproject in dists.items():
        project = tomllib.loads(pyproject.read_text())["project"]
        if project.get("version") != version:
            problems.append(f"{name}: version {project.get('version')}, VERSION says {version}")
        for requirement in _requirements(project):
            match = _REQUIREMENT.match(requirement)
            if match and match.group(1) in dists and match.group(3) != f"=={version}":
                problems.append(
                    f"{name}: requires {requirement!r}, must pin {match.group(1)}=={version}"
                )
    return problems


def _pin_line(line: str, names: set[str], version: str) -> str:
    def pin(match: re.Match[str]) -> str:
        requirement = _REQUIREMENT.match(match.group(1))
        if requirement is None or requirement.group(1) not in names:
            return match.group(0)
        return f'"{requirement.group(1)}{requirement.group(2) or ""}=={version}"'

    return re.sub(r'"([^"]*)"', pin, line)


def _rewrite(text: str, names: set[str], version: str) -> str:
    text = _VERSION_LINE.sub(lambda m: f"{m.group(1)}{version}{m.group(3)}", text, count=1)
    lines = []
    section = ""
    in_dependencies = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") and not in_dependencies:
            section = stripped
        elif section == "[project]" and stripped.startswith("dependencies"):
            in_dependencies = "]" not in stripped.split("=", 1)[1] or stripped.endswith("[")
            line = _pin_line(line, names, version)
        elif in_dependencies:
            in_dependencies = not stripped.startswith("]")
            line = _pin_line(line, names, version)
        elif section == "[project.optional-dependencies]" and "=" in stripped:
            key, _, value = line.partition("=")
            line = key + "=" + _pin_line(value, names, version)
        lines.append(line)
    return "".join(lines)


def write(version: str | None = None) -> list[Path]:
    """Write ``version`` (VERSION when omitted) into every pyproject.toml; return changed files."""
    version = version or read_version()
    dists = distributions()
    changed = []
    for pyproject in dists.values():
        text = pyproject.read_text()
        new = _rewrite(text, set(dists), version)
        if new != text:
            pyproject.write_text(new)
            changed.append(pyproject)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Check, write or set the workspace version; see the module docstring."""
    parser = argparse.ArgumentParser(
        description="Keep every distribution under packages/ at the version in VERSION."
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write VERSION everywhere")
    group.add_argument("--set", metavar="VERSION", help="change VERSION and write it everywhere")
    args = parser.parse_args(argv)
    if args.set:
        if not _SEMVER.match(args.set):
            parser.error(f"{args.set!r} is not a version like 2.0.0 or 2.1.0rc1")
        VERSION_FILE.write_text(args.set + "\n")
    if args.set or args.write:
        for path in write():
            print(f"updated {path.relative_to(ROOT)}")
        problems = mismatches()
        for problem in problems:  # a requirement spread in a way this script cannot rewrite
            print(f"still wrong, edit by hand: {problem}", file=sys.stderr)
        print("now run: uv lock")
        return 1 if problems else 0
    problems = mismatches()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("fix with: python tools/version.py --write && uv lock", file=sys.stderr)
        return 1
    print(f"every distribution is at {read_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

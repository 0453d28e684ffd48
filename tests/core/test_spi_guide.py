"""docs/writing-an-adapter.md: its code, taken as written, is a working plugin.

The guide's code blocks marked ``<!-- file: ... -->`` are written to a folder with the
distribution metadata its ``pyproject.toml`` block declares; then the guide's contract tests run
on them (in a pytest of their own), and dotflow finds the adapters through their entry points.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

GUIDE = Path(__file__).parents[2] / "docs" / "writing-an-adapter.md"
_FILE = re.compile(r"<!-- file: (?P<name>[\w/.]+) -->\n```python\n(?P<code>.*?)\n```", re.S)
_TOML = re.compile(r"```toml\n# pyproject.toml\n(?P<code>.*?)\n```", re.S)


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's plugin, installed in a folder as a wheel would install it."""
    root = tmp_path_factory.mktemp("guide")
    text = GUIDE.read_text()
    files = {m["name"]: m["code"] for m in _FILE.finditer(text)}
    assert set(files) == {
        "dotflow_sqlite/storage.py",
        "dotflow_sqlite/webhook.py",
        "test_adapters.py",
    }
    for name, code in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code + "\n")
    (root / "dotflow_sqlite" / "__init__.py").write_text("")
    project = tomllib.loads(_TOML.search(text)["code"])["project"]  # type: ignore[index]
    info = root / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    (info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
            for group, points in project["entry-points"].items()
        )
    )
    return root


def _run(plugin: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, *args],
        cwd=plugin,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": path},
    )


def test_the_guides_code_is_lint_clean(plugin: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "check", "--config", str(GUIDE.parents[1] / "pyproject.toml"), str(plugin)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_guides_adapters_pass_the_contracts(plugin: Path) -> None:
    done = _run(
        plugin, "-m", "pytest", "test_adapters.py", "-q", "-p", "no:cacheprovider",
        "-p", "no:randomly", "--rootdir", str(plugin),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    # Every test of both suites ran (none was skipped or deselected).
    from dotflow.testing import NotifyContract, StorageContract

    expected = sum(
        len([name for name in dir(suite) if name.startswith("test_")])
        for suite in (StorageContract, NotifyContract)
    )
    assert f"{expected} passed" in done.stdout, done.stdout[-2000:]


def test_dotflow_finds_the_adapters_by_their_entry_points(plugin: Path) -> None:
    done = _run(plugin, "-m", "dotflow", "plugins", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    mine = {
        (row["port"], row["name"]): row for row in rows if row["distribution"] == "dotflow-sqlite"
    }
    assert set(mine) == {("storage", "sqlite"), ("notify", "webhook")}
    assert all(row["error"] is None for row in mine.values())


def test_the_cli_runs_a_workflow_on_the_guides_storage(plugin: Path) -> None:
    (plugin / "guide_steps.py").write_text(
        "from dotflow import action\n\n\n@action\ndef answer():\n    return (42, 'exact')\n"
    )
    database = plugin / "cli.sqlite3"
    done = _run(
        plugin, "-m", "dotflow", "start", "--step", "guide_steps.answer",
        "--storage", "sqlite", "--path", str(database),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    check = (
        "from dotflow_sqlite.storage import StorageSQLite\n"
        f"s = StorageSQLite({str(database)!r})\n"
        "keys = s.list_keys('')\n"
        "print(repr(s.get(keys[0]).storage), len(keys))\n"
    )
    read = _run(plugin, "-c", check)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "(42, 'exact') 1"

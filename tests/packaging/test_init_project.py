"""``dotflow init`` makes a project that installs dotflow 2 and passes its own test.

As a new user would: generate the project, install it with pip in a fresh virtualenv next to our
wheels (the package index reachable, where an older, unrelated ``dotflow`` 1.0.1 lives), then run
the project's own tests and its workflow with that virtualenv's tools.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text().strip()


def _env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIRTUAL_ENV", "PYTHON", "DOTFLOW_"))
    }


@pytest.mark.slow
def test_generated_project_installs_dotflow_2_and_passes_its_tests(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_ = venv / "bin"
    links = str(next(iter(wheels.values())).parent)
    # The CLI first (as `pip install dotflow-cli` would give it), to run `dotflow init`.
    subprocess.run(
        [str(bin_ / "pip"), "install", "-q", "--find-links", links, "dotflow-cli"],
        check=True,
        env=_env(),
        timeout=900,
    )
    created = subprocess.run(
        [str(bin_ / "dotflow"), "init", "shop-report"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    project = tmp_path / "shop-report"
    dependencies = tomllib.loads((project / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert dependencies == [f"dotflow>={VERSION},<{int(VERSION.split('.')[0]) + 1}"]

    # The install line of the generated README, pointed at our wheels.
    installed = subprocess.run(
        [str(bin_ / "pip"), "install", "-q", "--find-links", links, "-e", ".", "pytest"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    versions = subprocess.run(
        [
            str(bin_ / "python"),
            "-c",
            "from importlib.metadata import version as v\n"
            "print(v('dotflow'), v('dotflow-core'), v('dotflow-cli'))",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert versions.stdout.split() == [VERSION] * 3, versions.stderr

    tests = subprocess.run(
        [str(bin_ / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout

    started = subprocess.run(
        [str(bin_ / "dotflow"), "start", "--workflow", "shop_report.workflow.main", "-q"],
        cwd=tmp_path,  # not the project folder: the editable install makes it importable
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert started.returncode == 0, started.stderr

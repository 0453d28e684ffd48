"""Repository contracts: the lock is current, imports follow the design, code is lint-clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_lock_file_is_current(uv: str) -> None:
    done = subprocess.run([uv, "lock", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _merged_namespace(root: Path) -> Path:
    """A folder holding ``dotflow`` as one package, from symlinks to every distribution's portion.

    import-linter and mypy read a regular package from one directory only, while dotflow's
    portions live in one src/ folder per distribution.
    """
    merged = root / "dotflow"
    merged.mkdir(parents=True)
    for portion in sorted(ROOT.glob("packages/*/src/dotflow")):
        for child in portion.iterdir():
            if child.name != "__pycache__":
                (merged / child.name).symlink_to(child)
    return root


def test_import_contracts_hold(tmp_path: Path) -> None:
    merged = _merged_namespace(tmp_path)
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(merged)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken." in done.stdout


def test_packages_type_check(tmp_path: Path) -> None:
    merged = _merged_namespace(tmp_path / "view")
    done = subprocess.run(
        [
            str(BIN / "mypy"),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--python-executable",
            sys.executable,
            "-p",
            "dotflow",
        ],
        cwd=merged,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues found in" in done.stdout


def test_packages_are_lint_clean() -> None:
    done = subprocess.run(
        [str(BIN / "ruff"), "check", "packages", "tests", "examples", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_adapter_distribution_owns_the_root_package() -> None:
    for init in ROOT.glob("packages/*/src/dotflow/__init__.py"):
        assert init.parts[-4] == "dotflow-core", init


def test_import_dotflow_stays_light() -> None:
    code = (
        "import sys, dotflow\n"
        "from dotflow import DotFlow, action, Config\n"
        "heavy = sorted(m for m in ('cattrs', 'click', 'requests', 'boto3', 'google.cloud',"
        " 'telegram', 'apscheduler', 'distributed', 'multiprocessing', 'asyncio')"
        " if m in sys.modules)\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

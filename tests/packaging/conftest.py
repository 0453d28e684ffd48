"""Wheels built once per test session, from the working tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _uv() -> str:
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build the wheels: python3 -m pip install uv")
    return found


@pytest.fixture(scope="session")
def uv() -> str:
    """The uv executable."""
    return _uv()


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory, uv: str) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [uv, "build", "--all-packages", "--wheel", "-o", str(out), "-q"],
        cwd=ROOT,
        check=True,
    )
    return {path.name.split("-")[0].replace("_", "-"): path for path in out.glob("*.whl")}


@pytest.fixture(scope="session")
def core_only_venv(
    tmp_path_factory: pytest.TempPathFactory, wheels: dict[str, Path], uv: str
) -> Path:
    """A fresh virtualenv with nothing but dotflow-core (and attrs, cattrs) installed."""
    venv = tmp_path_factory.mktemp("core-only") / "venv"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), str(wheels["dotflow-core"])],
        check=True,
    )
    return python

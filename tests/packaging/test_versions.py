"""One version for every distribution, pinned between them, and what ``pip install dotflow`` gets.

The package index holds an older, unrelated ``dotflow`` (0.1.0 to 1.0.1). Our meta-distribution
must win next to our wheels, and every member it pulls in must be ours, at the same version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text().strip()
TOOL = ROOT / "tools" / "version.py"


def _pyprojects() -> dict[str, dict[str, object]]:
    return {
        path.parent.name: tomllib.loads(path.read_text())["project"]
        for path in sorted(ROOT.glob("packages/*/pyproject.toml"))
    }


def test_version_is_a_2x_release() -> None:
    assert VERSION.split(".")[0] == "2", "dotflow 1.x is the older project on the package index"


def test_every_distribution_under_packages_carries_the_version() -> None:
    folders = sorted(p.name for p in (ROOT / "packages").iterdir() if p.is_dir())
    projects = _pyprojects()
    assert sorted(projects) == folders, "every folder under packages/ is a distribution"
    wrong = {folder: project["version"] for folder, project in projects.items()}
    assert wrong == dict.fromkeys(folders, VERSION)


def test_workspace_dependencies_are_pinned_exactly() -> None:
    done = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"every distribution is at {VERSION}" in done.stdout


def test_meta_distribution_pins_its_members_and_extras() -> None:
    meta = _pyprojects()["dotflow"]
    assert meta["dependencies"] == [f"dotflow-core=={VERSION}", f"dotflow-cli=={VERSION}"]
    extras = meta["optional-dependencies"]
    assert isinstance(extras, dict)
    for extra, requirements in extras.items():
        assert requirements, extra
        assert all(r.startswith("dotflow-") and r.endswith(f"=={VERSION}") for r in requirements)


def test_every_wheel_is_built_at_the_version(wheels: dict[str, Path]) -> None:
    versions = {dist: path.name.split("-")[1] for dist, path in wheels.items()}
    assert versions == dict.fromkeys(versions, VERSION)
    assert set(versions) == {str(p["name"]) for p in _pyprojects().values()}


def test_bump_procedure_catches_and_fixes_a_stray_version(tmp_path: Path) -> None:
    """The documented procedure, on a copy of the workspace: check, set, check again."""
    (tmp_path / "tools").mkdir()
    shutil.copy(TOOL, tmp_path / "tools" / "version.py")
    shutil.copy(ROOT / "VERSION", tmp_path / "VERSION")
    for pyproject in ROOT.glob("packages/*/pyproject.toml"):
        target = tmp_path / "packages" / pyproject.parent.name / "pyproject.toml"
        target.parent.mkdir(parents=True)
        shutil.copy(pyproject, target)
    # A new distribution created by hand, at the wrong version and with an unpinned core.
    new = tmp_path / "packages" / "dotflow-new" / "pyproject.toml"
    new.parent.mkdir()
    new.write_text(
        '[project]\nname = "dotflow-new"\nversion = "0.1.0"\n'
        'dependencies = [\n    "dotflow-core",\n    "attrs>=23",\n]\n\n'
        "[tool.uv.sources]\ndotflow-core = { workspace = true }\n"
    )
    tool = [sys.executable, str(tmp_path / "tools" / "version.py")]

    check = subprocess.run(tool, capture_output=True, text=True, timeout=60)
    assert check.returncode == 1
    assert f"dotflow-new: version 0.1.0, VERSION says {VERSION}" in check.stderr
    assert f"dotflow-new: requires 'dotflow-core', must pin dotflow-core=={VERSION}" in check.stderr

    bump = subprocess.run([*tool, "--set", "2.1.0"], capture_output=True, text=True, timeout=60)
    assert bump.returncode == 0, bump.stderr
    assert "now run: uv lock" in bump.stdout
    again = subprocess.run(tool, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    project = tomllib.loads(new.read_text())["project"]
    assert project["version"] == "2.1.0"
    assert project["dependencies"] == ["dotflow-core==2.1.0", "attrs>=23"]
    meta = tomllib.loads((tmp_path / "packages/dotflow/pyproject.toml").read_text())["project"]
    assert meta["optional-dependencies"]["aws"] == ["dotflow-aws==2.1.0"]
    # [tool.uv.sources] is left alone.
    assert "dotflow-core = { workspace = true }" in new.read_text()

    bad = subprocess.run([*tool, "--set", "two"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "'two' is not a version" in bad.stderr


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return archive.read(name).decode()


def test_adapter_wheels_pin_core(wheels: dict[str, Path]) -> None:
    for dist, wheel in wheels.items():
        if dist in {"dotflow", "dotflow-core"}:
            continue
        assert f"Requires-Dist: dotflow-core=={VERSION}\n" in _metadata(wheel), dist


@pytest.mark.slow
def test_pip_install_dotflow_aws_next_to_our_wheels_resolves_to_us(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    """``pip install --find-links <wheels> "dotflow[aws]"``, the package index reachable."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    links = next(iter(wheels.values())).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--find-links", str(links), "dotflow[aws]"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    code = (
        "from importlib.metadata import version\n"
        "for d in ('dotflow', 'dotflow-core', 'dotflow-cli', 'dotflow-aws'):\n"
        "    print(d, version(d))\n"
        "from dotflow.providers import StorageS3\n"
        "print(StorageS3.__module__)\n"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"dotflow {VERSION}",
        f"dotflow-core {VERSION}",
        f"dotflow-cli {VERSION}",
        f"dotflow-aws {VERSION}",
        "dotflow.aws.storage",
    ]
    cli = subprocess.run(
        [str(venv / "bin" / "dotflow"), "--version"], capture_output=True, text=True, env=env
    )
    assert cli.returncode == 0 and cli.stdout.startswith(f"dotflow-cli {VERSION} "), cli.stderr

"""Every distribution ships exactly its own import package; core works alone."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text().strip()

OWNED = {
    "dotflow-core": None,  # the root package and everything in it but the adapters
    "dotflow-cli": "dotflow/cli/",
    "dotflow-aws": "dotflow/aws/",
    "dotflow-gcp": "dotflow/gcp/",
    "dotflow-server": "dotflow/server/",
    "dotflow-telegram": "dotflow/telegram/",
    "dotflow-cron": "dotflow/cron/",
    "dotflow-dask": "dotflow/dask/",
    "dotflow-otel": "dotflow/otel/",
    "dotflow-dashboard": "dotflow/dashboard/",
}
ADAPTER_FOLDERS = tuple(folder for folder in OWNED.values() if folder)


def _files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return [
            name
            for name in archive.namelist()
            if ".dist-info/" not in name and not name.endswith("/")
        ]


def test_every_distribution_is_built(wheels: dict[str, Path]) -> None:
    assert set(wheels) == {*OWNED, "dotflow"}


@pytest.mark.parametrize("dist", sorted(OWNED))
def test_wheel_holds_only_its_own_package(wheels: dict[str, Path], dist: str) -> None:
    files = _files(wheels[dist])
    assert files, f"{dist} is empty"
    folder = OWNED[dist]
    if folder is None:
        assert "dotflow/__init__.py" in files
        assert "dotflow/py.typed" in files
        assert not [f for f in files if f.startswith(ADAPTER_FOLDERS)]
    else:
        assert "dotflow/__init__.py" not in files
        assert all(f.startswith(folder) for f in files), files
        assert f"{folder}__init__.py" in files and f"{folder}py.typed" in files


def test_meta_distribution_ships_no_code_and_maps_extras(wheels: dict[str, Path]) -> None:
    assert _files(wheels["dotflow"]) == []
    with zipfile.ZipFile(wheels["dotflow"]) as archive:
        metadata = next(
            archive.read(n) for n in archive.namelist() if n.endswith("METADATA")
        ).decode()
    for extra, dist in [
        ("aws", "dotflow-aws"),
        ("gcp", "dotflow-gcp"),
        ("scheduler", "dotflow-cron"),
        ("telegram", "dotflow-telegram"),
        ("server", "dotflow-server"),
    ]:
        assert f"Provides-Extra: {extra}" in metadata
        assert f"Requires-Dist: {dist}=={VERSION} ; extra == '{extra}'" in metadata
    assert f"Requires-Dist: dotflow-core=={VERSION}\n" in metadata
    assert f"Requires-Dist: dotflow-cli=={VERSION}\n" in metadata
    assert "Provides-Extra: otel" in metadata
    assert f"Requires-Dist: dotflow-otel[export]=={VERSION} ; extra == 'otel'" in metadata


def test_core_depends_on_attrs_and_cattrs_only(wheels: dict[str, Path]) -> None:
    with zipfile.ZipFile(wheels["dotflow-core"]) as archive:
        metadata = next(
            archive.read(n) for n in archive.namelist() if n.endswith("METADATA")
        ).decode()
    requires = sorted(
        line.split(":", 1)[1].strip().split(">")[0].split("=")[0].split("<")[0].strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    )
    assert requires == ["attrs", "cattrs"]


def test_quick_start_runs_from_a_core_only_install(core_only_venv: Path) -> None:
    quick_start = (ROOT / "examples" / "first_steps.py").read_text()
    done = subprocess.run(
        [str(core_only_venv), "-c", quick_start.replace('__name__ == "__main__"', "True")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Loaded 120 active users" in done.stdout


def test_core_only_install_names_the_missing_distribution(core_only_venv: Path) -> None:
    code = (
        "import sys\n"
        "import dotflow\n"
        "heavy = [m for m in ('cattrs', 'click', 'requests', 'boto3', 'opentelemetry')\n"
        "         if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "try:\n"
        "    from dotflow.providers import StorageS3\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
        "try:\n"
        "    from dotflow.providers import TracerOpenTelemetry\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
        "from dotflow import DotFlow, action\n"
        "w = DotFlow(); w.task.add(step=action(lambda: 1))\n"
        "try:\n"
        "    w.start(mode='dask')\n"
        "except LookupError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [str(core_only_venv), "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "StorageS3 is provided by dotflow-aws: pip install dotflow-aws" in done.stdout
    assert "dask is provided by dotflow-dask (pip install dotflow-dask)" in done.stdout
    otel_hint = "TracerOpenTelemetry is provided by dotflow-otel: pip install dotflow-otel"
    assert otel_hint in done.stdout


def test_core_and_one_adapter_is_a_complete_install(
    wheels: dict[str, Path], tmp_path: Path, uv: str
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(python),
            str(wheels["dotflow-core"]),
            str(wheels["dotflow-aws"]),
        ],
        check=True,
    )
    code = (
        "from dotflow.providers import StorageS3\n"
        "from dotflow.aws import StorageS3 as Direct\n"
        "from dotflow.core import registry\n"
        "assert StorageS3 is Direct and 's3' in registry.names('storage')\n"
        "print('ok')\n"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr


def test_dashboard_wheel_ships_its_pages(wheels: dict[str, Path]) -> None:
    files = _files(wheels["dotflow-dashboard"])
    for name in (
        "templates/workflow.html",
        "templates/_workflow.html",
        "static/dashboard.js",
        "static/dashboard.css",
    ):
        assert f"dotflow/dashboard/{name}" in files

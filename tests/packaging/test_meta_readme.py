"""The meta-distribution's README is the package's index page: it must be complete and true."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "packages" / "dotflow" / "README.md"


def _python_blocks(text: str) -> list[str]:
    return [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]


def test_index_page_is_the_wheels_description(wheels: dict[str, Path]) -> None:
    with zipfile.ZipFile(wheels["dotflow"]) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    assert "Description-Content-Type: text/markdown" in metadata
    assert README.read_text().strip() in metadata


def test_every_extra_and_distribution_is_listed() -> None:
    text = README.read_text()
    project = tomllib.loads((ROOT / "packages/dotflow/pyproject.toml").read_text())["project"]
    for extra, requirements in project["optional-dependencies"].items():
        dist = requirements[0].split("==")[0].split("[")[0]
        assert f"| `{extra}` | {dist} |" in text, extra
    for pyproject in ROOT.glob("packages/*/pyproject.toml"):
        name = tomllib.loads(pyproject.read_text())["project"]["name"]
        if name != "dotflow":
            assert f"| {name} |" in text, f"{name} is missing from the distributions table"


def test_quick_start_is_the_repositorys_and_runs(tmp_path: Path) -> None:
    quick = _python_blocks(README.read_text())[0]
    top = (ROOT / "README.md").read_text().split("## Quick start", 1)[1]
    # The same code (ruff's formatter may add blank lines to the one under packages/).
    assert quick.split() == _python_blocks(top)[0].split()
    (tmp_path / "quick.py").write_text(quick)
    done = subprocess.run(
        [sys.executable, "quick.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Loaded 120 active users"


def test_command_lines_name_real_commands(tmp_path: Path) -> None:
    text = README.read_text()
    block = text.split("## From the command line", 1)[1].split("```bash\n", 1)[1].split("```")[0]
    commands = {line.split()[1] for line in block.splitlines() if line.startswith("dotflow ")}
    assert commands == {"init", "start", "schedule", "log", "plugins"}
    script = Path(sys.executable).parent / "dotflow"
    for command in commands:
        done = subprocess.run(
            [str(script), command, "--help"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

"""A parallel run of steps that read ``previous_context`` warns once, before it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_support import ROOT, clean_env

WARNING = "previous_context is empty in task 2 transform, task 3 load"


def _quick_start(tmp_path: Path, mode: str) -> Path:
    """The README's quick start as a module, started with ``mode``."""
    readme = (ROOT / "README.md").read_text()
    code = readme.split("## Quick start", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    code = code.replace("workflow.start()", f"workflow.start(mode={mode!r})")
    code = code.replace("workflow = DotFlow()", "def main():\n    workflow = DotFlow()")
    lines = code.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("def main"))
    body = [f"    {line}" if line else line for line in lines[at + 2 :]]
    module = "\n".join([*lines[: at + 2], *body, "    return workflow", ""])
    module = module.replace(f"    workflow.start(mode={mode!r})\n", "")
    module += f"\nif __name__ == '__main__':\n    main().start(mode={mode!r})\n"
    (tmp_path / "quick.py").write_text(module)
    return tmp_path / "quick.py"


def test_library_run_warns_once_naming_the_steps(tmp_path: Path) -> None:
    script = _quick_start(tmp_path, "parallel")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr.count(WARNING) == 1, done.stderr
    assert "use mode 'sequential'" in done.stderr and "group_name" in done.stderr
    # The warning comes before the first failure it explains.
    assert done.stderr.index(WARNING) < done.stderr.index("TypeError")


def test_cli_run_warns_before_the_first_task(run, tmp_path: Path) -> None:
    _quick_start(tmp_path, "parallel")
    done = run("start", "--workflow", "quick.main", "--mode", "parallel")
    assert done.returncode == 1
    assert done.stderr.count(WARNING) == 1, done.stderr
    assert WARNING in done.stderr.splitlines()[0], "the warning comes first"


def test_no_warning_where_context_chains(run, tmp_path: Path) -> None:
    _quick_start(tmp_path, "parallel")
    sequential = run("start", "--workflow", "quick.main")
    assert sequential.returncode == 0, sequential.stderr
    assert "Loaded 120 active users" in sequential.stdout
    assert "previous_context is empty" not in sequential.stderr
    # Each task alone in its group: the first of a chain is fed nothing in any mode.
    (tmp_path / "alone.py").write_text(
        "from dotflow import DotFlow, action\n"
        "@action\n"
        "def reads(previous_context):\n"
        "    return previous_context.storage\n"
        "def main():\n"
        "    w = DotFlow()\n"
        "    w.task.add(step=reads, group_name='a')\n"
        "    w.task.add(step=reads, group_name='b')\n"
        "    return w\n"
    )
    alone = run("start", "--workflow", "alone.main", "--mode", "parallel")
    assert alone.returncode == 0, alone.stderr
    assert "previous_context is empty" not in alone.stderr

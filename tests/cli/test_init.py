"""dotflow init: a new project that runs and passes its own test, as a new user would see it."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_support import assert_bad_input, clean_env

FILES = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "myproj/__init__.py",
    "myproj/actions.py",
    "myproj/workflow.py",
    "tests/test_workflow.py",
}


def test_init_then_test_then_start_as_a_new_user(run, tmp_path):
    created = run("init", "myproj")
    assert created.returncode == 0, created.stderr
    assert "dotflow start --workflow myproj.workflow.main" in created.stdout
    project = tmp_path / "myproj"
    assert {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()} == FILES

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout

    started = run("start", "--workflow", "myproj.workflow.main", "--json", cwd=project)
    assert started.returncode == 0, started.stderr
    document = json.loads(started.stdout)
    assert [t["current_context"] for t in document["tasks"]] == [
        {"users": 150},
        {"users": 150, "active": 120},
        {"loaded": 120},
    ]
    assert (project / ".output" / document["workflow_id"] / "3.json").is_file()
    again = run(
        "start",
        "--workflow",
        "myproj.workflow.main",
        "--mode",
        "background",
        "--path",
        "results",
        "-q",
        cwd=project,
    )
    assert again.returncode == 0, again.stderr
    assert len(list((project / "results").glob("*/3.json"))) == 1
    assert document["workflow_id"] in run("log", cwd=project).stdout


def test_init_in_the_current_empty_folder(cli, tmp_path, monkeypatch):
    folder = tmp_path / "here-project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (folder / "here_project" / "workflow.py").is_file()
    assert 'name = "here-project"' in (folder / "pyproject.toml").read_text()


def test_init_refuses_a_folder_that_is_not_empty(cli, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = cli("init", "taken")
    assert_bad_input(result.exit_code, result.stderr, "taken is not empty")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert_bad_input(cli("init", "file").exit_code, cli("init", "file").stderr, "not a folder")


def test_init_needs_a_name_that_makes_a_package(cli):
    result = cli("init", "9lives")
    assert_bad_input(result.exit_code, result.stderr, "cannot make a Python package name")


def test_init_works_from_the_built_wheel(bare_venv, tmp_path):
    # The templates are package data: a non-editable install must carry them.
    result = subprocess.run(
        [str(bare_venv / "bin" / "dotflow"), "init", "fromwheel"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fromwheel" / "fromwheel" / "actions.py").is_file()

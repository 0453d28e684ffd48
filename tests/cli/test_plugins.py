"""dotflow plugins: every adapter per port, its class and distribution; broken ones flagged."""

from __future__ import annotations

import json
import subprocess

import pytest
from cli_support import clean_env


def _fake_distribution(root, name, entry_points):
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


@pytest.fixture
def plugin_env(tmp_path):
    """An environment with two more distributions: a working storage plugin and a broken one."""
    site = tmp_path / "site"
    _fake_distribution(
        site, "dotflow_broken", "[dotflow.storage]\nbroken = not_a_module_xyz:Nope\n"
    )
    _fake_distribution(
        site, "dotflow_memo", "[dotflow.storage]\nmemo = cli_plugin_storage:StorageMemo\n"
    )
    (site / "cli_plugin_storage.py").write_text(
        "from dotflow.providers import StorageFile\n\n"
        "class StorageMemo(StorageFile):\n"
        "    def __init__(self, path='memo-root', durable=False):\n"
        "        super().__init__(path=path, durable=durable)\n"
    )
    env = clean_env()
    env["PYTHONPATH"] = f"{site}:{env['PYTHONPATH']}"
    return env


def test_plugins_lists_every_port_and_flags_a_broken_plugin(dotflow_script, plugin_env):
    result = subprocess.run(
        [dotflow_script, "plugins"], env=plugin_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for header in (
        "storage (dotflow.storage)",
        "notify (dotflow.notify)",
        "log (dotflow.log)",
        "server (dotflow.server)",
        "scheduler (dotflow.scheduler)",
        "execution (dotflow.execution)",
    ):
        assert header in result.stdout
    lines = result.stdout.splitlines()
    assert any(
        line.split() == ["file", "dotflow.providers.storage_file:StorageFile", "[dotflow-core]"]
        for line in lines
    )
    assert any(
        line.split() == ["memo", "cli_plugin_storage:StorageMemo", "[dotflow_memo]"]
        for line in lines
    )
    [broken] = [line for line in lines if "not_a_module_xyz" in line]
    assert "[dotflow_broken]" in broken
    assert "FAILS TO LOAD: ModuleNotFoundError" in broken
    assert "failed to load" in result.stderr


def test_plugins_json(cli):
    result = cli("plugins", "--json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(r) == {"port", "name", "value", "distribution", "error"} for r in rows)
    core = {(r["port"], r["name"]) for r in rows if r["distribution"] == "dotflow-core"}
    assert {
        ("storage", "default"),
        ("storage", "file"),
        ("notify", "default"),
        ("log", "default"),
        ("server", "default"),
        ("scheduler", "default"),
        ("execution", "sequential"),
        ("execution", "sequential_group"),
        ("execution", "background"),
        ("execution", "parallel"),
    } <= core


def test_a_third_party_storage_is_usable_the_moment_it_is_installed(
    dotflow_script, plugin_env, tmp_path
):
    result = subprocess.run(
        [
            dotflow_script,
            "start",
            "--step",
            "cli_steps.ok",
            "--storage",
            "memo",
            "--workflow-id",
            "m",
        ],
        cwd=tmp_path,
        env=plugin_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "memo-root" / "m" / "1.json").is_file()


def test_choosing_a_broken_plugin_is_bad_input(dotflow_script, plugin_env):
    chosen = subprocess.run(
        [dotflow_script, "start", "--step", "cli_steps.ok", "--storage", "broken"],
        env=plugin_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert chosen.returncode == 2
    assert "the storage adapter 'broken' failed to load: ModuleNotFoundError" in chosen.stderr
    assert "Traceback" not in chosen.stderr

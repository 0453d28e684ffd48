"""A person watches a managed run in a real headless Chromium: tasks turn Completed live."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from browser import chromium, missing  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
RUNNER, VIEWER = "runner-token-b", "viewer-token-b"
WID = "browser-run"


def texts(browser, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of every element matching ``selector``, read at once (the page swaps nodes)."""
    return browser.execute_script(  # type: ignore[no-any-return]
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(e => e.textContent.trim());",
        selector,
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SERVER_", "DOTFLOW_", "WORKFLOW_ID"))
    }
    env.update(extra)
    return env


def wait_until(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def dashboard(tmp_path: Path):  # type: ignore[no-untyped-def]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dotflow.dashboard",
            "--db",
            f"sqlite:///{tmp_path / 'd.db'}",
            "--port",
            "0",
            "--runner-token",
            RUNNER,
            "--viewer-token",
            VIEWER,
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
        cwd=tmp_path,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("dotflow dashboard listening on "), line
        yield line.split()[4]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert RUNNER not in out + err and VIEWER not in out + err


def test_tasks_turn_completed_without_a_reload(dashboard: str, tmp_path: Path) -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    from selenium.webdriver.common.by import By

    gate = tmp_path / "gate"
    run = subprocess.Popen(
        [sys.executable, "-m", "dotflow.cli", "start", "--workflow", "dashboard_steps.main"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=clean_env(
            SERVER_BASE_URL=dashboard,
            SERVER_USER_TOKEN=RUNNER,
            WORKFLOW_ID=WID,
            DASHBOARD_GATE=str(gate),
            PYTHONPATH=str(HERE),
        ),
    )
    browser = chromium()
    try:
        api = f"{dashboard}/api/workflows/{WID}"
        wait_until(
            lambda: (
                (r := requests.get(api, headers={"X-Viewer-Token": VIEWER}, timeout=5)).ok
                and len(r.json()["tasks"]) == 3
            ),
            60,
            "the run's three tasks on the dashboard",
        )
        # Log in through the form, as a person would; the page opens on the running workflow.
        browser.get(f"{dashboard}/login?next=/workflows/{WID}")
        browser.find_element(By.NAME, "token").send_keys(VIEWER)
        browser.find_element(By.CSS_SELECTOR, "form.login button").click()
        wait_until(lambda: texts(browser, "tr.task"), 30, "the page")
        statuses = texts(browser, ".task-status")
        assert statuses != ["Completed"] * 3, statuses
        # A marker that a reload would erase.
        browser.execute_script("window.__sameDocument = 'yes';")
        wait_until(lambda: texts(browser, "#live-state.connected"), 30, "the live stream")
        gate.touch()

        def all_completed() -> bool:
            shown = texts(browser, ".task-status")
            return shown == ["Completed"] * 3 and texts(browser, "#workflow-status") == [
                "Completed"
            ]

        wait_until(all_completed, 90, "every task Completed on the page")
        assert browser.execute_script("return window.__sameDocument;") == "yes"
        assert "Retry" in texts(browser, "tr.task .history")[1]
        assert "ConnectionError" in texts(browser, "details.error summary")[0]
        assert texts(browser, ".bar.retry") == [""]
        shot = tmp_path / "dashboard.png"
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        browser.quit()
        gate.touch()
        out, err = run.communicate(timeout=120)
    assert run.returncode == 0, out + err

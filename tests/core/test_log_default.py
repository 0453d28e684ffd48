from __future__ import annotations

import json
import logging
import subprocess
import sys

from core_steps import always_fails, one  # type: ignore[import-not-found]

from dotflow import Config, DotFlow
from dotflow.providers import LogDefault


def test_import_installs_no_handler() -> None:
    code = (
        "import logging, dotflow; from dotflow import DotFlow; DotFlow(); "
        "print(len(logging.getLogger('dotflow').handlers), len(logging.getLogger().handlers))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


def test_file_output_in_json(tmp_path) -> None:
    path = tmp_path / "run.log"
    log = LogDefault(level="INFO", output="file", path=path, format="json")
    try:
        workflow = DotFlow(config=Config(log=log), workflow_id="logged")
        workflow.task.add(step=[one, always_fails])
        workflow.start()
    finally:
        for handler in list(log.logger.handlers):
            log.logger.removeHandler(handler)
            handler.close()
        log.logger.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["task_id"], r["status"]) for r in lines][:2] == [
        (1, "In progress"),
        (1, "Completed"),
    ]
    failed = next(r for r in lines if r["status"] == "Failed")
    assert failed["level"] == "ERROR" and failed["error"] == "ValueError: broken on purpose"
    assert failed["workflow_id"] == "logged" and failed["step"] == "always_fails"


def test_text_output_to_console(capsys) -> None:
    log = LogDefault(level="INFO", output="console")
    try:
        workflow = DotFlow(config=Config(log=log), workflow_id="console")
        workflow.task.add(step=one)
        workflow.start()
    finally:
        for handler in list(log.logger.handlers):
            log.logger.removeHandler(handler)
        log.logger.setLevel(logging.NOTSET)
    err = capsys.readouterr().err
    assert "ID console - 1 - In progress" in err and "ID console - 1 - Completed" in err


def test_invalid_options_explain() -> None:
    import pytest

    with pytest.raises(ValueError, match="'console' or 'file'"):
        LogDefault(output="syslog")
    with pytest.raises(ValueError, match="'text' or 'json'"):
        LogDefault(format="xml")

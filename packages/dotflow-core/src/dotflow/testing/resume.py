"""The kill-and-resume contract every persistent Storage adapter honours, as a test class.

Usage::

    from dotflow.testing import ResumeContract

    class TestMyStorageResume(ResumeContract):
        storage_name = "mine"            # its entry-point name in dotflow.storage

        def make_storage(self):          # reads what the subprocess wrote
            return MyStorage(...)

        def subprocess_env(self):        # how the subprocess's MyStorage() finds its settings
            return {**os.environ, "MY_STORAGE_URL": ...}
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import ClassVar

from dotflow.abc.storage import Storage

__all__ = ["ResumeContract"]


class ResumeContract:
    """A five-step workflow SIGKILLed at step 3 resumes in a new process without re-running 1-2."""

    #: the adapter's entry-point name; the subprocess builds it with no arguments.
    storage_name: ClassVar[str] = ""

    def make_storage(self) -> Storage:
        """The storage the subprocess writes to, as seen from the test process."""
        raise NotImplementedError

    def subprocess_env(self) -> dict[str, str]:
        """The environment the subprocess needs to configure its storage."""
        return dict(os.environ)

    def run_directory(self) -> Path | None:
        """The working directory of the subprocess (where relative storage paths go).

        ``None`` (the default): a temporary folder, removed after the test.
        """
        return None

    def _flow(
        self, cwd: Path, env: dict[str, str], workflow_id: str, how: str
    ) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable,
            "-m",
            "dotflow.testing.resume_flow",
            self.storage_name,
            workflow_id,
            how,
        ]
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120
        )

    def test_resume_after_sigkill_skips_finished_tasks(self) -> None:
        with tempfile.TemporaryDirectory(prefix="dotflow-resume-") as scratch:
            self._kill_and_resume(Path(scratch))

    def _kill_and_resume(self, scratch: Path) -> None:
        cwd = self.run_directory() or scratch
        marks = scratch / "marks"
        marks.mkdir()
        env = {**self.subprocess_env(), "DOTFLOW_TEST_MARKS": str(marks)}
        workflow_id = f"resume-{uuid.uuid4().hex[:8]}"

        def runs() -> dict[int, int]:
            files = {n: marks / f"task{n}" for n in range(1, 6)}
            return {n: len(f.read_text().splitlines()) for n, f in files.items() if f.exists()}

        first = self._flow(cwd, env, workflow_id, "fresh")
        assert first.returncode == -signal.SIGKILL, first.stderr
        assert runs() == {1: 1, 2: 1, 3: 1}
        storage = self.make_storage()
        stored = storage.get(f"{workflow_id}/2")
        assert stored is not None and stored.storage == [1, 2]
        assert storage.get(f"{workflow_id}/3") is None

        second = self._flow(cwd, env, workflow_id, "resume")
        assert second.returncode == 0, second.stderr
        assert runs() == {1: 1, 2: 1, 3: 2, 4: 1, 5: 1}
        outcome = json.loads(second.stdout.strip().splitlines()[-1])
        assert outcome["status"] == "Completed"
        assert outcome["results"] == [[1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]]
        last = storage.get(f"{workflow_id}/5")
        assert last is not None and last.storage == [1, 2, 3, 4, 5]
        assert storage.list_keys(f"{workflow_id}/") == sorted(
            [f"{workflow_id}/{n}" for n in range(1, 6)] + [f"{workflow_id}/fingerprint"]
        )

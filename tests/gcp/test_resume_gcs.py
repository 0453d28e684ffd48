"""A workflow killed with SIGKILL part-way resumes from Cloud Storage in a new process."""

from __future__ import annotations

import pytest

from dotflow.gcp import StorageGCS
from dotflow.testing import ResumeContract


class TestResumeGCS(ResumeContract):
    storage_name = "gcs"

    @pytest.fixture(autouse=True)
    def _emulator(self, gcs_env, gcs_bucket) -> None:
        self.env, self.bucket = gcs_env, gcs_bucket

    def make_storage(self) -> StorageGCS:
        return StorageGCS(bucket=self.bucket)

    def subprocess_env(self) -> dict[str, str]:
        return dict(self.env)

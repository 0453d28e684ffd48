"""A workflow killed with SIGKILL part-way resumes from its S3 checkpoints in a new process."""

from __future__ import annotations

import pytest

from dotflow.aws import StorageS3
from dotflow.testing import ResumeContract


class TestResumeS3(ResumeContract):
    storage_name = "s3"

    @pytest.fixture(autouse=True)
    def _server(self, aws_env, s3_endpoint, s3_bucket) -> None:
        self.env, self.endpoint, self.bucket = aws_env, s3_endpoint, s3_bucket

    def make_storage(self) -> StorageS3:
        return StorageS3(bucket=self.bucket, endpoint_url=self.endpoint)

    def subprocess_env(self) -> dict[str, str]:
        return dict(self.env)

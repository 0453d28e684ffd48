from __future__ import annotations

import pytest

from dotflow.aws import StorageS3
from dotflow.testing import ObjectStorageContract


class TestStorageS3(ObjectStorageContract):
    @pytest.fixture(autouse=True)
    def _server(self, s3_endpoint: str, s3_bucket: str) -> None:
        self.endpoint = s3_endpoint
        self.bucket = s3_bucket

    def make_storage(self) -> StorageS3:
        return StorageS3(bucket=self.bucket, endpoint_url=self.endpoint)

    def make_pickle_storage(self) -> StorageS3:
        return StorageS3(bucket=self.bucket, endpoint_url=self.endpoint, serializer="pickle")

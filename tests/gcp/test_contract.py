from __future__ import annotations

import pytest

from dotflow.gcp import StorageGCS
from dotflow.testing import ObjectStorageContract


class TestStorageGCS(ObjectStorageContract):
    @pytest.fixture(autouse=True)
    def _server(self, gcs_endpoint: str, gcs_bucket: str) -> None:
        self.bucket = gcs_bucket

    def make_storage(self) -> StorageGCS:
        return StorageGCS(bucket=self.bucket)

    def make_pickle_storage(self) -> StorageGCS:
        return StorageGCS(bucket=self.bucket, serializer="pickle")

from __future__ import annotations

import pytest

from dotflow.providers import StorageDefault, StorageFile
from dotflow.testing import ResumeContract, StorageContract


class TestStorageDefault(StorageContract):
    shared_across_processes = False
    json_only = False
    keys_are_paths = False

    def make_storage(self) -> StorageDefault:
        return StorageDefault()


class TestStorageFile(StorageContract):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path) -> None:
        self.folder = tmp_path / "out"

    def make_storage(self) -> StorageFile:
        return StorageFile(path=self.folder)


class TestStorageFileResume(ResumeContract):
    storage_name = "file"

    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path) -> None:
        self.folder = tmp_path

    def run_directory(self):
        return self.folder

    def make_storage(self) -> StorageFile:
        return StorageFile(path=self.folder / ".output")

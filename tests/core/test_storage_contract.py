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

    def make_pickle_storage(self) -> StorageFile:
        return StorageFile(path=self.folder, serializer="pickle")


class TestStorageFileResume(ResumeContract):
    storage_name = "file"

    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path) -> None:
        self.folder = tmp_path

    def run_directory(self):
        return self.folder

    def make_storage(self) -> StorageFile:
        return StorageFile(path=self.folder / ".output")


def test_storage_file_leaves_out_files_it_did_not_write(tmp_path) -> None:
    from dotflow import Context

    storage = StorageFile(path=tmp_path)
    storage.post("wf/1", Context(1))
    (tmp_path / "wf" / "a b.json").write_text("{}")  # not a key this storage could have written
    (tmp_path / "wf" / ".1.json.123-456.tmp").write_text("")  # a temporary file left by a kill
    assert storage.list_keys("wf/") == ["wf/1"]
    assert storage.delete_prefix("wf/") == 1
    assert (tmp_path / "wf" / "a b.json").exists()


class _FailsInWorkerThreads(StorageDefault):
    """Loses every write made outside the main thread, raising as it does."""

    def post(self, key, context) -> None:
        import threading

        if threading.current_thread() is not threading.main_thread():
            raise OSError("disk full")
        super().post(key, context)


@pytest.mark.parametrize(
    "check",
    ["test_concurrent_writers_from_threads", "test_same_key_from_threads_never_corrupts"],
)
def test_the_thread_checks_fail_when_a_writer_thread_raises(check: str) -> None:
    class Broken(StorageContract):
        def make_storage(self) -> StorageDefault:
            return _FailsInWorkerThreads()

    with pytest.raises(OSError, match="disk full"):
        getattr(Broken(), check)()

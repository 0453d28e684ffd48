"""File storage: one JSON document per task under a folder per workflow.

Layout: ``{path}/{workflow_id}/{task_id}.json``. Every write goes to a temporary file in the same
folder and is renamed over the target, so a reader (or a resumed run after a crash) sees either
the old document or the new one, never half of one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from dotflow.abc.storage import Storage
from dotflow.core.codec import check_key, decode_context, encode_context
from dotflow.core.context import Context
from dotflow.core.object_layout import SUFFIX, key_of, object_name
from dotflow.core.serializers import check_serializer

__all__ = ["StorageFile"]


class StorageFile(Storage):
    """Stores contexts as JSON files.

    Args:
        path: the root folder (created on first write).
        durable: also ``fsync`` each file and its folder, so results survive a power loss, not
            only a crash of the process (slower).
        serializer: ``"json"`` (plain JSON, or tagged JSON for tuples, sets, bytes, Decimal,
            UUID, dates and times: exact round trips) or ``"pickle"`` (any picklable object;
            unpickling runs code from the files, so only for a folder nobody else can write to).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ".output",
        durable: bool = False,
        serializer: str = "json",
    ) -> None:
        self.path = Path(path)
        self.durable = durable
        self.serializer = check_serializer(serializer)

    def __repr__(self) -> str:
        extra = "" if self.serializer == "json" else f", serializer={self.serializer!r}"
        return f"StorageFile(path={str(self.path)!r}{extra})"

    def _file(self, key: str) -> Path:
        return self.path / object_name("", key)

    def post(self, key: str, context: Context) -> None:
        target = self._file(key)
        data = encode_context(context, where=f"key {key!r}", serializer=self.serializer)
        target.parent.mkdir(parents=True, exist_ok=True)
        # One temporary name per process and thread: no other writer ever uses it, and one left
        # by a killed process is simply overwritten (it starts with "." so it is never read).
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if self.durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if self.durable:
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def get(self, key: str) -> Context | None:
        try:
            data = self._file(key).read_bytes()
        except FileNotFoundError:
            return None
        return decode_context(data, self.serializer, where=f"key {key!r}")

    def list_keys(self, prefix: str) -> list[str]:
        # Only the folder the prefix names is walked ("wf/" -> {path}/wf): the root may hold
        # many other workflows, and a fresh start must not cost time in proportion to them.
        folder = self.path
        base = prefix.rpartition("/")[0]
        if base:
            try:
                folder = self.path / check_key(base)
            except ValueError:  # not a key's folder: nothing this storage wrote is under it
                return []
        if not folder.is_dir():
            return []
        keys = []
        for parent, _, files in os.walk(folder):
            for name in files:
                if not name.endswith(SUFFIX):
                    continue
                relative = Path(parent, name).relative_to(self.path).as_posix()
                # key_of leaves out what this storage did not write (temporary files start
                # with ".").
                key = key_of("", relative)
                if key is not None and key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        for key in keys:
            self._file(key).unlink(missing_ok=True)
        return len(keys)

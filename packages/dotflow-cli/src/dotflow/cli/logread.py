"""Reading the execution log that ``dotflow start`` writes (format: :mod:`dotflow.cli.runlog`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dotflow.spi.model import TERMINAL

__all__ = ["LogReader", "normalise_status"]

Record = dict[str, Any]


def normalise_status(text: str) -> str:
    """``"in_progress"``, ``"In-Progress"`` -> ``"in progress"``: how statuses are compared."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


class LogReader:
    """Reads complete lines from the ``*.jsonl`` files of a logs folder, remembering offsets.

    Args:
        folder: ``{path}/logs``.
        workflow_id: read only that workflow's file.
    """

    def __init__(self, folder: Path, workflow_id: str | None = None) -> None:
        self.folder = folder
        self.workflow_id = workflow_id
        self._offsets: dict[Path, int] = {}
        self.finished: dict[str, bool] = {}

    def files(self) -> list[Path]:
        if self.workflow_id is not None:
            file = self.folder / f"{self.workflow_id}.jsonl"
            return [file] if file.is_file() else []
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.jsonl"))

    def _read_new(self, file: Path) -> Iterator[Record]:
        offset = self._offsets.get(file, 0)
        try:
            with file.open("rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        self._offsets[file] = offset + end
        for line in data[:end].splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # not ours; skip rather than stop reading
            if isinstance(record, dict):
                if record.get("event") == "workflow":
                    self.finished[str(record.get("workflow_id"))] = record.get("status") in TERMINAL
                yield record

    def read(self) -> list[Record]:
        """The records added since the last call, oldest first."""
        records: list[Record] = []
        for file in self.files():
            records.extend(self._read_new(file))
        records.sort(key=lambda r: str(r.get("time", "")))
        return records

    def follow(
        self, poll: float = 0.2, until: Callable[[], bool] | None = None
    ) -> Iterator[Record]:
        """Every record, then new ones as they are written, until ``until()`` is true."""
        while True:
            yield from self.read()
            if until is not None and until():
                return
            time.sleep(poll)

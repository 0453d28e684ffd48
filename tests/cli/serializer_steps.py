"""Steps returning values JSON has no type for (imported by the ``dotflow`` subprocesses)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from dotflow import action


class Row:
    """A plain object: only the pickle serializer keeps it."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and other.n == self.n

    def __hash__(self) -> int:
        return self.n


@action
def mixed():
    return {"pair": (1, 2), "at": datetime(2024, 5, 1, tzinfo=UTC), "price": Decimal("9.90")}


@action
def rows():
    return [Row(1), Row(2)]

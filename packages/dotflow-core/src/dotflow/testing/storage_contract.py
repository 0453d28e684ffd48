"""``from dotflow.testing.storage_contract import StorageContract`` (dotflow 1.0.1's path).

The suite is :class:`dotflow.testing.StorageContract`: subclass it (or mix it into a
``unittest.TestCase``) and implement ``make_storage()``.
"""

from __future__ import annotations

from dotflow.testing.storage import StorageContract

__all__ = ["StorageContract"]

"""``from dotflow.providers.storage_s3 import StorageS3`` (dotflow 1.0.1's path).

StorageS3 lives in dotflow-aws; it is looked up through the registry on first use, so this
module imports no adapter. Without dotflow-aws installed, the lookup raises
``ModuleNotFoundError`` naming it.
"""

from __future__ import annotations

from dotflow.providers._moved import adapter_class

# The name is defined by __getattr__ (through the registry), not in this file.
__all__ = ["StorageS3"]  # noqa: F822


def __getattr__(name: str) -> type:
    return adapter_class(__name__, name, __all__)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

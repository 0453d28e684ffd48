"""``from dotflow.providers.notify_telegram import NotifyTelegram`` (dotflow 1.0.1's path).

NotifyTelegram lives in dotflow-telegram; it is looked up through the registry on first use, so this
module imports no adapter. Without dotflow-telegram installed, the lookup raises
``ModuleNotFoundError`` naming it.
"""

from __future__ import annotations

from dotflow.providers._moved import adapter_class

# The name is defined by __getattr__ (through the registry), not in this file.
__all__ = ["NotifyTelegram"]  # noqa: F822


def __getattr__(name: str) -> type:
    return adapter_class(__name__, name, __all__)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

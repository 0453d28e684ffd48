"""``from dotflow.providers.notify_telegram import NotifyTelegram`` (dotflow 1.0.1's path).

NotifyTelegram lives in dotflow-telegram; it is looked up through the registry on first use, so this
module imports no adapter. Without dotflow-telegram installed, the lookup raises
``ModuleNotFoundError`` naming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotflow.providers._moved import adapter_class

if TYPE_CHECKING:
    from dotflow.telegram.notify import NotifyTelegram

__all__ = ["NotifyTelegram"]


def __getattr__(name: str) -> type:
    return adapter_class(__name__, name, __all__)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""The ``on_input_change`` policies of ``start(resume=True)``."""

from __future__ import annotations

from enum import StrEnum

from dotflow.core.checkpoint import POLICIES

__all__ = ["VALID_POLICIES", "TypeInputChange"]


class TypeInputChange(StrEnum):
    """What a resumed run does when the initial contexts changed since its checkpoints."""

    REUSE = "reuse"
    RESET = "reset"
    RAISE = "raise"


#: The accepted policies (dotflow 1.0.1's name for :data:`dotflow.core.checkpoint.POLICIES`).
VALID_POLICIES = POLICIES

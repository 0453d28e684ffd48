"""The built-in execution modes, registered in the ``dotflow.execution`` entry-point group."""

from dotflow.core.execution.background import Background
from dotflow.core.execution.parallel import Parallel
from dotflow.core.execution.sequential import Sequential, SequentialGroup

__all__ = ["Background", "Parallel", "Sequential", "SequentialGroup"]

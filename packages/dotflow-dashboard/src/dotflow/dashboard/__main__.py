"""``python -m dotflow.dashboard``: the same as ``dotflow dashboard``."""

from __future__ import annotations

import sys

from dotflow.dashboard.command import main

if __name__ == "__main__":
    sys.exit(main(prog_name="python -m dotflow.dashboard"))

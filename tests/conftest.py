"""Shared test configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Helpers several test folders share (http_faults) live next to this file.
HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


# -- the test run leaves nothing in the source tree ------------------------------------------

_TREE = Path(__file__).resolve().parents[1]
_WATCHED = ("tests", "examples", "packages")


def _outputs() -> set[Path]:
    """Every ``.output`` folder (what the CLI and StorageFile write by default) in the tree."""
    return {p for top in _WATCHED for p in (_TREE / top).rglob(".output") if p.is_dir()}


def pytest_sessionstart(session):  # type: ignore[no-untyped-def]
    session.config._dotflow_outputs = _outputs()


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    before = getattr(session.config, "_dotflow_outputs", None)
    if before is None:
        return
    left = sorted(_outputs() - before)
    if left:
        names = ", ".join(str(p.relative_to(_TREE)) for p in left)
        session.config.get_terminal_writer().line(
            f"ERROR: the tests left {names} in the source tree: run the command under test in "
            "tmp_path (cwd=...) or give it a path there",
            red=True,
        )
        if session.exitstatus == 0:
            session.exitstatus = 1

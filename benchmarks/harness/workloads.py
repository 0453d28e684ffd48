"""The workload scripts each peer runs, and the one-liners timed as whole processes.

The scripts live in ``scripts/`` as ordinary modules (so they can be read and linted); the
harness writes them into a work folder beside the peers' virtualenvs, and each peer runs them
with its own Python: ``python peer_x.py WORKLOAD '{json params}'``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["CLI", "IMPORT_LINES", "write_scripts"]

_SCRIPTS = Path(__file__).resolve().parent / "scripts"
_SHARED = ("bench_common.py", "dotflow_steps.py")

#: peer key -> the script with its workloads (dotflow 1.0.1 and this tree share one)
_PEER_SCRIPTS = {
    "plain": "peer_plain.py",
    "ours": "peer_dotflow.py",
    "dotflow101": "peer_dotflow.py",
    "prefect": "peer_prefect.py",
}

#: peer key -> the import timed as a whole process (``python -c LINE``)
IMPORT_LINES = {
    "plain": "pass",
    "ours": "from dotflow import DotFlow, action",
    "dotflow101": "from dotflow import DotFlow, action",
    "prefect": "from prefect import flow, task",
}

#: peer key -> its console script, timed as ``NAME --help``
CLI = {"ours": "dotflow", "dotflow101": "dotflow", "prefect": "prefect"}


def write_scripts(workdir: Path) -> dict[str, Path]:
    """Write every peer's script (and the shared module) into ``workdir``; return them by peer."""
    workdir.mkdir(parents=True, exist_ok=True)
    for shared in _SHARED:
        shutil.copyfile(_SCRIPTS / shared, workdir / shared)
    written = {}
    for peer, name in _PEER_SCRIPTS.items():
        shutil.copyfile(_SCRIPTS / name, workdir / name)
        written[peer] = workdir / name
    return written

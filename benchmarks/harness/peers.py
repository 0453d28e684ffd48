"""The peers measured side by side, and their virtualenvs under ``benchmarks/.peers/``.

Every peer gets its own virtualenv, created on first use (``uv venv`` and ``uv pip`` when uv is on
PATH, else ``python -m venv`` and pip) from the project's base interpreter; nothing is installed
into the project's environment. A virtualenv is reused while the requirements written in its
marker file match. This tree is installed the way users get it (built wheels of dotflow-core,
dotflow-cli and, when it builds, dotflow-dask; not editable), again on every run so that the
figures follow the sources. ``plain`` is a bare virtualenv.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PEERS_DIR", "Peer", "PeerStatus", "ensure", "peers"]

ROOT = Path(__file__).resolve().parents[2]
PEERS_DIR = ROOT / "benchmarks" / ".peers"
#: this tree's distributions installed for "ours"; the optional ones may fail to build
_OURS = ("dotflow-core", "dotflow-cli")
_OURS_OPTIONAL = ("dotflow-dask", "dotflow-otel")
#: extras of this tree's distributions that the measures need (the telemetry one uses the SDK)
_EXTRAS = {"dotflow-otel": "export"}
_MARKER = ".bench-requirements"
_INSTALL_TIMEOUT = 900


@dataclass(frozen=True)
class Peer:
    """A contender: a label for the table and how to get its Python."""

    key: str
    label: str
    requirements: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    local: bool = False  # this tree's packages, reinstalled on every run

    @property
    def venv(self) -> Path:
        return PEERS_DIR / self.key

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.python.parent

    def environ(self) -> dict[str, str]:
        """The environment its processes run with."""
        # Users' installs have bytecode caches: a process that may not write them would pay
        # for compiling every module it imports, on every start.
        dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(self.env)
        return env


@dataclass
class PeerStatus:
    """Whether a peer is ready to run, and why not."""

    peer: Peer
    ready: bool
    error: str | None = None
    version: str | None = None


def _prefect_env() -> dict[str, str]:
    return {
        "PREFECT_HOME": str(PEERS_DIR / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


def peers() -> dict[str, Peer]:
    """Every peer by key, in table order."""
    return {
        "plain": Peer("plain", "plain Python"),
        "ours": Peer("ours", "dotflow (this tree)", local=True),
        "dotflow101": Peer("dotflow101", "dotflow 1.0.1", ("dotflow==1.0.1",)),
        "prefect": Peer(
            "prefect", "Prefect 3", ("prefect>=3,<4", "fastapi==0.154.0"), _prefect_env()
        ),
    }


def _base_python() -> str:
    """The interpreter the project's virtualenv was made from (peers use the same one)."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        msg = f"`{' '.join(argv[:3])} ...` failed (exit {done.returncode}): {tail}"
        raise RuntimeError(msg)


def _create(peer: Peer, log: Callable[[str], None]) -> None:
    if peer.venv.exists():
        shutil.rmtree(peer.venv)
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    uv = shutil.which("uv")
    log(f"creating {peer.venv} ({'uv' if uv else 'venv + pip'}): {' '.join(peer.requirements)}")
    if uv:
        _run([uv, "venv", "--quiet", "--python", _base_python(), str(peer.venv)])
    else:
        _run([_base_python(), "-m", "venv", str(peer.venv)])
    if peer.requirements:
        _pip(peer, list(peer.requirements))


def _pip(peer: Peer, args: list[str], local: tuple[str, ...] = ()) -> None:
    """Install ``args`` into the peer's environment; ``local`` names distributions of this tree
    among them, reinstalled every time so the figures follow the sources."""
    uv = shutil.which("uv")
    python = str(peer.python)
    if uv:
        reinstall = [arg for name in local for arg in ("--reinstall-package", name)]
        flags = ["--no-sources", *reinstall] if local else []
        _run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--compile-bytecode",
                "--python",
                python,
                *flags,
                *args,
            ]
        )
        return
    _run([python, "-m", "pip", "install", "--quiet", *args])
    if local:  # pip has no per-package reinstall: reinstall ours, not their dependencies
        _run([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", *args])


def _spec(name: str) -> str:
    path = ROOT / "packages" / name
    extra = _EXTRAS.get(name)
    return f"{name}[{extra}] @ {path.as_uri()}" if extra else str(path)


def _install_tree(peer: Peer, log: Callable[[str], None]) -> list[str]:
    """Install this tree's distributions (not editable); return the optional ones that failed."""

    def install(names: tuple[str, ...]) -> None:
        _pip(peer, [_spec(name) for name in names], local=names)

    log(f"installing this tree into {peer.venv}: {', '.join(_OURS + _OURS_OPTIONAL)}")
    failed = []
    try:
        install(_OURS + _OURS_OPTIONAL)
    except RuntimeError:
        install(_OURS)
        failed = list(_OURS_OPTIONAL)
    return failed


def _version(peer: Peer, distribution: str) -> str | None:
    code = f"from importlib.metadata import version; print(version({distribution!r}))"
    done = subprocess.run([str(peer.python), "-c", code], capture_output=True, text=True)
    return done.stdout.strip() or None


def ensure(peer: Peer, log: Callable[[str], None] = print) -> PeerStatus:
    """Make ``peer``'s virtualenv if needed; never raises, a failure is in the status."""
    wanted = "\n".join(peer.requirements)
    marker = peer.venv / _MARKER
    try:
        if not (marker.exists() and marker.read_text() == wanted and peer.python.exists()):
            _create(peer, log)
            marker.write_text(wanted)
        if peer.local:
            failed = _install_tree(peer, log)
            if failed:
                log(f"  could not install {', '.join(failed)}; measuring without it")
    except Exception as error:
        return PeerStatus(peer, False, error=f"install failed: {error}")
    if peer.key == "plain":
        return PeerStatus(peer, True, version=platform.python_version())
    if peer.local:
        return PeerStatus(peer, True, version=_version(peer, "dotflow-core"))
    distribution = re.split(r"[=<>!~ ]", peer.requirements[0])[0]
    return PeerStatus(peer, True, version=_version(peer, distribution))

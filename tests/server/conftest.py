"""Fixtures for dotflow-server: the in-memory dashboard backend and a URL where nothing listens."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from server_helpers import TOKEN  # type: ignore[import-not-found]  # noqa: E402

from dotflow.dashboard import Backend  # noqa: E402


@pytest.fixture
def backend() -> Iterator[Backend]:
    """The in-memory dashboard (dotflow-dashboard) on a free port, accepting only ``TOKEN``."""
    server = Backend(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def dead_url() -> str:
    """A URL where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"

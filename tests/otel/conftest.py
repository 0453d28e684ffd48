"""An OTLP/HTTP receiver per test, and SDK providers that export to it over the real protocol."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The step modules of these tests (otel_steps) must be importable in worker processes too.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from otel_support import Providers  # noqa: E402 - needs the path above
from otlp_receiver import Receiver, serve  # noqa: E402


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found, server = serve()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def providers(receiver: Receiver) -> Iterator[Providers]:
    made = Providers(receiver.url)
    try:
        yield made
    finally:
        made.shutdown()

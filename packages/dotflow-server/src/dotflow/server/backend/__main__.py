"""``python -m dotflow.server.backend``: serve the reference backend until interrupted."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from dotflow.server.backend.app import Backend


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, serve until SIGINT/SIGTERM, return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m dotflow.server.backend",
        description="An in-memory dotflow backend: accepts ServerAPI's requests, shows runs "
        "at GET /workflows/{id}.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    parser.add_argument(
        "--token", default=None, help="the only X-User-Token accepted (default: any)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="404 for updates of workflows/tasks never created"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(message)s"
    )
    backend = Backend(args.host, args.port, token=args.token, strict=args.strict)
    try:
        backend.start()
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"dotflow backend listening on {backend.url}", flush=True)
    stop.wait()
    backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The floor: the same stack (uvicorn + Starlette) answering writes without auth or a database.

``python floor_server.py`` prints ``listening on URL`` and serves until terminated.
"""

from __future__ import annotations

import json
import socket
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def write(request: Request) -> JSONResponse:
    """Read and parse the body, answer 200: what any backend must do at least."""
    body = json.loads(await request.body() or b"null")
    return JSONResponse({"ok": isinstance(body, dict)})


async def health(_request: Request) -> JSONResponse:
    """``GET /health``."""
    return JSONResponse({"status": "ok"})


def main() -> None:
    """Serve on a free port of 127.0.0.1."""
    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/{path:path}", write, methods=["POST", "PATCH"]),
        ]
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())

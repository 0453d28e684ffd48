"""Request bodies: bounded reads and strict JSON, so bad input gets a 4xx and nothing else."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

__all__ = ["BadRequest", "parse_json", "parse_sequence", "read_body"]

SEQUENCE_HEADER = "X-Dotflow-Sequence"
_MAX_SEQUENCE = (1 << 63) - 1


class BadRequest(ValueError):
    """A request the dashboard refuses: ``status`` and a message saying what is wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes.

    Raises:
        BadRequest: a malformed ``Content-Length`` (400) or a body over ``limit`` (413).
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise BadRequest(400, "Content-Length must be a non-negative integer")
        if int(declared) > limit:
            raise BadRequest(413, f"the body is larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constants(name: str) -> Any:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def parse_json(raw: bytes) -> Any:
    """Strict JSON (no ``NaN``/``Infinity``); an empty body is ``None``.

    Raises:
        BadRequest: not UTF-8 JSON, or nested too deeply.
    """
    if not raw:
        return None
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise BadRequest(400, "the JSON body is nested too deeply") from None
    except ValueError as error:
        raise BadRequest(400, f"the body is not JSON: {error}") from None


def _integer(value: Any, where: str) -> int:
    if isinstance(value, str):
        if not (value.strip().isascii() and value.strip().isdigit()):
            raise BadRequest(400, f"{where} must be a non-negative integer")
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_SEQUENCE:
        raise BadRequest(400, f"{where} must be a non-negative 64-bit integer")
    return value


def parse_sequence(header: str | None, body: Any) -> int | None:
    """The event's sequence from the ``X-Dotflow-Sequence`` header and/or the body.

    Raises:
        BadRequest: not an integer, or header and body disagree.
    """
    from_header = _integer(header, SEQUENCE_HEADER) if header is not None else None
    from_body = None
    if isinstance(body, dict) and body.get("sequence") is not None:
        from_body = _integer(body["sequence"], "'sequence'")
    if from_header is not None and from_body is not None and from_header != from_body:
        raise BadRequest(
            400, f"{SEQUENCE_HEADER} ({from_header}) and 'sequence' ({from_body}) differ"
        )
    return from_header if from_header is not None else from_body

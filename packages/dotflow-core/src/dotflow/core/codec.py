"""The JSON document a persistent storage keeps per task, shared by every storage adapter.

A value is stored only if it comes back exactly as it went in. Plain JSON (JSON types, ``dict``
keys that are strings) is written as is. A tuple, set, datetime, ``int`` key and the other types
:mod:`dotflow.core.tagged` knows are written as tagged JSON, and the document says so
(``"encoding": "tagged"``); with ``serializer="pickle"`` the value is pickled
(``"encoding": "pickle"``, see :mod:`dotflow.core.serializers`). Anything else is refused with an
error that names the offending value, instead of being silently converted.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from dotflow.core.context import Context
from dotflow.core.exceptions import NotJSONSerializableError

__all__ = ["check_key", "decode_context", "encode_context"]

_SCALARS = (str, int, float, bool, type(None))
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


def check_key(key: str) -> str:
    """Return ``key`` if it is safe as a relative path, else raise ``ValueError``.

    A key is one or more segments of letters, digits, ``.``, ``_`` and ``-`` joined by ``/``;
    no segment starts with ``.`` or ``-``, so ``..`` and absolute paths can never be formed.
    """
    if (
        not isinstance(key, str)
        or not key
        or not all(_SEGMENT.fullmatch(part) for part in key.split("/"))
    ):
        msg = (
            f"unsafe storage key {key!r}: use segments of letters, digits, '.', '_' and '-' "
            "joined by '/', none starting with '.'"
        )
        raise ValueError(msg)
    return key


def _check_value(value: Any, where: str) -> None:
    stack: list[tuple[Any, str]] = [(value, "result")]
    while stack:
        item, path = stack.pop()
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is list:
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
        elif kind is dict:
            for k, v in item.items():
                if type(k) is not str:
                    raise NotJSONSerializableError(
                        f"{where} {path}",
                        item,
                        f"dict key {k!r} is a {type(k).__name__}, not a str",
                    )
                stack.append((v, f"{path}[{k!r}]"))
        elif kind is tuple:
            raise NotJSONSerializableError(
                f"{where} {path}", item, "a tuple would come back as a list; return a list"
            )
        else:
            raise NotJSONSerializableError(
                f"{where} {path}", item, f"{kind.__name__} is not a JSON type"
            )


def encode_context(context: Context, where: str = "", serializer: str = "json") -> bytes:
    """The JSON document (UTF-8) for ``context``; raises if its value would not round-trip.

    Args:
        context: what to store.
        where: where it goes, for error messages.
        serializer: ``"json"`` (plain or tagged JSON) or ``"pickle"``.
    """
    label = where or f"task {context.task_id}"
    if serializer != "json":
        return _encode_other(context, label, serializer)
    try:
        _check_value(context.storage, label)
    except NotJSONSerializableError:
        return _encode_other(context, label, serializer)
    document = {
        "storage": context.storage,
        "task_id": context.task_id,
        "workflow_id": context.workflow_id,
        "time": context.time.isoformat(),
    }
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    except ValueError:  # an int too long for JSON text, a lone surrogate: tagged JSON keeps them
        return _encode_other(context, label, serializer)


def _encode_other(context: Context, where: str, serializer: str) -> bytes:
    """The document of a value that is not plain JSON (tagged), or of any value to pickle."""
    from dotflow.core.serializers import encode_value

    value, encoding = encode_value(context.storage, where, serializer)
    document = {
        "storage": value,
        "encoding": encoding,
        "task_id": context.task_id,
        "workflow_id": context.workflow_id,
        "time": context.time.isoformat(),
    }
    # ASCII: a str with a lone surrogate (invalid in UTF-8) is kept exactly as a \u escape.
    return json.dumps(document, separators=(",", ":")).encode()


def decode_context(data: bytes | str, serializer: str = "json", where: str = "") -> Context:
    """The context a document made by :func:`encode_context` holds.

    Args:
        data: the document.
        serializer: the reading storage's serializer; only ``"pickle"`` reads pickled values.
        where: where the document came from, for error messages.
    """
    document = json.loads(data)
    storage = document["storage"]
    encoding = document.get("encoding")
    if encoding is not None:
        from dotflow.core.serializers import decode_value

        storage = decode_value(storage, encoding, serializer, where or "this document")
    return Context(
        storage=storage,
        task_id=document.get("task_id"),
        workflow_id=document.get("workflow_id"),
        time=datetime.fromisoformat(document["time"]) if document.get("time") else datetime.now(),
    )

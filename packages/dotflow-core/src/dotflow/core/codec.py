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
import sys
from datetime import datetime
from typing import Any

from dotflow.core.context import Context
from dotflow.core.exceptions import NotJSONSerializableError, SelfReferencingValueError

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
    # Depth-first, without recursion (deep values must not hit the recursion limit). A container
    # is pushed again with ``_LEAVE`` after its children, so ``on_path`` holds exactly the
    # containers between the root and the item at hand: meeting one of them again is a cycle.
    # A container reached twice without a cycle (shared, not self-referencing) is checked once.
    stack: list[tuple[Any, str]] = [(value, "result")]
    on_path: set[int] = set()
    checked: set[int] = set()
    while stack:
        item, path = stack.pop()
        if path is _LEAVE:
            on_path.discard(id(item))
            checked.add(id(item))
            continue
        kind = type(item)
        if kind in _SCALARS:
            problem = _scalar_problem(item)
            if problem:
                raise NotJSONSerializableError(f"{where} {path}", item, problem)
            continue
        if kind is list or kind is dict:
            if id(item) in checked:
                continue
            _enter(item, path, where, on_path)
            stack.append((item, _LEAVE))
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
                problem = _scalar_problem(k)
                if problem:
                    raise NotJSONSerializableError(f"{where} {path} (a key)", k, problem)
                stack.append((v, f"{path}[{k!r}]"))
        elif kind is tuple:
            raise NotJSONSerializableError(
                f"{where} {path}", item, "a tuple would come back as a list; return a list"
            )
        else:
            raise NotJSONSerializableError(
                f"{where} {path}", item, f"{kind.__name__} is not a JSON type"
            )


#: Marks the second visit of a container in :func:`_check_value`'s stack (its children are done).
_LEAVE: Any = object()


def _enter(item: Any, path: str, where: str, on_path: set[int]) -> None:
    """Note that the walk enters container ``item``; raise if it is already being walked."""
    if id(item) in on_path:
        raise SelfReferencingValueError(
            f"{where} {path}",
            item,
            f"the {type(item).__name__} contains itself (it is self-referencing), so it has no "
            "JSON form; return a copy without the cycle",
        )
    on_path.add(id(item))


def _scalar_problem(item: Any) -> str:
    """Why a JSON scalar cannot be written as standard JSON, or ``""`` when it can."""
    kind = type(item)
    if kind is float:
        if item != item or item in (_INF, -_INF):
            return (
                f"{item!r} has no standard JSON form (JSON has no NaN or Infinity); "
                "return None or a str such as 'nan'"
            )
    elif kind is str:
        if not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                return (
                    f"the str holds a lone surrogate ({item[error.start]!r} at index "
                    f"{error.start}), which UTF-8 cannot encode (os.listdir and sys.argv give "
                    "such strings for undecodable names); decode the bytes with "
                    "errors='replace', or keep os.fsencode(name).hex()"
                )
    elif kind is int and item.bit_length() > _BIG_INT_BITS:
        try:
            str(item)
        except ValueError:
            return (
                f"the int has more digits than Python converts to text "
                f"(sys.get_int_max_str_digits() = {sys.get_int_max_str_digits()}); "
                "return it as a hex str (hex(value)) or raise the limit"
            )
    return ""


_INF = float("inf")
# Below this many bits an int has fewer than 4,300 decimal digits (the default conversion
# limit), so converting it cannot fail and is not even tried.
_BIG_INT_BITS = 14_000


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
    except SelfReferencingValueError:
        raise
    except NotJSONSerializableError:
        return _encode_other(context, label, serializer)
    document = {
        "storage": context.storage,
        "task_id": context.task_id,
        "workflow_id": context.workflow_id,
        "time": context.time.isoformat(),
    }
    try:
        return json.dumps(
            document, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()
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

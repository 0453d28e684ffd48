"""How a persistent storage writes a task's value: ``json`` (the default) or ``pickle``.

``json`` writes plain JSON when the value is plain JSON, else tagged JSON
(:mod:`dotflow.core.tagged`); both read back exactly. ``pickle`` (opt-in, per storage) writes any
object pickle can serialize, base64-encoded in the same JSON document. Unpickling runs code from
the stored data, so only a storage made with ``serializer="pickle"`` reads such a document: use it
only for a storage nobody else can write to.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from dotflow.core import tagged
from dotflow.core.exceptions import NotPicklableError, PickledResultError

__all__ = ["PICKLE", "SERIALIZERS", "check_serializer", "decode_value", "encode_value"]

#: the serializers a storage accepts
SERIALIZERS = ("json", "pickle")
#: the ``encoding`` of a document holding a pickled value
PICKLE = "pickle"


def check_serializer(serializer: Any) -> str:
    """Return ``serializer`` if it is one of :data:`SERIALIZERS`, else raise ``ValueError``."""
    if serializer not in SERIALIZERS:
        msg = (
            f"unknown serializer {serializer!r}: use 'json' (exact round trips of JSON types, "
            "tuple, set, bytes, Decimal, UUID, dates and times) or 'pickle' (any picklable "
            "object; only for storage nobody else can write to)"
        )
        raise ValueError(msg)
    return str(serializer)


def encode_value(value: Any, where: str, serializer: str) -> tuple[Any, str]:
    """``(JSON-ready data, encoding)`` of a value that is not plain JSON, or of any value to pickle.

    Raises:
        NotJSONSerializableError: ``json``, and the value cannot be tagged exactly.
        NotPicklableError: ``pickle``, and pickle refuses the value.
    """
    if serializer == PICKLE:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # PicklingError, TypeError, AttributeError, RecursionError
            raise NotPicklableError(where, value, f"{type(error).__name__}: {error}") from None
        return base64.b64encode(data).decode("ascii"), PICKLE
    return tagged.to_tagged(value, where), tagged.ENCODING


def decode_value(data: Any, encoding: str, serializer: str, where: str) -> Any:
    """The value of a document written with ``encoding``, read by a storage using ``serializer``.

    Raises:
        PickledResultError: a pickled value, and ``serializer`` is not ``pickle``.
        ValueError: an encoding this version does not know.
    """
    if encoding == tagged.ENCODING:
        return tagged.from_tagged(data)
    if encoding == PICKLE:
        if serializer != PICKLE:
            raise PickledResultError(where)
        return pickle.loads(base64.b64decode(data))  # opted in: see the module doc
    msg = (
        f"the result at {where} has an unknown encoding {encoding!r} (written by a newer dotflow?)"
    )
    raise ValueError(msg)

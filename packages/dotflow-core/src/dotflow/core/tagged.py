"""Tagged JSON: exact round trips for Python values JSON has no type for.

A storage document whose value is plain JSON is written as it always was. Only a value holding a
tuple, set, frozenset, bytes, bytearray, Decimal, UUID, date, time, datetime, timedelta, a
non-finite float, an integer too long for JSON text, a str holding surrogate code points
(``{"$str": base64}``: its UTF-8 bytes with ``surrogatepass``), or a dict whose keys are not all
``str`` is written tagged, and its document says so (``"encoding": "tagged"``), so a plain
document is never read as a tagged one.

A tag is an object with one key that starts with ``$``: ``{"$tuple": [1, 2]}``,
``{"$datetime": "2024-05-01T12:00:00+00:00"}`` (MongoDB's extended JSON works the same way). A
dict of the value that could be mistaken for a tag (one key, starting with ``$``) or that has
keys other than ``str`` is written as ``{"$dict": [[key, value], ...]}``. Only exact types are
tagged: a subclass (a named tuple, an ``OrderedDict``, an enum) would come back as its base type,
so it is refused like any other object; ``serializer="pickle"`` stores those.
"""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from dotflow.core.exceptions import NotJSONSerializableError

__all__ = ["ENCODING", "from_tagged", "to_tagged"]

#: the value of a document's ``encoding`` field when its value is tagged
ENCODING = "tagged"

_SCALARS = (str, bool, type(None))
# Longer integers than this are written in hex: decimal text of more than 4300 digits is refused
# by int() and json under Python's default limit.
_MAX_INT_BITS = 13_000


class _Refused(Exception):
    def __init__(self, value: Any, reason: str) -> None:
        self.value = value
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _zone(zone: tzinfo | None) -> Any:
    """A time zone as JSON: ``None``, ``{"offset": µs, "name": ...}`` or ``{"zone": key}``."""
    if zone is None:
        return None
    if type(zone) is timezone:
        offset = zone.utcoffset(None)
        name = zone.tzname(None)
        unnamed = name == timezone(offset).tzname(None)
        return {"offset": offset // timedelta(microseconds=1), "name": None if unnamed else name}
    key = getattr(zone, "key", None)
    if type(zone).__name__ == "ZoneInfo" and isinstance(key, str):
        return {"zone": key}
    raise _Refused(zone, f"its time zone {zone!r} is not a datetime.timezone or a ZoneInfo")


def _plain_zone(zone: tzinfo | None) -> bool:
    """Whether ISO 8601 text alone gives ``zone`` back (no zone, or an unnamed offset)."""
    if zone is None:
        return True
    if type(zone) is not timezone:
        return False
    offset = zone.utcoffset(None)
    # time.isoformat() drops the microseconds of an offset: only whole minutes go as text.
    return offset % timedelta(minutes=1) == timedelta(0) and zone.tzname(None) == timezone(
        offset
    ).tzname(None)


def _clock(value: datetime | time) -> Any:
    if value.fold == 0 and _plain_zone(value.tzinfo):
        return value.isoformat()
    return [value.replace(tzinfo=None, fold=0).isoformat(), value.fold, _zone(value.tzinfo)]


def _has_surrogate(text: str) -> bool:
    # A str with surrogate code points (a lone one from os.listdir, or two that look like a
    # pair) cannot go through JSON text as is: a pair written as two \u escapes is read back as
    # one character. Such a str is written as its UTF-8 bytes with "surrogatepass", in base64.
    return not text.isascii() and any("\ud800" <= char <= "\udfff" for char in text)


def _encode(value: Any, active: set[int]) -> Any:
    kind = type(value)
    if kind is str and _has_surrogate(value):
        return {"$str": _b64(value.encode("utf-8", "surrogatepass"))}
    if kind in _SCALARS:
        return value
    if kind is int:
        if value.bit_length() > _MAX_INT_BITS:
            return {"$int": hex(value)}
        return value
    if kind is float:
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}  # 'nan', 'inf', '-inf'
    if kind is list or kind is tuple or kind is dict or kind is set or kind is frozenset:
        if id(value) in active:
            raise _Refused(value, f"the {kind.__name__} contains itself")
        active.add(id(value))
        try:
            if kind is list:
                return [_encode(item, active) for item in value]
            if kind is dict:
                return _encode_dict(value, active)
            items = [_encode(item, active) for item in value]
            return {f"${kind.__name__}": items}
        finally:
            active.discard(id(value))
    simple = _SIMPLE.get(kind)
    if simple is not None:
        tag, payload = simple
        return {tag: payload(value)}
    raise _Refused(value, f"{kind.__name__} is not a type tagged JSON keeps exactly")


def _encode_dict(value: dict[Any, Any], active: set[int]) -> Any:
    if all(type(key) is str and not _has_surrogate(key) for key in value) and not (
        len(value) == 1 and next(iter(value)).startswith("$")
    ):
        return {key: _encode(item, active) for key, item in value.items()}
    return {"$dict": [[_encode(key, active), _encode(item, active)] for key, item in value.items()]}


# type -> (tag, its payload)
_SIMPLE: dict[type, tuple[str, Callable[[Any], Any]]] = {
    bytes: ("$bytes", _b64),
    bytearray: ("$bytearray", _b64),
    Decimal: ("$decimal", str),
    uuid.UUID: ("$uuid", str),
    date: ("$date", date.isoformat),
    datetime: ("$datetime", _clock),
    time: ("$time", _clock),
    timedelta: ("$timedelta", lambda value: [value.days, value.seconds, value.microseconds]),
}


def to_tagged(value: Any, where: str) -> Any:
    """``value`` as JSON-ready data with tags.

    Raises:
        NotJSONSerializableError: ``value`` holds something tagged JSON cannot give back exactly
            (an object of another type, a subclass, a container that contains itself).
    """
    try:
        return _encode(value, set())
    except _Refused as refused:
        raise NotJSONSerializableError(where, refused.value, refused.reason) from None
    except RecursionError:
        raise NotJSONSerializableError(where, value, "it is nested too deeply") from None


def _zone_of(data: Any) -> tzinfo | None:
    if data is None:
        return None
    if "zone" in data:
        from zoneinfo import ZoneInfo

        return ZoneInfo(data["zone"])
    offset = timedelta(microseconds=data["offset"])
    return timezone(offset) if data["name"] is None else timezone(offset, data["name"])


def _decode_clock(kind: type[datetime] | type[time], data: Any) -> Any:
    if isinstance(data, str):
        return kind.fromisoformat(data)
    text, fold, zone = data
    return kind.fromisoformat(text).replace(tzinfo=_zone_of(zone), fold=fold)


def _decode_tag(tag: str, data: Any) -> Any:
    if tag == "$tuple":
        return tuple(from_tagged(item) for item in data)
    if tag == "$set":
        return {from_tagged(item) for item in data}
    if tag == "$frozenset":
        return frozenset(from_tagged(item) for item in data)
    if tag == "$dict":
        return {from_tagged(key): from_tagged(item) for key, item in data}
    if tag == "$bytes":
        return base64.b64decode(data)
    if tag == "$bytearray":
        return bytearray(base64.b64decode(data))
    if tag == "$decimal":
        return Decimal(data)
    if tag == "$uuid":
        return uuid.UUID(data)
    if tag == "$date":
        return date.fromisoformat(data)
    if tag == "$datetime":
        return _decode_clock(datetime, data)
    if tag == "$time":
        return _decode_clock(time, data)
    if tag == "$timedelta":
        return timedelta(days=data[0], seconds=data[1], microseconds=data[2])
    if tag == "$str":
        return base64.b64decode(data).decode("utf-8", "surrogatepass")
    if tag == "$float":
        return float(data)
    if tag == "$int":
        return int(data, 16)
    msg = f"unknown tag {tag!r} in a tagged document (written by a newer dotflow?)"
    raise ValueError(msg)


def from_tagged(data: Any) -> Any:
    """The value ``data`` (made by :func:`to_tagged` and parsed from JSON) stands for."""
    kind = type(data)
    if kind is list:
        return [from_tagged(item) for item in data]
    if kind is dict:
        if len(data) == 1:
            ((key, item),) = data.items()
            if key.startswith("$"):
                return _decode_tag(key, item)
        return {key: from_tagged(item) for key, item in data.items()}
    return data

"""Where a storage key lives in an object store: ``{prefix}{workflow_id}/{task_id}.json``."""

from __future__ import annotations

from dotflow.core.codec import check_key

__all__ = ["SUFFIX", "key_of", "normalize_prefix", "object_name"]

SUFFIX = ".json"


def normalize_prefix(prefix: str) -> str:
    """``prefix`` as a folder: ``""`` (the bucket root) or segments ending with ``/``.

    Raises:
        ValueError: a prefix that starts with ``/``, has an empty, ``.`` or ``..`` segment, or
            control characters.
    """
    if not isinstance(prefix, str):
        msg = f"prefix must be a str like 'dotflow/', got {type(prefix).__name__}"
        raise TypeError(msg)
    if not prefix:
        return ""
    folder = prefix if prefix.endswith("/") else prefix + "/"
    segments = folder[:-1].split("/")
    if any(s in ("", ".", "..") for s in segments) or any(ord(c) < 32 for c in folder):
        msg = (
            f"invalid prefix {prefix!r}: use folder names joined by '/' (for example "
            "'dotflow/' or 'team/pipelines/'), with no leading '/', '//', '.' or '..'"
        )
        raise ValueError(msg)
    return folder


def object_name(prefix: str, key: str) -> str:
    """The object name of ``key`` (checked with :func:`dotflow.core.codec.check_key`)."""
    return f"{prefix}{check_key(key)}{SUFFIX}"


def key_of(prefix: str, name: str) -> str | None:
    """The key stored in object ``name``, or ``None`` for an object this layout did not write."""
    if not name.startswith(prefix) or not name.endswith(SUFFIX):
        return None
    key = name[len(prefix) : -len(SUFFIX)]
    try:
        return check_key(key)
    except ValueError:
        return None

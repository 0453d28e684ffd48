"""Where a storage key lives in an object store: ``{prefix}{workflow_id}/{task_id}.json``."""

from __future__ import annotations

from dotflow.core.codec import check_key

__all__ = ["KEY_ROOM", "MAX_OBJECT_NAME", "SUFFIX", "key_of", "normalize_prefix", "object_name"]

SUFFIX = ".json"


def normalize_prefix(prefix: str) -> str:
    """``prefix`` as a folder: ``""`` (the bucket root) or segments ending with ``/``.

    Raises:
        ValueError: a prefix that starts with ``/``, has an empty, ``.`` or ``..`` segment,
            control characters (DEL included), or leaves no room for keys within the 1,024
            bytes S3 and Cloud Storage allow for an object name.
    """
    if not isinstance(prefix, str):
        msg = f"prefix must be a str like 'dotflow/', got {type(prefix).__name__}"
        raise TypeError(msg)
    if not prefix:
        return ""
    folder = prefix if prefix.endswith("/") else prefix + "/"
    segments = folder[:-1].split("/")
    if any(s in ("", ".", "..") for s in segments) or any(
        ord(c) < 32 or ord(c) == 127 for c in folder
    ):
        msg = (
            f"invalid prefix {prefix!r}: use folder names joined by '/' (for example "
            "'dotflow/' or 'team/pipelines/'), with no leading '/', '//', '.', '..' or control "
            "characters"
        )
        raise ValueError(msg)
    _check_prefix_size(prefix, folder)
    return folder


#: The longest object name S3 and Cloud Storage accept, in UTF-8 bytes.
MAX_OBJECT_NAME = 1024
#: Room a prefix must leave for the key: a workflow id (at most 200), "/", a task id or
#: "fingerprint", ".json".
KEY_ROOM = 256


def _check_prefix_size(prefix: str, folder: str) -> None:
    try:
        size = len(folder.encode("utf-8"))
    except UnicodeEncodeError:
        msg = f"invalid prefix {prefix!r}: it holds a lone surrogate, which UTF-8 cannot encode"
        raise ValueError(msg) from None
    if size > MAX_OBJECT_NAME - KEY_ROOM:
        msg = (
            f"prefix too long ({size} bytes in UTF-8): object names are limited to "
            f"{MAX_OBJECT_NAME} bytes and the key needs up to {KEY_ROOM}; use a prefix of at "
            f"most {MAX_OBJECT_NAME - KEY_ROOM} bytes"
        )
        raise ValueError(msg)


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

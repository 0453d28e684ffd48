"""Building the storage the command line names, from ``--path``, ``-O`` and the environment.

A storage's settings are its constructor's keyword arguments. They come from, lowest priority
first: ``DOTFLOW_<STORAGE>_<PARAMETER>`` variables, ``--path``, ``--storage-option KEY=VALUE``.
``--path`` is the folder for a storage that takes ``path`` (``file``) and ``bucket[/prefix]`` for
one that takes ``bucket`` (``s3``, ``gcs``). Values are converted to the type of the parameter's
default (``true``/``false`` for a bool, numbers for an int or float).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotflow.cli.environment import storage_settings
from dotflow.cli.errors import BadInput

if TYPE_CHECKING:
    from dotflow.abc import Storage

__all__ = ["build_storage", "describe_storage", "local_folder"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(name: str, value: str, parameter: inspect.Parameter | None) -> Any:
    default = None if parameter is None else parameter.default
    if isinstance(default, bool):
        lowered = value.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise BadInput(f"storage setting {name}={value!r}: expected true or false")
    if isinstance(default, int | float):
        try:
            return type(default)(value)
        except ValueError:
            raise BadInput(
                f"storage setting {name}={value!r}: expected a {type(default).__name__}"
            ) from None
    return value


def _parse_options(options: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for option in options:
        key, sep, value = option.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key.isidentifier():
            raise BadInput(
                f"--storage-option {option!r}: expected KEY=VALUE, e.g. region=eu-west-1"
            )
        parsed[key] = value
    return parsed


def _split_bucket(path: str) -> tuple[str, str]:
    for scheme in ("s3://", "gs://", "gcs://"):
        if path.startswith(scheme):
            path = path[len(scheme) :]
    bucket, _, prefix = path.partition("/")
    return bucket, prefix


def build_storage(name: str, path: str | None, options: tuple[str, ...] = ()) -> Storage:
    """An instance of the storage registered as ``name``, configured from the command line."""
    from dotflow.core import registry

    cls = registry.load("storage", name)
    parameters = dict(inspect.signature(cls).parameters)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    accepted = ", ".join(
        p for p in parameters if parameters[p].kind is not inspect.Parameter.VAR_KEYWORD
    )
    raw: dict[str, str] = {
        key: value
        for key, value in storage_settings(name).items()
        if key in parameters or takes_any
    }
    if path is not None:
        if "path" in parameters:
            raw["path"] = path
        elif "bucket" in parameters:
            bucket, prefix = _split_bucket(path)
            raw["bucket"] = bucket
            if prefix and "prefix" in parameters:
                raw["prefix"] = prefix
        else:
            where = (
                "keeps results in memory; use --storage file"
                if name == "default"
                else (f"takes {accepted or 'no settings'}; use --storage-option KEY=VALUE")
            )
            raise BadInput(
                f"--path does not apply to the {name} storage ({cls.__name__}), which {where}"
            )
    raw.update(_parse_options(options))
    kwargs = {key: _coerce(key, value, parameters.get(key)) for key, value in raw.items()}
    unknown = [key for key in kwargs if key not in parameters and not takes_any]
    if unknown:
        raise BadInput(
            f"the {name} storage ({cls.__name__}) has no setting {', '.join(map(repr, unknown))}; "
            f"it takes: {accepted or 'nothing'}"
        )
    try:
        storage: Storage = cls(**kwargs)
    except Exception as error:
        env = f"DOTFLOW_{name.upper()}_<SETTING>"
        raise BadInput(
            f"cannot create the {name} storage ({cls.__name__}): {type(error).__name__}: {error} "
            f"(settings come from --path, --storage-option KEY=VALUE and {env} variables)"
        ) from error
    return storage


def local_folder(storage: Storage) -> Path | None:
    """The local folder a file-like storage writes to, if it has one."""
    path = getattr(storage, "path", None)
    from dotflow.providers import StorageFile

    if isinstance(storage, StorageFile) and path is not None:
        return Path(path)
    return None


def describe_storage(storage: Storage) -> str:
    """Where ``storage`` keeps results, for the run summary."""
    from dotflow.providers import StorageDefault

    if isinstance(storage, StorageDefault):
        return "memory only (lost at exit; use --storage file to keep them)"
    folder = local_folder(storage)
    if folder is not None:
        return f"{folder} (file storage)"
    bucket = getattr(storage, "bucket", None)
    if isinstance(bucket, str):
        prefix = getattr(storage, "prefix", "") or ""
        return f"{bucket}/{prefix} ({type(storage).__name__})"
    if type(storage).__repr__ is not object.__repr__:
        return repr(storage)
    return type(storage).__name__

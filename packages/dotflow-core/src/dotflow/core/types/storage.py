"""The names of the storages dotflow's own distributions register."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TypeStorage"]


class TypeStorage(StrEnum):
    """Storage names for ``dotflow start --storage`` and the ``dotflow.storage`` entry points.

    ``s3`` needs dotflow-aws and ``gcs`` dotflow-gcp; any name a plugin registers works too.
    """

    DEFAULT = "default"
    FILE = "file"
    S3 = "s3"
    GCS = "gcs"

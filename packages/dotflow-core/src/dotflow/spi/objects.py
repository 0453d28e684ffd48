"""The base of storages that keep one JSON object per key in a bucket (S3, Cloud Storage, ...).

Subclass :class:`ObjectStorage`, set its class variables and implement its six SDK calls
(``_new_client``, ``_explain``, ``_put``, ``_read``, ``_list``, ``_delete``); the layout
(``{prefix}{workflow_id}/{task_id}.json``), the codec, one client per process and the error
messages come with it. :class:`dotflow.testing.ObjectStorageContract` tests the result.
"""

from __future__ import annotations

from dotflow.core.object_layout import key_of, normalize_prefix, object_name
from dotflow.core.object_store import BucketNotConfiguredError, ObjectStorage, ObjectStoreError
from dotflow.core.process_local import ProcessLocal

__all__ = [
    "BucketNotConfiguredError",
    "ObjectStorage",
    "ObjectStoreError",
    "ProcessLocal",
    "key_of",
    "normalize_prefix",
    "object_name",
]

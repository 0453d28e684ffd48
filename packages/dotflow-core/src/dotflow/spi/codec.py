"""The JSON document a persistent storage keeps per key, and the key rule.

A storage that writes :func:`encode_context`'s bytes and returns :func:`decode_context` of them
keeps every value exactly (tuples, sets, dates, ``int`` keys, bytes, ... as tagged JSON), refuses
what it cannot keep with :class:`~dotflow.spi.errors.NotJSONSerializableError`, and reads
pickled values only when made with ``serializer="pickle"``. :func:`check_key` refuses keys that
could escape a folder or bucket prefix.
"""

from __future__ import annotations

from dotflow.core.codec import check_key, decode_context, encode_context
from dotflow.core.serializers import SERIALIZERS, check_serializer

__all__ = ["SERIALIZERS", "check_key", "check_serializer", "decode_context", "encode_context"]

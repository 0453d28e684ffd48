"""Building the boto3 S3 client: retries and timeouts come from botocore's own settings."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config

__all__ = ["build_client", "make_config"]


def make_config(
    max_attempts: int | None, connect_timeout: float, read_timeout: float, max_pool: int
) -> Config:
    """A botocore ``Config`` with bounded ``standard``-mode retries and timeouts.

    Standard mode retries throttling, 5xx answers and connection errors with capped exponential
    backoff and jitter. ``max_attempts=None`` leaves the number of attempts to the AWS
    configuration (``AWS_MAX_ATTEMPTS`` or the profile's ``max_attempts``).
    """
    retries: dict[str, Any] = {"mode": "standard"}
    if max_attempts is not None:
        retries["total_max_attempts"] = max_attempts
    return Config(
        retries=retries,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max_pool,
    )


def build_client(region: str | None, endpoint_url: str | None, config: Config) -> BaseClient:
    """A new S3 client on its own session (the default session is not thread-safe).

    Credentials come from the standard chain (environment, shared files, SSO, instance or
    container roles); ``endpoint_url=None`` lets boto3 read ``AWS_ENDPOINT_URL_S3`` /
    ``AWS_ENDPOINT_URL``.
    """
    session = boto3.session.Session()
    return session.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)

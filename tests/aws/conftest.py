"""A real S3 endpoint for the tests: moto in server mode on 127.0.0.1, started once per session."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import boto3
import pytest
from http_faults import FaultProxy
from moto.server import ThreadedMotoServer

#: Credentials moto accepts; set for the session so the standard chain finds them.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server, with AWS test credentials in the environment."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_ENV.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
            patch.delenv(name, raising=False)
        yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str):
    """A plain boto3 client on the moto server, to set up and inspect buckets."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def s3_bucket(s3_client) -> str:
    """A bucket shared by the session (tests use their own workflow ids inside it)."""
    name = f"dotflow-{uuid.uuid4().hex[:10]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def aws_env(s3_endpoint: str, s3_bucket: str) -> dict[str, str]:
    """The environment a subprocess needs to reach the moto server through the standard chain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DOTFLOW_"))}
    env.update(AWS_ENV)
    env["AWS_ENDPOINT_URL"] = s3_endpoint
    env["DOTFLOW_S3_BUCKET"] = s3_bucket
    return env


def _s3_error(status: int, code: str) -> tuple[bytes, str]:
    payload = (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code or 'SlowDown'}</Code>"
        f"<Message>injected by the test</Message></Error>"
    ).encode()
    return payload, "application/xml"


@pytest.fixture
def fault_proxy(s3_endpoint: str) -> Iterator[FaultProxy]:
    """A proxy to the moto server that can inject transient errors (S3 error codes as detail)."""
    proxy = FaultProxy(s3_endpoint, _s3_error)
    yield proxy
    proxy.close()

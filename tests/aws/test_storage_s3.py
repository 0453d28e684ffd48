"""StorageS3 beyond the shared contract: layout, configuration, errors, retries, processes."""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow import Context
from dotflow.aws import BucketNotConfiguredError, S3StorageError, StorageS3
from dotflow.core.codec import decode_context
from dotflow.core.object_layout import key_of, normalize_prefix, object_name
from dotflow.core.registry import load


def test_found_through_the_entry_point_and_the_facade() -> None:
    from dotflow.providers import StorageS3 as FromFacade

    assert load("storage", "s3") is StorageS3
    assert FromFacade is StorageS3


def test_one_json_object_per_task_under_the_prefix(s3_endpoint, s3_bucket, s3_client) -> None:
    storage = StorageS3(bucket=s3_bucket, prefix="team/pipelines", endpoint_url=s3_endpoint)
    assert storage.prefix == "team/pipelines/"
    storage.post("flow-a/1", Context({"users": 150}, task_id=1, workflow_id="flow-a"))
    storage.post("flow-a/2", Context([1, 2], task_id=2, workflow_id="flow-a"))
    listed = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix="team/pipelines/flow-a/")
    assert [o["Key"] for o in listed["Contents"]] == [
        "team/pipelines/flow-a/1.json",
        "team/pipelines/flow-a/2.json",
    ]
    body = s3_client.get_object(Bucket=s3_bucket, Key="team/pipelines/flow-a/1.json")
    assert body["ContentType"] == "application/json"
    document = json.loads(body["Body"].read())
    assert document["storage"] == {"users": 150} and document["task_id"] == 1
    assert decode_context(json.dumps(document)).workflow_id == "flow-a"


def test_objects_it_did_not_write_are_ignored(s3_endpoint, s3_bucket, s3_client) -> None:
    storage = StorageS3(bucket=s3_bucket, prefix="mixed/", endpoint_url=s3_endpoint)
    storage.post("wf/1", Context(1))
    for foreign in ("mixed/wf/notes.txt", "mixed/wf/.hidden.json", "mixed/wf/1.json.bak"):
        s3_client.put_object(Bucket=s3_bucket, Key=foreign, Body=b"x")
    assert storage.list_keys("wf/") == ["wf/1"]
    assert storage.delete_prefix("wf/") == 1
    left = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix="mixed/wf/")["KeyCount"]
    assert left == 3


def test_pages_through_more_than_1000_keys(s3_endpoint, s3_bucket, s3_client) -> None:
    storage = StorageS3(bucket=s3_bucket, endpoint_url=s3_endpoint)
    prefix = f"big-{uuid.uuid4().hex[:8]}"
    keys = [f"{prefix}/{i}" for i in range(1, 1051)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: storage.post(k, Context(k)), keys))
    first_page = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix=f"dotflow/{prefix}/")
    assert first_page["IsTruncated"], "the server must page for this test to mean anything"
    assert storage.list_keys(f"{prefix}/") == sorted(keys)
    assert storage.delete_prefix(f"{prefix}/") == len(keys)
    assert storage.list_keys(f"{prefix}/") == []
    assert storage.get(keys[-1]) is None


def test_bucket_and_prefix_from_the_environment(s3_endpoint, s3_bucket, monkeypatch) -> None:
    monkeypatch.setenv("DOTFLOW_S3_BUCKET", s3_bucket)
    monkeypatch.setenv("DOTFLOW_S3_PREFIX", "from-env/")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    storage = StorageS3()
    assert (storage.bucket, storage.prefix) == (s3_bucket, "from-env/")
    storage.post("wf/1", Context("env"))
    assert StorageS3(bucket=s3_bucket, prefix="from-env/").get("wf/1").storage == "env"


def test_no_bucket_names_both_ways_to_configure_it(monkeypatch) -> None:
    monkeypatch.delenv("DOTFLOW_S3_BUCKET", raising=False)
    with pytest.raises(BucketNotConfiguredError) as error:
        StorageS3()
    assert "bucket=" in str(error.value) and "DOTFLOW_S3_BUCKET" in str(error.value)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("prefix", ["/abs", "a//b", "a/../b", "./a", "a\nb"])
def test_bad_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="invalid prefix"):
        normalize_prefix(prefix)


def test_missing_bucket_fails_at_construction(s3_endpoint) -> None:
    with pytest.raises(S3StorageError) as error:
        StorageS3(bucket="no-such-bucket-here", endpoint_url=s3_endpoint)
    message = str(error.value)
    assert "s3://no-such-bucket-here" in message and "does not exist" in message
    assert error.value.bucket == "no-such-bucket-here"


def test_no_credentials_fails_with_the_ways_to_get_them(
    s3_endpoint, s3_bucket, monkeypatch, tmp_path
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(S3StorageError, match=r"no AWS credentials found.*AWS_ACCESS_KEY_ID"):
        StorageS3(bucket=s3_bucket, endpoint_url=s3_endpoint)


def test_unreachable_endpoint_fails_at_construction() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(S3StorageError, match=r"cannot open bucket s3://b.*endpoint"):
        StorageS3(bucket="b", endpoint_url=f"http://127.0.0.1:{port}", max_attempts=1)


def test_denied_access_fails_at_construction(tmp_path) -> None:
    """A moto server that enforces IAM: a user without policies may not touch the bucket."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        admin = {"endpoint_url": url, "region_name": "us-east-1"}
        boto3.client("s3", **admin).create_bucket(Bucket="locked")
        iam = boto3.client("iam", **admin)
        iam.create_user(UserName="nobody")
        key = iam.create_access_key(UserName="nobody")["AccessKey"]
        client = boto3.client(
            "s3",
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            **admin,
        )
        with pytest.raises(S3StorageError) as error:
            StorageS3(bucket="locked", client=client)
        assert "s3://locked" in str(error.value) and "access denied" in str(error.value)
        assert error.value.code == "403"
    finally:
        server.terminate()
        server.wait(10)


def test_transient_errors_are_retried_by_the_sdk(fault_proxy, s3_bucket) -> None:
    storage = StorageS3(bucket=s3_bucket, endpoint_url=fault_proxy.url, max_attempts=4)
    fault_proxy.fail_next(2, 503, "SlowDown")
    storage.post("retried/1", Context("made it"))
    assert fault_proxy.seen == [("PUT", 503), ("PUT", 503), ("PUT", 200)]
    fault_proxy.fail_next(1, 500, "InternalError")
    fault_proxy.fail_next(1, 0)  # connection closed without an answer
    assert storage.get("retried/1").storage == "made it"
    assert [status for _, status in fault_proxy.seen] == [500, 0, 200]


def test_retries_are_bounded(fault_proxy, s3_bucket) -> None:
    storage = StorageS3(bucket=s3_bucket, endpoint_url=fault_proxy.url, max_attempts=2)
    fault_proxy.fail_next(5, 503, "SlowDown")
    with pytest.raises(
        S3StorageError, match=r"cannot write s3://.*/dotflow/retried/2.json: SlowDown"
    ):
        storage.post("retried/2", Context(1))
    assert fault_proxy.seen == [("PUT", 503), ("PUT", 503)]


def test_a_pickled_copy_keeps_the_endpoint(s3_endpoint, s3_bucket) -> None:
    # Forked and spawned processes are covered by ObjectStorageContract (test_contract.py).
    storage = StorageS3(bucket=s3_bucket, endpoint_url=s3_endpoint)
    copy = pickle.loads(pickle.dumps(storage))
    assert (copy.bucket, copy.prefix, copy.endpoint_url) == (s3_bucket, "dotflow/", s3_endpoint)


segment = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,20}", fullmatch=True)


@given(
    prefix=st.lists(segment, max_size=3).map(lambda parts: "/".join(parts)),
    key=st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts)),
)
def test_object_names_map_back_to_their_keys(prefix: str, key: str) -> None:
    folder = normalize_prefix(prefix)
    name = object_name(folder, key)
    assert name.startswith(folder) and name.endswith(".json")
    assert key_of(folder, name) == key

"""StorageGCS beyond the shared contract: layout, configuration, errors, retries, processes."""

from __future__ import annotations

import json
import multiprocessing
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from dotflow import Context
from dotflow.core.registry import load
from dotflow.gcp import BucketNotConfiguredError, GCSStorageError, StorageGCS
from dotflow.gcp import storage as gcs_module


def test_found_through_the_entry_point_and_the_facade() -> None:
    from dotflow.providers import StorageGCS as FromFacade

    assert load("storage", "gcs") is StorageGCS
    assert FromFacade is StorageGCS


def test_one_json_object_per_task_under_the_prefix(gcs_bucket, gcs_client) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket, prefix="team/pipelines")
    assert storage_.prefix == "team/pipelines/"
    storage_.post("flow-a/1", Context({"users": 150}, task_id=1, workflow_id="flow-a"))
    storage_.post("flow-a/2", Context([1, 2], task_id=2, workflow_id="flow-a"))
    blobs = list(gcs_client.list_blobs(gcs_bucket, prefix="team/pipelines/flow-a/"))
    assert [b.name for b in blobs] == [
        "team/pipelines/flow-a/1.json",
        "team/pipelines/flow-a/2.json",
    ]
    assert blobs[0].content_type == "application/json"
    document = json.loads(blobs[0].download_as_bytes())
    assert document["storage"] == {"users": 150} and document["task_id"] == 1
    assert document["workflow_id"] == "flow-a"


def test_objects_it_did_not_write_are_ignored(gcs_bucket, gcs_client) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket, prefix="mixed/")
    storage_.post("wf/1", Context(1))
    bucket = gcs_client.bucket(gcs_bucket)
    for foreign in ("mixed/wf/notes.txt", "mixed/wf/.hidden.json", "mixed/wf/1.json.bak"):
        bucket.blob(foreign).upload_from_string(b"x")
    assert storage_.list_keys("wf/") == ["wf/1"]
    assert storage_.delete_prefix("wf/") == 1
    assert len(list(gcs_client.list_blobs(gcs_bucket, prefix="mixed/wf/"))) == 3


def test_deletes_in_batches(gcs_bucket) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket)
    prefix = f"many-{uuid.uuid4().hex[:8]}"
    keys = [f"{prefix}/{i}" for i in range(1, 2 * gcs_module.DELETE_BATCH + 32)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda k: storage_.post(k, Context(k)), keys))
    assert storage_.list_keys(f"{prefix}/") == sorted(keys)
    assert storage_.delete_prefix(f"{prefix}/") == len(keys)
    assert storage_.list_keys(f"{prefix}/") == []


def test_a_failed_batch_is_deleted_one_by_one(gcs_bucket, fault_proxy) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket)
    for i in range(1, 6):
        storage_.post(f"batch/{i}", Context(i))
    fault_proxy.fail_next(1, 503, match="/batch/")
    assert storage_.delete_prefix("batch/") == 5
    methods = [m for m, _ in fault_proxy.seen]
    assert ("POST", 503) in fault_proxy.seen and methods.count("DELETE") == 5
    assert storage_.list_keys("batch/") == []


def test_bucket_and_prefix_from_the_environment(gcs_bucket, monkeypatch) -> None:
    monkeypatch.setenv("DOTFLOW_GCS_BUCKET", gcs_bucket)
    monkeypatch.setenv("DOTFLOW_GCS_PREFIX", "from-env/")
    storage_ = StorageGCS()
    assert (storage_.bucket, storage_.prefix) == (gcs_bucket, "from-env/")
    storage_.post("wf/1", Context("env"))
    assert StorageGCS(bucket=gcs_bucket, prefix="from-env/").get("wf/1").storage == "env"


def test_no_bucket_names_both_ways_to_configure_it(monkeypatch) -> None:
    monkeypatch.delenv("DOTFLOW_GCS_BUCKET", raising=False)
    with pytest.raises(BucketNotConfiguredError) as error:
        StorageGCS()
    assert "bucket=" in str(error.value) and "DOTFLOW_GCS_BUCKET" in str(error.value)


def test_anonymous_credentials_with_the_emulator(gcs_bucket) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket)
    assert isinstance(storage_.client._credentials, AnonymousCredentials)


def test_missing_bucket_fails_at_construction(gcs_endpoint) -> None:
    with pytest.raises(GCSStorageError) as error:
        StorageGCS(bucket="no-such-bucket-here")
    assert "gs://no-such-bucket-here" in str(error.value)
    assert "does not exist" in str(error.value) and error.value.code == "404"


def test_denied_access_fails_at_construction(gcs_bucket, fault_proxy) -> None:
    fault_proxy.fail_next(2, 403, match="/o?")
    with pytest.raises(GCSStorageError) as error:
        StorageGCS(bucket=gcs_bucket)
    assert f"gs://{gcs_bucket}" in str(error.value) and "access denied" in str(error.value)
    assert error.value.code == "403"
    assert len(fault_proxy.failures) == 1, "a denial is final, not retried"
    fault_proxy.failures.clear()


def test_no_credentials_fails_with_the_ways_to_get_them(gcs_bucket, monkeypatch, tmp_path):
    monkeypatch.delenv("STORAGE_EMULATOR_HOST")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud login either
    with pytest.raises(
        GCSStorageError, match=r"no Google Cloud credentials.*GOOGLE_APPLICATION"
    ) as caught:
        StorageGCS(bucket=gcs_bucket)
    assert str(caught.value).count("cannot open bucket") == 1  # not wrapped a second time


def test_unreachable_endpoint_fails_at_construction(monkeypatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    with pytest.raises(GCSStorageError, match=r"cannot open bucket gs://b: gave up after 1 s"):
        StorageGCS(bucket="b", retry_deadline=1)


def test_transient_errors_are_retried_by_the_sdk(gcs_bucket, fault_proxy) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket)
    fault_proxy.fail_next(1, 503, match="/upload/")
    fault_proxy.fail_next(1, 429, match="/upload/")
    storage_.post("retried/1", Context("made it"))
    uploads = [s for m, s in fault_proxy.seen if m == "POST"]
    assert uploads == [503, 429, 200]
    fault_proxy.fail_next(1, 500, match="alt=media")
    fault_proxy.fail_next(1, 0, match="alt=media")  # connection closed without an answer
    assert storage_.get("retried/1").storage == "made it"
    assert [status for m, status in fault_proxy.seen if m == "GET"][-3:] == [500, 0, 200]


def test_retries_are_bounded(gcs_bucket, fault_proxy) -> None:
    storage_ = StorageGCS(bucket=gcs_bucket, retry_deadline=1.5)
    fault_proxy.fail_next(1000, 503, match="/upload/")
    with pytest.raises(GCSStorageError, match=r"cannot write gs://.*/dotflow/retried/2.json"):
        storage_.post("retried/2", Context(1))
    assert 1 < len(fault_proxy.seen) < 20
    fault_proxy.failures.clear()


def test_a_given_client_is_rebuilt_alike_in_a_child(gcs_bucket, gcs_endpoint) -> None:
    client = storage.Client(
        project="given",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": gcs_endpoint},
    )
    storage_ = StorageGCS(bucket=gcs_bucket, client=client)
    assert storage_.client is client
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def child() -> None:
        mine = storage_.client
        storage_.post("given/1", Context("child"))
        writer.send((mine is client, mine.project, mine.api_endpoint))

    process = context.Process(target=child)
    process.start()
    assert reader.recv() == (False, "given", gcs_endpoint)
    process.join(30)
    assert process.exitcode == 0
    assert storage_.get("given/1").storage == "child"

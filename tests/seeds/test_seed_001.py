"""Seed 001, the user-facing README: every code snippet and CLI line, run.

Snippets run as written, with the README's placeholder steps (``task_a``, ``my_step`` ...) defined
here. Adapted only where a snippet needs the outside world: the HTTP calls go to a local server,
S3 and GCS to local emulators (moto, gcp-storage-emulator), Telegram to the fake Bot API of
``tests/telegram``; the endless cron schedules are stopped with SIGTERM once they schedule.
The ``pip install`` lines are covered by ``tests/packaging``, the ``docs_src`` examples by
``tests/examples`` (``examples/``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# seed_run.py sits next to this file, the fake Telegram Bot API in tests/telegram (tests use
# --import-mode=importlib, which adds no folder to sys.path).
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
if str(Path(__file__).parent.parent / "telegram") not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent.parent / "telegram"))

from fake_bot_api import FakeBotApi
from seed_run import DOTFLOW, clean_env, dotflow, write

from dotflow import Config, DotFlow, action
from dotflow.core.types.status import TypeStatus

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}

# The README's placeholder steps.
RAN: list[str] = []


def _step(name: str, value: Any = None) -> Any:
    def body() -> Any:
        RAN.append(name)
        return name if value is None else value

    body.__name__ = body.__qualname__ = name
    return action(body)


task_a, task_b, task_c = _step("task_a"), _step("task_b"), _step("task_c")
fetch_users, save_users = _step("fetch_users"), _step("save_users")
fetch_orders, save_orders = _step("fetch_orders"), _step("save_orders")
scrape_site_a, scrape_site_b = _step("scrape_site_a"), _step("scrape_site_b")
process_data, save_results = _step("process_data"), _step("save_results")
my_step = _step("my_step")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    RAN.clear()


# --- a local HTTP API for the snippets that call api.example.com -------------------------------


class _Api(BaseHTTPRequestHandler):
    fail_first = 0
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        status = 503 if type(self).hits <= type(self).fail_first else 200
        body = json.dumps({"data": [1, 2, 3]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def api() -> Iterator[str]:
    _Api.hits, _Api.fail_first = 0, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/data"
    server.shutdown()
    server.server_close()


# --- library snippets ---------------------------------------------------------------------------


def test_quick_start(capsys: pytest.CaptureFixture[str]) -> None:
    @action
    def extract():
        return {"users": 150}

    @action
    def transform(previous_context):
        total = previous_context.storage["users"]
        return {"users": total, "active": int(total * 0.8)}

    @action
    def load(previous_context):
        print(f"Loaded {previous_context.storage['active']} active users")

    workflow = DotFlow()
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)
    workflow.start()
    assert capsys.readouterr().out == "Loaded 120 active users\n"


def test_sequential_background_parallel() -> None:
    workflow = DotFlow()
    workflow.task.add(step=task_a)
    workflow.task.add(step=task_b)
    workflow.start()  # or mode="sequential"
    assert RAN == ["task_a", "task_b"]

    run = workflow.start(mode="background")
    assert run.wait(timeout=60)
    assert workflow.result_storage() == ["task_a", "task_b"]

    workflow = DotFlow()
    workflow.task.add(step=task_a)
    workflow.task.add(step=task_b)
    workflow.task.add(step=task_c)
    workflow.start(mode="parallel")
    assert workflow.result_storage() == ["task_a", "task_b", "task_c"]


def test_parallel_groups() -> None:
    workflow = DotFlow()
    workflow.task.add(step=fetch_users, group_name="users")
    workflow.task.add(step=save_users, group_name="users")
    workflow.task.add(step=fetch_orders, group_name="orders")
    workflow.task.add(step=save_orders, group_name="orders")
    workflow.start()
    assert RAN.index("fetch_users") < RAN.index("save_users")
    assert RAN.index("fetch_orders") < RAN.index("save_orders")

    workflow = DotFlow()
    workflow.task.add(step=scrape_site_a, group_name="scraping")
    workflow.task.add(step=scrape_site_b, group_name="scraping")
    workflow.task.add(step=process_data, group_name="processing")
    workflow.task.add(step=save_results, group_name="processing")
    workflow.start()  # groups run in parallel, tasks within each group run sequentially
    assert all(t.status is TypeStatus.COMPLETED for t in workflow.result_task())


def test_retry_timeout_backoff(api: str) -> None:
    import urllib.error

    _Api.fail_first = 1

    # Adapted: urllib instead of requests, the local API instead of api.example.com.
    @action(retry=3, timeout=10, retry_delay=2, backoff=True)
    def unreliable_api_call():
        with urllib.request.urlopen(api, timeout=5) as response:
            return json.load(response)

    workflow = DotFlow()
    workflow.task.add(step=unreliable_api_call)
    workflow.start()
    task = workflow.result_task()[0]
    assert task.status is TypeStatus.COMPLETED
    assert task.current_context.storage == {"data": [1, 2, 3]}
    assert task.retry_count == 1
    assert task.errors[0].exception == urllib.error.HTTPError.__name__


def test_context_chain() -> None:
    @action
    def step_one():
        return "Hello"

    @action
    def step_two(previous_context, initial_context):
        greeting = previous_context.storage  # "Hello"
        name = initial_context.storage  # "World"
        return f"{greeting}, {name}!"

    workflow = DotFlow()
    workflow.task.add(step=step_one)
    workflow.task.add(step=step_two, initial_context="World")
    workflow.start()
    context = workflow.result_context()[1]
    assert context.storage == "Hello, World!"
    assert (context.task_id, context.workflow_id) == (2, workflow.workflow_id)
    assert context.time is not None


def test_checkpoint_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dotflow.providers import StorageFile

    monkeypatch.chdir(tmp_path)
    broken = {"step_c": True}
    runs: list[str] = []

    @action
    def step_a():
        runs.append("a")
        return "a"

    @action
    def step_b():
        runs.append("b")
        return "b"

    @action
    def step_c():
        runs.append("c")
        if broken["step_c"]:
            raise RuntimeError("step_c is broken")
        return "c"

    config = Config(storage=StorageFile())
    workflow = DotFlow(config=config, workflow_id="my-pipeline-v1")
    workflow.task.add(step=step_a)
    workflow.task.add(step=step_b)
    workflow.task.add(step=step_c)
    # First run — executes all tasks and saves checkpoints
    workflow.start()
    assert runs == ["a", "b", "c"]
    assert (tmp_path / ".output" / "my-pipeline-v1" / "1.json").exists()
    # If step_c failed, fix and re-run — skips step_a and step_b
    broken["step_c"] = False
    workflow.start(resume=True)
    assert runs == ["a", "b", "c", "c"]
    assert workflow.result_storage() == ["a", "b", "c"]


def test_storage_default_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dotflow.providers import StorageDefault, StorageFile

    workflow = DotFlow()  # uses StorageDefault (in-memory)
    assert isinstance(workflow.config.storage, StorageDefault)

    monkeypatch.chdir(tmp_path)
    config = Config(storage=StorageFile(path=".output"))
    workflow = DotFlow(config=config)
    workflow.task.add(step=task_a)
    workflow.start()
    stored = tmp_path / ".output" / workflow.workflow_id / "1.json"
    assert json.loads(stored.read_text())["storage"] == "task_a"


@pytest.fixture
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    for name, value in {**AWS_ENV, "AWS_ENDPOINT_URL": url}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    import boto3

    boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="my-bucket")
    yield url
    server.stop()


def test_storage_s3(s3_server: str) -> None:
    import boto3

    # As in the README; the endpoint comes from AWS_ENDPOINT_URL (a local moto server).
    from dotflow import Config, DotFlow
    from dotflow.providers import StorageS3

    config = Config(storage=StorageS3(bucket="my-bucket", prefix="pipelines/", region="us-east-1"))
    workflow = DotFlow(config=config)
    workflow.task.add(step=task_a)
    workflow.start()
    assert workflow.result_task()[0].status is TypeStatus.COMPLETED
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    body = client.get_object(Bucket="my-bucket", Key=f"pipelines/{workflow.workflow_id}/1.json")
    assert json.loads(body["Body"].read())["storage"] == "task_a"


@pytest.fixture
def gcs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from gcp_storage_emulator.server import create_server
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    logging.getLogger("gcp_storage_emulator").setLevel(logging.ERROR)
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    host, port = server._api._httpd.server_address[:2]
    url = f"http://{host}:{port}"
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "DOTFLOW_GCS_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", url)
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    storage.Client(project="test", credentials=AnonymousCredentials()).create_bucket("my-bucket")
    yield url
    server.stop()


def test_storage_gcs(gcs_server: str) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    # As in the README; the endpoint comes from STORAGE_EMULATOR_HOST (a local emulator).
    from dotflow import Config, DotFlow
    from dotflow.providers import StorageGCS

    config = Config(
        storage=StorageGCS(bucket="my-bucket", prefix="pipelines/", project="my-project")
    )
    workflow = DotFlow(config=config)
    workflow.task.add(step=task_a)
    workflow.start()
    assert workflow.result_task()[0].status is TypeStatus.COMPLETED
    client = storage.Client(project="test", credentials=AnonymousCredentials())
    blob = client.bucket("my-bucket").blob(f"pipelines/{workflow.workflow_id}/1.json")
    assert json.loads(blob.download_as_bytes())["storage"] == "task_a"


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


def test_notify_telegram(bot_api: FakeBotApi) -> None:
    from dotflow import Config, DotFlow
    from dotflow.core.types.status import TypeStatus
    from dotflow.providers import NotifyTelegram

    notify = NotifyTelegram(
        token="YOUR_BOT_TOKEN",
        chat_id=123456789,
        notification_type=TypeStatus.FAILED,  # only notify on failures (optional)
        base_url=bot_api.url,  # adapted: the fake Bot API instead of Telegram's
    )
    config = Config(notify=notify)
    workflow = DotFlow(config=config)

    @action
    def fails():
        raise ValueError("disk full")

    workflow.task.add(step=task_a)
    workflow.task.add(step=fails)
    workflow.start()
    texts = [call.params.get("text", "") for call in bot_api.wait_for(1)]
    assert len(texts) == 1 and "disk full" in texts[0]  # the failure only
    assert {s.name for s in TypeStatus} == {
        "NOT_STARTED",
        "IN_PROGRESS",
        "COMPLETED",
        "PAUSED",
        "RETRY",
        "FAILED",
    }
    notify.close(timeout=10)


def test_class_based_steps(capsys: pytest.CaptureFixture[str]) -> None:
    class ETLPipeline:
        @action
        def extract(self):
            return {"raw": [1, 2, 3]}

        @action
        def transform(self, previous_context):
            data = previous_context.storage["raw"]
            return {"processed": [x * 2 for x in data]}

        @action
        def load(self, previous_context):
            print(f"Loaded: {previous_context.storage['processed']}")

    @action
    def run_pipeline():
        return ETLPipeline()

    workflow = DotFlow()
    workflow.task.add(step=run_pipeline)
    workflow.start()
    assert capsys.readouterr().out == "Loaded: [2, 4, 6]\n"


def test_callbacks_and_keep_going(capsys: pytest.CaptureFixture[str]) -> None:
    def on_task_done(task):
        print(f"Task {task.task_id} finished with status: {task.status}")

    workflow = DotFlow()
    workflow.task.add(step=my_step, callback=on_task_done)

    def on_success(*args, **kwargs):
        print("All tasks completed!")

    def on_failure(*args, **kwargs):
        print("Something went wrong.")

    workflow.start(on_success=on_success, on_failure=on_failure)
    assert capsys.readouterr().out == (
        "Task 1 finished with status: Completed\nAll tasks completed!\n"
    )

    @action
    def fails():
        raise KeyError("nope")

    workflow = DotFlow()
    workflow.task.add(step=fails)
    workflow.task.add(step=task_a)
    # Stop on first failure (default)
    workflow.start(keep_going=False)
    assert [t.status for t in workflow.result_task()] == [TypeStatus.FAILED, TypeStatus.NOT_STARTED]
    # Continue executing remaining tasks even if one fails
    workflow.start(keep_going=True)
    assert [t.status for t in workflow.result_task()] == [TypeStatus.FAILED, TypeStatus.COMPLETED]
    workflow.start(on_success=on_success, on_failure=on_failure)
    assert capsys.readouterr().out.endswith("Something went wrong.\n")


def test_errors_after_execution(capsys: pytest.CaptureFixture[str]) -> None:
    @action(retry=2, retry_delay=0)
    def flaky():
        raise ConnectionError("refused")

    workflow = DotFlow()
    workflow.task.add(step=flaky)
    workflow.start()
    for task in workflow.result_task():
        print(f"Task {task.task_id}: {task.status}")
        if task.errors:
            print(f"  Errors: {task.errors}")
    out = capsys.readouterr().out
    assert out.startswith(
        "Task 1: Failed\n  Errors: (TaskError(attempt=1, exception='ConnectionError'"
    )
    assert [(e.attempt, e.message) for e in workflow.result_task()[0].errors] == [
        (1, "refused"),
        (2, "refused"),
    ]
    assert "Traceback" in workflow.result_task()[0].errors[0].traceback


def test_async_action(api: str) -> None:
    # Adapted: the local API, read in a thread (no httpx), instead of api.example.com.
    from dotflow import DotFlow, action

    @action(timeout=30)
    async def fetch_data():
        def get() -> Any:
            with urllib.request.urlopen(api, timeout=5) as response:
                return json.load(response)

        return await asyncio.to_thread(get)

    workflow = DotFlow()
    workflow.task.add(step=fetch_data)
    workflow.start()
    assert workflow.result_storage() == [{"data": [1, 2, 3]}]


def test_scheduler_cron_snippets() -> None:
    from dotflow import Config, DotFlow, action
    from dotflow.providers import SchedulerCron

    @action
    def sync_data():
        return {"synced": True}

    config = Config(scheduler=SchedulerCron(cron="*/5 * * * *"))
    workflow = DotFlow(config=config)
    workflow.task.add(step=sync_data)
    # workflow.schedule() blocks until stopped: run it in a thread, stop it once it schedules.
    thread = threading.Thread(target=workflow.schedule)
    thread.start()
    deadline = time.monotonic() + 30
    scheduler = config.scheduler
    try:
        while not scheduler.running:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        scheduler.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert scheduler.stats.started == 0  # */5: stopped before its first tick

    # Queue overlapping executions
    scheduler = SchedulerCron(cron="*/5 * * * *", overlap="queue")
    assert scheduler.overlap == "queue"
    # Allow parallel executions
    scheduler = SchedulerCron(cron="*/5 * * * *", overlap="parallel")
    assert scheduler.overlap == "parallel"


def test_config_with_every_provider(tmp_path: Path, bot_api: FakeBotApi) -> None:
    from dotflow import Config, DotFlow
    from dotflow.providers import LogDefault, NotifyTelegram, SchedulerCron, StorageFile

    config = Config(
        storage=StorageFile(path=str(tmp_path / ".output")),
        notify=NotifyTelegram(token="...", chat_id=123, base_url=bot_api.url),
        log=LogDefault(),
        scheduler=SchedulerCron(cron="0 * * * *"),
    )
    workflow = DotFlow(config=config)
    workflow.task.add(step=task_a)
    workflow.start()
    assert workflow.result_storage() == ["task_a"]
    assert len(bot_api.wait_for(2)) >= 2  # In progress, Completed
    config.notify.close(timeout=10)  # type: ignore[attr-defined]


def test_custom_adapters_from_the_abc_table() -> None:
    from dotflow.abc import Log, Notify, Scheduler, Storage

    class DictStorage(Storage):
        def __init__(self) -> None:
            self.items: dict[str, Any] = {}

        def post(self, key, context):
            self.items[key] = context

        def get(self, key):
            return self.items.get(key)

    class ListNotify(Notify):
        def __init__(self) -> None:
            self.sent: list[str] = []

        def send(self, task):
            self.sent.append(task.status)

    class ListLog(Log):
        def __init__(self) -> None:
            self.lines: list[str] = []

        def info(self, task):
            self.lines.append(f"info {task.task_id} {task.status}")

        def error(self, task):
            self.lines.append(f"error {task.task_id} {task.status}")

    class OnceScheduler(Scheduler):
        def start(self, workflow, **kwargs):
            workflow.start(**kwargs)

        def stop(self):
            return None

    storage, notify, log = DictStorage(), ListNotify(), ListLog()
    config = Config(storage=storage, notify=notify, log=log, scheduler=OnceScheduler())
    workflow = DotFlow(config=config)
    workflow.task.add(step=task_a)
    workflow.schedule()
    assert storage.items[f"{workflow.workflow_id}/1"].storage == "task_a"
    assert notify.sent == ["In progress", "Completed"]
    assert log.lines == ["info 1 In progress", "info 1 Completed"]


def test_results_and_builder_utilities() -> None:
    workflow = DotFlow()
    workflow.task.add(step=task_a)
    workflow.task.add(step=task_b)
    workflow.start()
    # List of Task objects
    tasks = workflow.result_task()
    # List of Context objects (one per task)
    contexts = workflow.result_context()
    # List of storage values (raw return values)
    storages = workflow.result_storage()
    # Serialized result (Pydantic model)
    result = workflow.result()
    assert [t.task_id for t in tasks] == [1, 2]
    assert [c.storage for c in contexts] == storages == ["task_a", "task_b"]
    assert result.model_dump()["status"] == "Completed"
    assert json.loads(result.model_dump_json())["tasks"][1]["current_context"] == "task_b"

    assert workflow.task.count() == 2  # Number of tasks
    schema = workflow.task.schema()  # Pydantic schema of the workflow
    assert [t["step"] for t in schema.model_dump()["tasks"]] == ["task_a", "task_b"]
    workflow.task.reverse()  # Reverse execution order
    assert [t.step_name for t in workflow.task.queue] == ["task_b", "task_a"]
    workflow.task.clear()  # Remove all tasks
    assert workflow.task.count() == 0


def test_string_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        "my_package/tasks.py",
        """
        from dotflow import action

        @action
        def process_data():
            return "processed"

        @action
        def save_results(previous_context):
            return f"saved {previous_context.storage}"
        """,
    )
    write(
        tmp_path,
        "my_package/callbacks.py",
        """
        SEEN = []

        def notify(task):
            SEEN.append((task.task_id, str(task.status)))
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        workflow = DotFlow()
        workflow.task.add(step="my_package.tasks.process_data")
        workflow.task.add(
            step="my_package.tasks.save_results", callback="my_package.callbacks.notify"
        )
        workflow.start()
        assert workflow.result_storage() == ["processed", "saved processed"]
        assert sys.modules["my_package.callbacks"].SEEN == [(2, "Completed")]
    finally:
        for name in [m for m in sys.modules if m.partition(".")[0] == "my_package"]:
            del sys.modules[name]


# --- CLI lines, each a real `dotflow` process ----------------------------------------------------

MY_MODULE = """
from dotflow import action

CALLS = []


@action
def my_task(initial_context):
    print(f"my_task got {initial_context.storage!r}")
    return {"got": initial_context.storage}


def on_done(task):
    print(f"on_done: task {task.task_id} {task.status}")
"""


@pytest.fixture
def cli_project(tmp_path: Path) -> Path:
    write(tmp_path, "my_module.py", MY_MODULE)
    return tmp_path


def _stored(folder: Path, stdout: str) -> Any:
    for line in stdout.splitlines():
        if "workflow id " in line:
            workflow_id = line.rsplit("workflow id ", 1)[1].strip()
            return json.loads((folder / workflow_id / "1.json").read_text())["storage"]
    raise AssertionError(stdout)


def test_cli_start_lines(cli_project: Path) -> None:
    # Simple execution
    done = dotflow("start", "--step", "my_module.my_task", cwd=cli_project)
    assert done.returncode == 0, done.stderr
    assert "my_task got None" in done.stdout
    # With initial context
    done = dotflow(
        "start", "--step", "my_module.my_task", "--initial-context", '{"key": "value"}',
        cwd=cli_project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "my_task got {'key': 'value'}" in done.stdout
    # With callback
    done = dotflow(
        "start", "--step", "my_module.my_task", "--callback", "my_module.on_done", cwd=cli_project
    )
    assert done.returncode == 0, done.stderr
    assert "on_done: task 1 Completed" in done.stdout
    # With execution mode
    done = dotflow("start", "--step", "my_module.my_task", "--mode", "parallel", cwd=cli_project)
    assert done.returncode == 0, done.stderr
    # With file storage
    done = dotflow(
        "start", "--step", "my_module.my_task", "--storage", "file", "--path", ".output",
        cwd=cli_project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _stored(cli_project / ".output", done.stdout) == {"got": None}


def test_cli_start_s3(cli_project: Path, s3_server: str) -> None:
    # With S3 storage (the bucket from DOTFLOW_S3_BUCKET, the endpoint a local moto server)
    done = dotflow(
        "start", "--step", "my_module.my_task", "--storage", "s3",
        cwd=cli_project, **AWS_ENV, AWS_ENDPOINT_URL=s3_server, DOTFLOW_S3_BUCKET="my-bucket",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Workflow completed: 1 task (1 completed)" in done.stdout
    assert "Results: my-bucket/dotflow/ (StorageS3)" in done.stdout


def test_cli_start_gcs(cli_project: Path, gcs_server: str) -> None:
    # With GCS storage (the bucket from DOTFLOW_GCS_BUCKET, the endpoint a local emulator)
    done = dotflow(
        "start", "--step", "my_module.my_task", "--storage", "gcs",
        cwd=cli_project, STORAGE_EMULATOR_HOST=gcs_server, NO_GCE_CHECK="true",
        DOTFLOW_GCS_BUCKET="my-bucket", GOOGLE_CLOUD_PROJECT="my-project",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Workflow completed: 1 task (1 completed)" in done.stdout
    assert "Results: my-bucket/dotflow/ (StorageGCS)" in done.stdout


def _handles_sigterm(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


@pytest.mark.parametrize(
    "args",
    [
        # Schedule with cron
        ["--cron", "*/5 * * * *"],
        # Schedule with overlap strategy
        ["--cron", "0 * * * *", "--overlap", "queue"],
        # Schedule with resume
        ["--cron", "0 */6 * * *", "--storage", "file", "--resume"],
    ],
)
def test_cli_schedule_lines(cli_project: Path, args: list[str]) -> None:
    process = subprocess.Popen(
        [DOTFLOW, "schedule", "--step", "my_module.my_task", *args],
        cwd=cli_project,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _handles_sigterm(process.pid):  # the scheduler is up
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the scheduler never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)  # graceful shutdown
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_cli_commands_table(tmp_path: Path) -> None:
    # dotflow init: initialize a new project
    done = dotflow("init", "demo_project", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "demo_project"
    # dotflow start: run a workflow (the one `init` wrote)
    done = dotflow("start", "--workflow", "demo_project.workflow.main", cwd=project)
    assert done.returncode == 0, done.stderr + done.stdout
    # dotflow log: view execution logs
    done = dotflow("log", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "Completed" in done.stdout
    # dotflow schedule: see test_cli_schedule_lines
    for command in ("init", "start", "schedule", "log"):
        assert dotflow(command, "--help", cwd=tmp_path).returncode == 0

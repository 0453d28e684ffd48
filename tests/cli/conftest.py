"""Fixtures for the dotflow CLI tests: in-process (Click's runner) and real subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules of this folder

from cli_support import MANAGED, ROOT, clean_env


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """In-process CLI runs configure logging (only the CLI may); undo it for the next tests."""
    import logging

    root, dotflow = logging.getLogger(), logging.getLogger("dotflow")
    saved = (list(root.handlers), root.level, dotflow.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    dotflow.setLevel(saved[2])


@pytest.fixture(scope="session")
def dotflow_script() -> str:
    """The installed ``dotflow`` console script of this environment."""
    script = shutil.which("dotflow", path=str(Path(sys.executable).parent))
    assert script is not None, "the dotflow console script is not installed (uv sync)"
    return script


@pytest.fixture
def run(dotflow_script: str, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``dotflow`` script: ``run("start", "--step", ..., cwd=..., env={...})``."""

    def invoke(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [dotflow_script, *args],
            cwd=cwd or tmp_path,
            env=clean_env(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return invoke


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    """Invoke the CLI in this process, in ``tmp_path``, with the test helpers importable."""
    from dotflow.cli.main import cli as group

    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    for name in MANAGED:
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(group, list(args), env=env, prog_name="dotflow", catch_exceptions=True)

    yield invoke


@pytest.fixture(scope="session")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with only dotflow-core and dotflow-cli, built from the working tree.

    It is what a user has after ``pip install dotflow-cli``: no dotflow-aws, -gcp, -cron or
    -server, so the "not installed" paths run for real.
    """
    uv = shutil.which("uv")
    assert uv is not None, "uv is needed to build the bare environment"
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(venv / "bin" / "python"),
            str(ROOT / "packages" / "dotflow-core"),
            str(ROOT / "packages" / "dotflow-cli"),
        ],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    return venv


@pytest.fixture(scope="session")
def s3_env() -> Iterator[tuple[dict[str, str], object]]:
    """A moto S3 server with one bucket: the variables `dotflow --storage s3` needs, a client."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "DOTFLOW_S3_ENDPOINT_URL": f"http://{host}:{port}",  # -> StorageS3(endpoint_url=...)
        "DOTFLOW_S3_BUCKET": "cli-bucket",
    }
    client = boto3.client(
        "s3",
        endpoint_url=env["DOTFLOW_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket="cli-bucket")
    yield env, client
    server.stop()


@pytest.fixture(scope="session")
def gcs_env() -> Iterator[tuple[dict[str, str], object]]:
    """A gcp-storage-emulator with one bucket: the variables `--storage gcs` needs, a client."""
    from gcp_storage_emulator.server import create_server
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    endpoint = f"http://127.0.0.1:{server._api._httpd.server_port}"
    client = storage.Client(
        project="cli-project",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
    )
    client.create_bucket("cli-gcs-bucket")
    env = {
        "STORAGE_EMULATOR_HOST": endpoint,
        "DOTFLOW_GCS_BUCKET": "cli-gcs-bucket",
        "DOTFLOW_GCS_PROJECT": "cli-project",
    }
    yield env, client
    server.stop()

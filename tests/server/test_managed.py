"""Managed mode: the variables a runner sets, read from a mapping."""

from __future__ import annotations

import pytest
from server_helpers import TOKEN  # type: ignore[import-not-found]

from dotflow import Config
from dotflow.core.exceptions import InvalidWorkflowIdError
from dotflow.core.managed import HalfConfiguredWarning
from dotflow.dashboard import Backend
from dotflow.providers import ServerDefault, StorageFile
from dotflow.server import ServerAPI, managed_settings, managed_workflow

URL = "http://127.0.0.1:9/api/v1"


def test_nothing_set_means_stand_alone() -> None:
    assert managed_settings({}) == (None, None)
    assert managed_settings(
        {"WORKFLOW_ID": " ", "SERVER_BASE_URL": "", "SERVER_USER_TOKEN": ""}
    ) == (
        None,
        None,
    )


def test_workflow_id_alone() -> None:
    settings = managed_settings({"WORKFLOW_ID": "0545d4ca-99d1-4e65-a2eb-90f199773faf"})
    assert settings.workflow_id == "0545d4ca-99d1-4e65-a2eb-90f199773faf"
    assert settings.server is None


@pytest.mark.parametrize(
    ("url_name", "token_name"),
    [
        ("SERVER_BASE_URL", "SERVER_USER_TOKEN"),
        ("DOTFLOW_SERVER_URL", "DOTFLOW_USER_TOKEN"),
        ("SERVER_BASE_URL", "DOTFLOW_USER_TOKEN"),
    ],
)
def test_url_and_token_select_server_api(url_name: str, token_name: str) -> None:
    workflow_id, server = managed_settings(
        {url_name: URL + "/", token_name: TOKEN, "WORKFLOW_ID": "w1"}
    )
    assert workflow_id == "w1"
    assert isinstance(server, ServerAPI)
    assert server.base_url == URL


def test_the_seed_002_names_win_over_the_aliases() -> None:
    _, server = managed_settings(
        {
            "SERVER_BASE_URL": URL,
            "DOTFLOW_SERVER_URL": "http://127.0.0.1:8/other",
            "SERVER_USER_TOKEN": TOKEN,
            "DOTFLOW_USER_TOKEN": "other",
        }
    )
    assert server is not None and server.base_url == URL


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"SERVER_BASE_URL": URL}, "SERVER_USER_TOKEN"),
        ({"DOTFLOW_SERVER_URL": URL}, "SERVER_USER_TOKEN"),
        ({"SERVER_USER_TOKEN": TOKEN}, "SERVER_BASE_URL"),
        ({"DOTFLOW_USER_TOKEN": TOKEN, "SERVER_BASE_URL": ""}, "SERVER_BASE_URL"),
    ],
)
def test_half_configured_runs_unmanaged_with_a_warning(
    environ: dict[str, str], missing: str
) -> None:
    # Seed 002: only one of the URL and the token means "report nowhere", said once.
    with pytest.warns(HalfConfiguredWarning, match=f"set {missing} too") as caught:
        assert managed_settings(environ) == (None, None)
    assert len(caught) == 1
    assert TOKEN not in str(caught[0].message)


def test_invalid_workflow_id_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowIdError, match="escape"):
        managed_settings({"WORKFLOW_ID": "../etc"})


def test_options_reach_server_api() -> None:
    _, server = managed_settings({"SERVER_BASE_URL": URL, "SERVER_USER_TOKEN": TOKEN}, timeout=2.5)
    assert server is not None and server.timeout == 2.5


def test_default_mapping_is_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKFLOW_ID", "from-env")
    monkeypatch.setenv("SERVER_BASE_URL", URL)
    monkeypatch.setenv("SERVER_USER_TOKEN", TOKEN)
    monkeypatch.delenv("DOTFLOW_SERVER_URL", raising=False)
    workflow_id, server = managed_settings()
    assert workflow_id == "from-env" and server is not None


def test_managed_workflow_keeps_the_other_adapters(tmp_path, backend: Backend) -> None:
    storage = StorageFile(path=tmp_path)
    workflow = managed_workflow(
        Config(storage=storage),
        {"WORKFLOW_ID": "given", "SERVER_BASE_URL": backend.url, "SERVER_USER_TOKEN": TOKEN},
    )
    assert workflow.workflow_id == "given" and workflow.workflow_id_given
    assert workflow.config.storage is storage
    assert isinstance(workflow.config.server, ServerAPI)
    assert backend.requests == []  # a given id is not created on the server


def test_managed_workflow_stand_alone() -> None:
    workflow = managed_workflow(environ={})
    assert not workflow.workflow_id_given
    assert isinstance(workflow.config.server, ServerDefault)


def test_managed_workflow_reads_only_the_mapping_it_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The process's variables name a server, the mapping does not: the mapping decides, once.
    monkeypatch.setenv("DOTFLOW_SERVER_URL", URL)
    monkeypatch.setenv("DOTFLOW_USER_TOKEN", TOKEN)
    with pytest.warns(HalfConfiguredWarning) as caught:
        workflow = managed_workflow(environ={"SERVER_BASE_URL": URL})
    assert len(caught) == 1
    assert isinstance(workflow.config.server, ServerDefault)
    assert workflow.config.server.delegate is None

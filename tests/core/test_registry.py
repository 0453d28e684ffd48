from __future__ import annotations

import pytest

import dotflow.providers as providers
from dotflow.abc import Execution, Storage
from dotflow.core import registry
from dotflow.core.exceptions import AdapterNotFoundError
from dotflow.providers import StorageDefault, StorageFile


def test_core_builtins_are_registered_through_entry_points() -> None:
    assert {"default", "file"} <= set(registry.names("storage"))
    assert {"sequential", "sequential_group", "background", "parallel"} <= set(
        registry.names("execution")
    )
    for port in ("notify", "log", "server", "scheduler"):
        assert "default" in registry.names(port)
    assert registry.load("storage", "file") is StorageFile
    assert registry.load("storage", "default") is StorageDefault
    assert issubclass(registry.load("execution", "parallel"), Execution)


def test_misspelled_name_gets_a_suggestion() -> None:
    with pytest.raises(AdapterNotFoundError, match="did you mean 'file'") as caught:
        registry.load("storage", "fiel")
    assert "available:" in str(caught.value)


def test_known_adapter_of_another_distribution_names_it() -> None:
    assert registry.install_hint("storage", "s3") == (
        ": s3 is provided by dotflow-aws (pip install dotflow-aws)"
    )
    assert registry.install_hint("storage", "nope") == ""


def test_unknown_port() -> None:
    with pytest.raises(ValueError, match="unknown port"):
        registry.load("bogus", "x")


def test_plugins_lists_every_adapter_with_its_distribution() -> None:
    rows = {(row.port, row.name): row for row in registry.plugins()}
    assert rows[("storage", "file")].distribution == "dotflow-core"
    assert rows[("storage", "file")].value == "dotflow.providers.storage_file:StorageFile"
    assert rows[("storage", "file")].error is None


def test_provider_facade_resolves_builtins_and_reports_unknown() -> None:
    assert providers.StorageFile is StorageFile
    assert issubclass(providers.StorageFile, Storage)
    with pytest.raises(ModuleNotFoundError, match="no dotflow adapter named 'StorageNowhere'"):
        providers.StorageNowhere  # noqa: B018

"""The composition root: a ready-to-start workflow from the command line and the environment.

Order of precedence, highest first: flags given on the command line, the environment (managed
mode), what a ``--workflow`` factory configured, the defaults.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.cli.errors import BadInput
from dotflow.cli.loading import load_factory, load_object, load_step

if TYPE_CHECKING:
    from dotflow import Config, DotFlow
    from dotflow.abc import Server
    from dotflow.spi.managed import ManagedEnvironment

__all__ = ["Composed", "RunOptions", "compose"]

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path(".output")


@attrs.frozen
class RunOptions:
    """What ``dotflow start`` / ``dotflow schedule`` were asked to run.

    ``explicit`` holds the names of the options given on the command line (not defaults), since
    only those override what a factory configured.
    """

    step: str | None = None
    workflow: str | None = None
    mode: str = "sequential"
    dask_address: str | None = None
    storage: str = "default"
    path: str | None = None
    storage_options: tuple[str, ...] = ()
    serializer: str | None = None
    initial_context: Any = None
    callback: str | None = None
    workflow_id: str | None = None
    resume: bool = False
    on_input_change: str = "reuse"
    keep_going: bool = False
    tracer: str | None = None
    metrics: str | None = None
    log: str | None = None
    explicit: frozenset[str] = frozenset()

    def start_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``workflow.start()``."""
        return {
            "mode": self._execution(),
            "keep_going": self.keep_going,
            "resume": self.resume,
            "on_input_change": self.on_input_change,
        }

    def _execution(self) -> Any:
        """The mode name, or a configured execution when the mode takes a cluster address."""
        if self.dask_address is None:
            return self.mode
        if self.mode != "dask":
            msg = f"--dask-address applies to --mode dask, not --mode {self.mode}"
            raise BadInput(msg)
        from dotflow.core import registry
        from dotflow.spi.errors import AdapterNotFoundError

        try:
            return registry.load("execution", "dask")(address=self.dask_address)
        except AdapterNotFoundError as error:
            raise BadInput(str(error)) from error
        except (TypeError, ValueError) as error:
            raise BadInput(f"--dask-address: {error}") from error


@attrs.define
class Composed:
    """The workflow to run and where its results and log go."""

    workflow: DotFlow
    log_root: Path


def _check_entry(options: RunOptions) -> None:
    if (options.step is None) == (options.workflow is None):
        msg = "give exactly one of --step MODULE.FUNC and --workflow MODULE.FACTORY"
        raise BadInput(msg)
    if options.workflow is not None:
        extra = [
            f"--{n.replace('_', '-')}"
            for n in ("initial_context", "callback")
            if n in options.explicit
        ]
        if extra:
            verb = "apply" if len(extra) > 1 else "applies"
            raise BadInput(
                f"{' and '.join(extra)} {verb} to --step only; a --workflow factory sets them in "
                "workflow.task.add(...)"
            )


def _server(managed: ManagedEnvironment) -> Server | None:
    if managed.base_url is None:
        return None
    from dotflow.core import registry
    from dotflow.spi.errors import AdapterNotFoundError

    try:
        cls = registry.load("server", "api")
    except AdapterNotFoundError as error:
        raise BadInput(
            "the server URL and token are set (SERVER_BASE_URL/SERVER_USER_TOKEN or "
            "DOTFLOW_SERVER_URL/DOTFLOW_USER_TOKEN: managed mode) but the api server adapter "
            f"is not installed: {error}"
        ) from error
    try:
        server: Server = cls(base_url=managed.base_url, user_token=managed.user_token)
    except Exception as error:
        raise BadInput(
            f"cannot create the api server adapter: {type(error).__name__}: {error}"
        ) from error
    return server


def _resume_id(options: RunOptions) -> str | None:
    """With ``--resume`` and no id, a ``--step`` run is named after its step, so reruns match."""
    if not options.resume or options.step is None:
        return None
    from dotflow.spi.errors import InvalidWorkflowIdError
    from dotflow.spi.managed import validate_workflow_id

    try:
        return validate_workflow_id(options.step.replace(":", "."))
    except InvalidWorkflowIdError:
        return None


def _storage_override(options: RunOptions) -> str | None:
    if "storage" in options.explicit:
        return options.storage
    if options.path is not None:
        return "file"  # a path alone means files in that folder
    if options.storage_options:
        msg = "--storage-option configures the storage chosen with --storage NAME (or --path)"
        raise BadInput(msg)
    if options.serializer is not None:
        msg = (
            "--serializer configures the storage chosen with --storage NAME (or --path): add "
            "--storage file (or s3, gcs)"
        )
        raise BadInput(msg)
    return None


def _storage_settings(options: RunOptions, storage_name: str) -> tuple[str, ...]:
    """``--storage-option`` settings, with ``--serializer`` as the ``serializer`` setting."""
    if options.serializer is None:
        return options.storage_options
    if storage_name == "default":
        msg = (
            "--serializer applies to a storage that writes results out (--storage file, s3, "
            "gcs); the default storage keeps them in memory as they are"
        )
        raise BadInput(msg)
    return (*options.storage_options, f"serializer={options.serializer}")


def _rebind(workflow: DotFlow, config: Config, workflow_id: str | None) -> DotFlow:
    """The factory's tasks in a new DotFlow with ``config`` and ``workflow_id``.

    Used when the CLI changes the id or the server: tasks must be registered under the final id,
    on the final server.
    """
    from dotflow import DotFlow

    if workflow_id is None and workflow.workflow_id_given:
        workflow_id = workflow.workflow_id
    rebound = DotFlow(config=config, workflow_id=workflow_id)
    for task in workflow.task.queue:
        rebound.task.add(
            step=task.step,
            callback=task.callback,
            initial_context=task.initial_context,
            group_name=task.group_name,
        )
    return rebound


def compose(options: RunOptions) -> Composed:
    """The workflow ``options`` describe, with the adapters they and the environment select."""
    from dotflow.spi.managed import environment_ignored

    # The server variables are read here, once: a ServerDefault() made by a factory (or at
    # import of a step's module) must not report on its own, under an id the run will not use.
    with environment_ignored():
        return _compose(options)


def _compose(options: RunOptions) -> Composed:
    from dotflow import Config, DotFlow
    from dotflow.cli.storages import build_storage, local_folder
    from dotflow.spi.managed import read_managed, validate_workflow_id

    _check_entry(options)
    managed = read_managed()
    if managed.warning is not None:
        logger.warning("%s", managed.warning)  # seed 002: a half-configured runner still runs
    workflow_id = options.workflow_id or managed.workflow_id
    if workflow_id is not None:
        workflow_id = validate_workflow_id(workflow_id)
    server = _server(managed)
    storage_name = _storage_override(options)
    storage = (
        None
        if storage_name is None
        else build_storage(storage_name, options.path, _storage_settings(options, storage_name))
    )

    if options.step is not None:
        step = load_step(options.step)
        callback = None if options.callback is None else load_object(options.callback, "--callback")
        config = Config(storage=storage if storage is not None else build_storage("default", None))
        if server is not None:
            config.server = server
        workflow = DotFlow(config=config, workflow_id=workflow_id or _resume_id(options))
        workflow.task.add(step=step, callback=callback, initial_context=options.initial_context)
    else:
        assert options.workflow is not None
        workflow = load_factory(options.workflow)
        config = workflow.config
        if storage is not None:
            config.storage = storage
        if server is not None or (workflow_id is not None and workflow_id != workflow.workflow_id):
            if server is not None:
                config = attrs.evolve(config, server=server)
            workflow = _rebind(workflow, config, workflow_id)

    from dotflow.cli.telemetry import apply_telemetry

    names = {"tracer": options.tracer, "metrics": options.metrics, "log": options.log}
    apply_telemetry(workflow.config, names)
    if options.resume:
        _check_resume(workflow)
    root = local_folder(workflow.config.storage) or DEFAULT_ROOT
    return Composed(workflow=workflow, log_root=root)


def _check_resume(workflow: DotFlow) -> None:
    from dotflow.providers import StorageDefault

    if not workflow.workflow_id_given:
        raise BadInput(
            "--resume needs a fixed workflow id to find the earlier run: pass --workflow-id NAME "
            "(or set WORKFLOW_ID, or give the DotFlow a workflow_id in the factory)"
        )
    if type(workflow.config.storage) is StorageDefault:
        raise BadInput(
            "--resume needs a storage that outlives the process: add --storage file "
            "(or s3, gcs), since the default storage keeps results in memory only"
        )

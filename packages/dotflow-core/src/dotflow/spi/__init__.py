"""The adapter SPI: everything an adapter (first-party or third-party) imports from dotflow.

Adapters import only public modules: ``dotflow`` (the user API), ``dotflow.abc`` (the ports),
``dotflow.providers`` (the built-in adapters), ``dotflow.testing`` (contract suites) and this
package, never ``dotflow.core``, whose modules may change in any release. What is here is kept
stable across 2.x.

========================  ====================================================================
module                    what it holds
========================  ====================================================================
``dotflow.spi.model``     the data ports receive: ``Task``, ``TaskError``, ``Context``,
                          ``TypeStatus``, ``WorkflowStatus``, ``TERMINAL``, ``NO_CONTEXT``
``dotflow.spi.codec``     the JSON document per key (``encode_context``, ``decode_context``),
                          ``check_key``, ``check_serializer``, ``SERIALIZERS``
``dotflow.spi.objects``   ``ObjectStorage``, the base of bucket storages, with its errors and
                          layout helpers, and ``ProcessLocal`` (one client per process)
``dotflow.spi.errors``    ``DotflowError`` and the errors adapters raise or catch
``dotflow.spi.execution`` the ``Runtime`` protocol an execution drives, ``compute``, ``Outcome``,
                          ``dump_outcome``, ``execution_for``, ``import_path``, ``Action``
``dotflow.spi.delivery``  ``DeliveryQueue``: ordered, bounded, retried delivery from one
                          daemon thread, for notifiers and servers (``RetryPolicy``, ``Attempt``)
``dotflow.spi.managed``   the managed-mode variables, ``read_managed``, ``environment_ignored``,
                          ``validate_workflow_id``
========================  ====================================================================

Every name is also importable from ``dotflow.spi`` itself (loaded on first use, so importing this
package costs nothing). The guide ``docs/writing-an-adapter.md`` walks through a storage and a
notifier, from the entry point to the contract tests.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dotflow.spi.codec import (
        SERIALIZERS,
        check_key,
        check_serializer,
        decode_context,
        encode_context,
    )
    from dotflow.spi.delivery import (
        Attempt,
        AttemptResult,
        DeliveryQueue,
        DeliveryStats,
        RetryPolicy,
    )
    from dotflow.spi.errors import (
        AdapterNotFoundError,
        DotflowError,
        ExecutionModeNotFoundError,
        InvalidWorkflowIdError,
        NotJSONSerializableError,
        NotPicklableError,
        PickledResultError,
        StepImportError,
        TaskTimeoutError,
        WorkerDiedError,
    )
    from dotflow.spi.execution import (
        Action,
        Adapters,
        Outcome,
        Runtime,
        action_methods,
        compute,
        dump_outcome,
        execution_for,
        import_path,
        is_class_step,
        task_error,
    )
    from dotflow.spi.managed import (
        TOKEN_VARIABLES,
        URL_VARIABLES,
        WORKFLOW_ID_VARIABLE,
        HalfConfiguredWarning,
        ManagedEnvironment,
        environment_ignored,
        first_set,
        read_managed,
        validate_workflow_id,
    )
    from dotflow.spi.model import (
        NO_CONTEXT,
        TERMINAL,
        Context,
        Task,
        TaskError,
        TypeStatus,
        WorkflowStatus,
    )
    from dotflow.spi.objects import (
        BucketNotConfiguredError,
        ObjectStorage,
        ObjectStoreError,
        ProcessLocal,
        key_of,
        normalize_prefix,
        object_name,
    )

_MODULES = {
    "codec": ("SERIALIZERS", "check_key", "check_serializer", "decode_context", "encode_context"),
    "delivery": ("Attempt", "AttemptResult", "DeliveryQueue", "DeliveryStats", "RetryPolicy"),
    "errors": (
        "AdapterNotFoundError",
        "DotflowError",
        "ExecutionModeNotFoundError",
        "InvalidWorkflowIdError",
        "NotJSONSerializableError",
        "NotPicklableError",
        "PickledResultError",
        "StepImportError",
        "TaskTimeoutError",
        "WorkerDiedError",
    ),
    "execution": (
        "Action",
        "Adapters",
        "Outcome",
        "Runtime",
        "action_methods",
        "compute",
        "dump_outcome",
        "execution_for",
        "import_path",
        "is_class_step",
        "task_error",
    ),
    "managed": (
        "TOKEN_VARIABLES",
        "URL_VARIABLES",
        "WORKFLOW_ID_VARIABLE",
        "HalfConfiguredWarning",
        "ManagedEnvironment",
        "environment_ignored",
        "first_set",
        "read_managed",
        "validate_workflow_id",
    ),
    "model": (
        "NO_CONTEXT",
        "TERMINAL",
        "Context",
        "Task",
        "TaskError",
        "TypeStatus",
        "WorkflowStatus",
    ),
    "objects": (
        "BucketNotConfiguredError",
        "ObjectStorage",
        "ObjectStoreError",
        "ProcessLocal",
        "key_of",
        "normalize_prefix",
        "object_name",
    ),
}
_HOMES = {name: f"dotflow.spi.{module}" for module, names in _MODULES.items() for name in names}

__all__ = [
    "NO_CONTEXT",
    "SERIALIZERS",
    "TERMINAL",
    "TOKEN_VARIABLES",
    "URL_VARIABLES",
    "WORKFLOW_ID_VARIABLE",
    "Action",
    "AdapterNotFoundError",
    "Adapters",
    "Attempt",
    "AttemptResult",
    "BucketNotConfiguredError",
    "Context",
    "DeliveryQueue",
    "DeliveryStats",
    "DotflowError",
    "ExecutionModeNotFoundError",
    "HalfConfiguredWarning",
    "InvalidWorkflowIdError",
    "ManagedEnvironment",
    "NotJSONSerializableError",
    "NotPicklableError",
    "ObjectStorage",
    "ObjectStoreError",
    "Outcome",
    "PickledResultError",
    "ProcessLocal",
    "RetryPolicy",
    "Runtime",
    "StepImportError",
    "Task",
    "TaskError",
    "TaskTimeoutError",
    "TypeStatus",
    "WorkerDiedError",
    "WorkflowStatus",
    "action_methods",
    "check_key",
    "check_serializer",
    "compute",
    "decode_context",
    "dump_outcome",
    "encode_context",
    "environment_ignored",
    "execution_for",
    "first_set",
    "import_path",
    "is_class_step",
    "key_of",
    "normalize_prefix",
    "object_name",
    "read_managed",
    "task_error",
    "validate_workflow_id",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""The dotflow command line, the composition root that assembles adapters and runs workflows.

Run ``dotflow --help``. From Python, ``dotflow.cli.cli`` is the Click group and
``dotflow.cli.main.main()`` the console script.
"""

__all__ = ["cli"]


def __getattr__(name: str) -> object:
    # Lazy, so importing one submodule (dotflow.cli.errors, ...) does not build the Click group.
    if name == "cli":
        import importlib

        return importlib.import_module("dotflow.cli.main").cli
    msg = f"module 'dotflow.cli' has no attribute {name!r}"
    raise AttributeError(msg)

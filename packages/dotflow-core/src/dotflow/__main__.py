"""``python -m dotflow``: the ``dotflow`` command when dotflow-cli is installed.

The command line lives in its own distribution; with dotflow-core alone this says which one to
install instead of Python's "is a package and cannot be directly executed".
"""

from __future__ import annotations

import importlib
import sys


def _main() -> int:
    try:
        # Looked up by name: core never imports the CLI (it is the CLI that depends on core).
        cli = importlib.import_module("dotflow.cli.main")
    except ModuleNotFoundError as error:
        if error.name not in ("dotflow.cli", "dotflow.cli.main"):
            raise
        print(
            "Error: the dotflow command line is provided by dotflow-cli, which is not installed: "
            "pip install dotflow-cli (or pip install dotflow, the library and the CLI)",
            file=sys.stderr,
        )
        return 2
    result = cli.main()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(_main())

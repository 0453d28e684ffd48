"""``python -m dotflow.cli``: the same as the ``dotflow`` command."""

from dotflow.cli.main import main

main()

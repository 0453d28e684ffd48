"""The subcommands; ``dotflow.cli.main`` imports each one only when it runs."""

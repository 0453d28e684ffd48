"""A step whose result the file storage keeps under a folder chosen with --path.

dotflow start --step docs_src.cli.cli_with_path.simple_step --path .storage --storage file
"""

from dotflow import action


@action
def simple_step():
    return {"where": ".storage"}

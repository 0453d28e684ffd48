"""The smallest step to run from the command line.

dotflow start --step docs_src.basic.simple_cli.simple_step
"""

from dotflow import action


@action
def simple_step():
    return {"message": "hello from the command line"}

"""A step run in the execution mode chosen on the command line.

dotflow start --step docs_src.cli.cli_with_mode.simple_step --mode sequential
"""

import os

from dotflow import action


@action
def simple_step():
    # In parallel mode this runs in a worker process: the pid shows it.
    return {"pid": os.getpid()}

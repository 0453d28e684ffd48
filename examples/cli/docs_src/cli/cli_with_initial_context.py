"""A step that reads the initial context given on the command line.

    dotflow start --step docs_src.cli.cli_with_initial_context.simple_step --initial-context abc

Text that is not JSON (``abc``) arrives as a string; JSON (``'{"n": 1}'``) arrives parsed.
"""

from dotflow import action


@action
def simple_step(initial_context):
    value = initial_context.storage
    print(f"initial context: {value!r}")
    return {"initial_context": value, "type": type(value).__name__}

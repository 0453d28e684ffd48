"""A step whose result the file storage keeps in .output/{workflow_id}/1.json.

dotflow start --step docs_src.cli.cli_with_output_context.simple_step --storage file
"""

from dotflow import action


@action
def simple_step():
    return {"kept": True, "values": [1, 2, 3]}

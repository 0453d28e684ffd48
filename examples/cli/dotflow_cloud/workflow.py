"""The factory: it builds the workflow and returns it; the dotflow command starts it.

dotflow start --workflow dotflow_cloud.workflow.main
dotflow start --workflow dotflow_cloud.workflow.main --mode parallel   # warns: step_two reads
                                                                      # previous_context
"""

from dotflow import Config, DotFlow
from dotflow_cloud.actions import step_one, step_two


def main() -> DotFlow:
    workflow = DotFlow(config=Config())
    workflow.task.add(step=step_one)
    workflow.task.add(step=step_two)
    return workflow  # no @action, no .start() here

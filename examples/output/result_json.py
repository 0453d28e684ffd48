"""result(): a model of the run that serialises to JSON (and back)."""
# expect: "status": "Completed"

from dotflow import DotFlow, action
from dotflow.core.result import WorkflowResult


@action
def step():
    return {"rows": 3}


if __name__ == "__main__":
    workflow = DotFlow(workflow_id="json-demo")
    workflow.task.add(step=step)
    workflow.start()
    result = workflow.result()
    text = result.to_json(indent=2)
    assert WorkflowResult.from_dict(result.to_dict()) == result
    print(text)

"""Two steps; the second one reads what the first one returned (in sequential modes)."""

from dotflow import action


@action
def step_one():
    return {"numbers": [1, 2, 3]}


@action
def step_two(previous_context):
    numbers = (previous_context.storage or {}).get("numbers", [])
    return {"total": sum(numbers)}

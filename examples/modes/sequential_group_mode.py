"""sequential_group: the groups run one after another instead of in parallel."""
# expect: order: ['first-1', 'first-2', 'second-1']

from dotflow import DotFlow, action

order = []


@action
def record(initial_context):
    order.append(initial_context.storage)


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=record, initial_context="first-1", group_name="first")
    workflow.task.add(step=record, initial_context="second-1", group_name="second")
    workflow.task.add(step=record, initial_context="first-2", group_name="first")
    workflow.start(mode="sequential_group")
    print("order:", order)

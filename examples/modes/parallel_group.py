"""Named groups run in parallel; the tasks of one group run in order."""
# expect: users: saved 2 users / orders: saved 3 orders

from dotflow import DotFlow, action


@action
def fetch_users():
    return ["ana", "bo"]


@action
def save_users(previous_context):
    return f"saved {len(previous_context.storage)} users"


@action
def fetch_orders():
    return [1, 2, 3]


@action
def save_orders(previous_context):
    return f"saved {len(previous_context.storage)} orders"


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=fetch_users, group_name="users")
    workflow.task.add(step=save_users, group_name="users")
    workflow.task.add(step=fetch_orders, group_name="orders")
    workflow.task.add(step=save_orders, group_name="orders")
    workflow.start()
    results = workflow.result_storage()
    print(f"users: {results[1]} / orders: {results[3]}")

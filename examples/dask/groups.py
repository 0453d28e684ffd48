"""mode="dask": groups run at the same time on Dask workers; each group keeps its order.

Without DOTFLOW_DASK_ADDRESS, a local cluster sized to this machine is started for the run.
"""
# expect: users: saved 2 users / orders: saved 3 orders

from etl_steps import fetch_orders, fetch_users, save_orders, save_users

from dotflow import DotFlow

# The guard matters: Dask's worker processes import this script again when they start.
if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[fetch_users, save_users], group_name="users")
    workflow.task.add(step=[fetch_orders, save_orders], group_name="orders")
    workflow.start(mode="dask")
    results = workflow.result_storage()
    print(f"users: {results[1]} / orders: {results[3]}")

"""mode="dask" with steps defined right here: in the script, as a closure and as a lambda.

Steps the workers cannot import by name travel by value (cloudpickle), as Dask sends functions
for client.submit. Without DOTFLOW_DASK_ADDRESS, dotflow starts a local cluster on the first run,
reuses it for the second, and closes it at exit.
"""
# expect: totals 60 and 600, on one local cluster

from dotflow import Context, DotFlow, action


@action
def prices():
    return [10, 20, 30]


def scaled_by(factor):
    @action
    def scale(previous_context: Context):
        return [price * factor for price in previous_context.storage]

    return scale


class Report:
    @action
    def total(self, previous_context: Context):
        return sum(previous_context.storage)

    @action
    def where(self, previous_context: Context):
        from distributed import get_worker

        return [previous_context.storage, get_worker().scheduler.address]


# The guard matters: the local cluster's worker processes import this script again.
if __name__ == "__main__":
    seen = []
    for factor in (1, 10):
        workflow = DotFlow()
        workflow.task.add(step=[prices, scaled_by(factor), Report])
        workflow.task.add(step=action(lambda: "a lambda ran too"), group_name="other")
        workflow.start(mode="dask")
        seen.append(workflow.result_storage()[2])
    (first, scheduler), (second, again) = seen
    clusters = "one local cluster" if scheduler == again else "two clusters (unexpected)"
    print(f"totals {first} and {second}, on {clusters}")

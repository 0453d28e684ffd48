"""Run on a cluster that is already up, named by DOTFLOW_DASK_ADDRESS.

A real cluster is started with `dask scheduler` and `dask worker tcp://HOST:8786` on each
machine; here a local one stands in for it.
"""
# expect: 8 tasks, squares 0..49, on the cluster's workers

import os

from distributed import LocalCluster
from etl_steps import square

from dotflow import DotFlow

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=2, dashboard_address=":0") as cluster:
        os.environ["DOTFLOW_DASK_ADDRESS"] = cluster.scheduler_address
        workflow = DotFlow()
        for n in range(8):
            workflow.task.add(step=square, initial_context=n, group_name=f"n{n}")
        workflow.start(mode="dask")
        results = workflow.result_storage()
        squares = [r["n"] for r in results]
        elsewhere = os.getpid() not in {r["pid"] for r in results}
        where = "on the cluster's workers" if elsewhere else "in this process (unexpected)"
        print(f"{len(results)} tasks, squares {min(squares)}..{max(squares)}, {where}")

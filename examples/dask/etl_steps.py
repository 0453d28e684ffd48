"""The steps of the Dask examples.

They live in their own module because Dask workers import every step by module and name; a step
defined in the script you run (``__main__``) is refused in mode="dask".
"""

import os

from dotflow import action


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


@action(retry=3, retry_delay=0.1)
def square(initial_context):
    return {"n": initial_context.storage**2, "pid": os.getpid()}

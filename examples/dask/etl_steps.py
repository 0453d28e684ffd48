"""The steps of the Dask examples.

Steps in a module travel to Dask workers by name (the workers import this module); steps defined
in the script you run travel by value instead, as steps_in_script.py shows.
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

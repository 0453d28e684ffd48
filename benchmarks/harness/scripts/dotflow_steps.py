"""The dotflow steps of the workloads, in an importable module (Dask workers import steps)."""

from __future__ import annotations

import time

from bench_common import burn, step_value

from dotflow import action


@action
def chain_step(previous_context):
    return step_value(previous_context.storage)


@action
def nap_step(initial_context):
    time.sleep(initial_context.storage)
    return initial_context.storage


@action
def burn_step(initial_context):
    return burn(initial_context.storage)


@action
def payload_step(initial_context):
    return b"x" * initial_context.storage


# The same bodies as plain functions, for raw Dask's `client.submit` (the dask_overhead measure).


def raw_chain_step(previous):
    return step_value(previous)


def raw_nap_step(seconds):
    time.sleep(seconds)
    return seconds

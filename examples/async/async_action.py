"""Async steps are awaited for you; a timeout cancels a slow attempt."""
# expect: ['fetched 3 items', 3]

import asyncio

from dotflow import DotFlow, action


@action(timeout=5)
async def fetch():
    await asyncio.sleep(0.01)
    return "fetched 3 items"


@action
async def count(previous_context):
    return int(previous_context.storage.split()[1])


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[fetch, count])
    workflow.start()
    print(workflow.result_storage())

"""Tasks in named groups: the two groups run at the same time."""
# expect: groups ran side by side: True

import threading

from dotflow import DotFlow, action

both_running = threading.Barrier(2, timeout=10)


@action
def scrape(initial_context):
    both_running.wait()  # returns only when both groups are running at once
    return f"page {initial_context.storage}"


@action
def process(previous_context):
    return previous_context.storage.upper()


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=scrape, initial_context="a", group_name="site_a")
    workflow.task.add(step=process, group_name="site_a")
    workflow.task.add(step=scrape, initial_context="b", group_name="site_b")
    workflow.task.add(step=process, group_name="site_b")
    workflow.start()
    print(
        "groups ran side by side:",
        workflow.result_storage() == ["page a", "PAGE A", "page b", "PAGE B"],
    )

"""Report a run to an in-memory dashboard, wired by hand (the explicit pattern, no environment).

Run: python examples/server/report_to_backend.py
"""
# expect: task 3 (load): Not started -> In progress -> Completed

from pipeline import extract, load, transform

from dotflow import Config, DotFlow
from dotflow.dashboard import Backend
from dotflow.server import ServerAPI

if __name__ == "__main__":
    with Backend(token="dev-token") as backend:
        server = ServerAPI(base_url=backend.url, user_token="dev-token")
        workflow = DotFlow(config=Config(server=server))
        workflow.task.add(step=extract)
        workflow.task.add(step=transform)
        workflow.task.add(step=load)
        workflow.start()  # returns once every status change has been delivered

        shown = backend.workflow(workflow.workflow_id)
        print(f"workflow {shown['id']}: {shown['status']}")
        for task in shown["tasks"]:
            print(f"task {task['id']} ({task['step']}): {' -> '.join(task['history'])}")

"""A class-based step: its @action methods run in source order; each method has its own retry."""
# expect: loaded [2, 4, 6]

from dotflow import DotFlow, action

attempts = {"extract": 0}


class ETLPipeline:
    @action(retry=3, retry_delay=0)
    def extract(self):
        attempts["extract"] += 1
        if attempts["extract"] < 2:
            raise ConnectionError("source not ready yet")
        return {"raw": [1, 2, 3]}

    @action
    def transform(self, previous_context):
        return {"processed": [x * 2 for x in previous_context.storage["raw"]]}

    @action
    def load(self, previous_context):
        print("loaded", previous_context.storage["processed"])
        return previous_context.storage


@action
def run_pipeline():
    return ETLPipeline()


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=run_pipeline)
    workflow.start()
    task = workflow.result_task()[0]
    print(task.status, "after", task.retry_count, "retry")

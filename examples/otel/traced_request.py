"""A workflow traced with OpenTelemetry, run inside a span of your application.

    pip install "dotflow-otel[export]"
    OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME=reports \\
        python traced_request.py

The run's span is a child of the "POST /reports" span, each task attempt a child of the run's
span (the failed first attempt of `load` with its exception), and the spans `load` makes itself
are children of its attempt. Counters and durations go to the same endpoint.
"""
# expect: Completed: 3 tasks, 1 retry

from opentelemetry import trace

from dotflow import Config, DotFlow, action
from dotflow.providers import MetricsOpenTelemetry, TracerOpenTelemetry

attempts = {"load": 0}


@action
def extract():
    return [{"id": 1, "total": 30}, {"id": 2, "total": 12}]


@action
def transform(previous_context):
    return sum(order["total"] for order in previous_context.storage)


@action(retry=2, retry_delay=0.1)
def load(previous_context):
    attempts["load"] += 1
    with trace.get_tracer("reports").start_as_current_span("INSERT report"):
        if attempts["load"] == 1:
            raise ConnectionError("the database is not ready yet")
    return f"saved {previous_context.storage}"


if __name__ == "__main__":
    # The adapters use the providers your application set up, else the OTEL_* variables.
    config = Config(tracer=TracerOpenTelemetry(), metrics=MetricsOpenTelemetry())
    workflow = DotFlow(config=config, workflow_id="daily-report")
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)

    with trace.get_tracer("web").start_as_current_span("POST /reports"):
        run = workflow.start()
    retries = sum(task.retry_count for task in run.tasks)
    print(f"{run.status.value}: {len(run.tasks)} tasks, {retries} retry")

"""The store on SQLite and PostgreSQL: writes, the sequence protocol, idempotency, reads."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from dotflow.dashboard import Store, Write
from dotflow.dashboard.schema import SCHEMA_VERSION, migrate


def post_workflow(store: Store, wid: str, **kw: object) -> tuple[int, dict[str, object]]:
    return store.apply(Write("POST", ("workflows",), {"id": wid}, **kw))  # type: ignore[arg-type]


def task(store: Store, wid: str, tid: str, body: dict[str, object], **kw: object):
    return store.apply(Write("PATCH", ("workflows", wid, "tasks", tid), body, **kw))  # type: ignore[arg-type]


def test_a_run_as_server_api_sends_it(store: Store) -> None:
    assert post_workflow(store, "w")[0] == 201
    assert post_workflow(store, "w")[0] == 409
    for tid in ("1", "2", "10"):
        body = {"id": int(tid), "step": f"s{tid}", "status": "Not started"}
        assert store.apply(Write("POST", ("workflows", "w", "tasks"), body))[0] == 201
    assert store.apply(Write("PATCH", ("workflows", "w"), {"status": "In progress"}))[0] == 200
    for status in ("In progress", "Completed"):
        assert (
            task(store, "w", "1", {"task_id": 1, "status": status, "current_context": 5})[0] == 200
        )
    shown = store.workflow("w")
    assert shown is not None
    assert shown["status"] == "In progress" and shown["history"] == ["In progress"]
    assert [t["id"] for t in shown["tasks"]] == ["1", "2", "10"]
    first, second = shown["tasks"][0], shown["tasks"][1]
    assert first["history"] == ["Not started", "In progress", "Completed"]
    assert first["current_context"] == 5 and first["step"] == "s1"
    # A task that never started shows `task_id` too, not only `id`.
    assert second["task_id"] == 2 and second["id"] == "2" and second["history"] == ["Not started"]
    assert shown["task_counts"] == {"Completed": 1, "Not started": 2}
    assert [e["seq"] for e in store.events()] == list(range(1, 8))


def test_a_non_ascii_digit_task_id_and_a_retried_key(store: Store) -> None:
    for _ in range(5):
        reply = task(store, "w", "²", {"status": "Completed"}, key="k-1")
        assert reply == (200, reply[1])
    shown = store.workflow("w")
    assert shown is not None
    assert [(t["id"], t["history"]) for t in shown["tasks"]] == [("²", ["Completed"])]
    assert len(store.events()) == 1


def test_stale_events_are_ignored_per_resource(store: Store) -> None:
    assert task(store, "w", "1", {"status": "In progress"}, sequence=10)[0] == 200
    assert task(store, "w", "1", {"status": "Completed"}, sequence=12)[0] == 200
    # The slow "In progress" that outlived the client's timeout arrives last: ignored.
    assert task(store, "w", "1", {"status": "In progress"}, sequence=11) == (
        200,
        {"ignored": "stale"},
    )
    assert task(store, "w", "1", {"status": "In progress"}, sequence=12)[1] == {"ignored": "stale"}
    # Another task and the workflow keep their own sequence.
    assert task(store, "w", "2", {"status": "In progress"}, sequence=11)[0] == 200
    wf = Write("PATCH", ("workflows", "w"), {"status": "Completed"}, sequence=13)
    assert store.apply(wf)[0] == 200
    stale = Write("PATCH", ("workflows", "w"), {"status": "In progress"}, sequence=5)
    assert store.apply(stale)[1] == {"ignored": "stale"}
    shown = store.workflow("w")
    assert shown is not None and shown["status"] == "Completed"
    assert shown["tasks"][0]["status"] == "Completed"
    assert shown["tasks"][0]["history"] == ["In progress", "Completed"]
    # Events without a sequence (older clients) apply in arrival order.
    assert task(store, "w", "1", {"status": "Failed"})[0] == 200
    assert store.workflow("w")["tasks"][0]["status"] == "Failed"  # type: ignore[index]


def test_a_later_process_registers_its_tasks_again(store: Store) -> None:
    create = Write(
        "POST", ("workflows", "w", "tasks"), {"id": 1, "status": "Not started"}, sequence=100
    )
    assert store.apply(create)[0] == 201
    assert task(store, "w", "1", {"status": "Failed"}, sequence=101)[0] == 200
    again = Write(
        "POST", ("workflows", "w", "tasks"), {"id": 1, "status": "Not started"}, sequence=5000
    )
    assert store.apply(again)[0] == 200
    assert store.apply(create)[1] == {"ignored": "stale"}
    unsequenced = Write("POST", ("workflows", "w", "tasks"), {"id": 1})
    assert store.apply(unsequenced)[0] == 409
    shown = store.workflow("w")
    assert shown is not None
    assert shown["tasks"][0]["history"] == ["Not started", "Failed", "Not started"]


@pytest.mark.parametrize(
    ("write", "status"),
    [
        (Write("POST", ("workflows",), [1]), 400),
        (Write("POST", ("workflows",), {}), 400),
        (Write("POST", ("workflows",), {"id": "x" * 600}), 400),
        (Write("PATCH", ("workflows", "w"), {"status": 3}), 400),
        (Write("POST", ("workflows", "w", "tasks"), {}), 400),
        (Write("POST", ("workflows", "w", "tasks"), {"id": True}), 400),
        (Write("PATCH", ("elsewhere",), {}), 404),
    ],
)
def test_bad_writes_are_refused(store: Store, write: Write, status: int) -> None:
    reply = store.apply(write)
    assert reply[0] == status and "error" in reply[1]
    assert store.events() == []


def test_strict_refuses_unknown_workflows(make_store: Callable[..., Store]) -> None:
    strict = make_store(strict=True, record_events=True)
    assert task(strict, "w", "1", {"status": "Completed"})[0] == 404
    assert post_workflow(strict, "w")[0] == 201
    assert task(strict, "w", "1", {"status": "Completed"})[0] == 404
    assert strict.events()[0]["path"] == "/workflows"


def test_list_filters_and_pages(make_store: Callable[..., Store]) -> None:
    now = [1000.0]
    store = make_store(clock=lambda: now[0])
    for index in range(7):
        now[0] = 1000.0 + index
        post_workflow(store, f"etl-{index}" if index % 2 else f"report_{index}")
        store.apply(
            Write(
                "PATCH",
                ("workflows", f"etl-{index}" if index % 2 else f"report_{index}"),
                {"status": "Completed" if index < 5 else "Failed"},
            )
        )
    page = store.workflows(limit=3)
    assert page["total"] == 7 and [w["id"] for w in page["workflows"]] == [
        "report_6",
        "etl-5",
        "report_4",
    ]
    assert [w["id"] for w in store.workflows(limit=3, offset=6)["workflows"]] == ["report_0"]
    assert {w["id"] for w in store.workflows(name="ETL")["workflows"]} == {
        "etl-1",
        "etl-3",
        "etl-5",
    }
    assert store.workflows(name="_")["total"] == 4  # a literal underscore, not a wildcard
    assert [w["id"] for w in store.workflows(status="Failed")["workflows"]] == ["report_6", "etl-5"]
    assert [w["id"] for w in store.workflows(since=1002, until=1004)["workflows"]] == [
        "etl-3",
        "report_2",
    ]


def test_retention(make_store: Callable[..., Store]) -> None:
    now = [0.0]
    store = make_store(keep_days=1, max_events=3, record_events=True, clock=lambda: now[0])
    post_workflow(store, "old")
    task(store, "old", "1", {"status": "Completed"}, key="k-old")
    now[0] = 86400 * 2
    post_workflow(store, "new")
    for n in range(4):
        task(store, "new", str(n), {"status": "Completed"})
    # The writer applies retention by itself (at most once a minute): "old" is gone already.
    assert store.workflow_ids() == ["new"]
    assert store.prune() == 0
    assert [e["path"] for e in store.events()] == [f"/workflows/new/tasks/{n}" for n in (1, 2, 3)]
    # The old key was forgotten with its workflow's time: the write applies again.
    assert task(store, "old", "1", {"status": "Completed"}, key="k-old")[0] == 200
    assert store.workflow("old")["history"] == []  # type: ignore[index]


def test_migrations_are_versioned(make_store: Callable[..., Store], db_url: str) -> None:
    store = make_store()
    engine = store._engine
    assert migrate(engine) == SCHEMA_VERSION  # already there: nothing to do
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dotflow_schema_version SET version = 99"))
    with pytest.raises(RuntimeError, match="schema version 99, newer"):
        make_store()


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    def runner(n: int) -> None:
        for tid in range(25):
            for status in ("In progress", "Completed"):
                assert task(store, f"w{n}", str(tid), {"status": status})[0] == 200

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count_history() == 8 * 25 * 2
    assert all(
        store.workflow(f"w{n}")["task_counts"] == {"Completed": 25}  # type: ignore[index]
        for n in range(8)
    )

"""The database schema and its versioned migrations (one code path for SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "events",
    "history",
    "metadata",
    "migrate",
    "replies",
    "tasks",
    "workflows",
]

logger = logging.getLogger(__name__)

metadata = sa.MetaData()

workflows = sa.Table(
    "workflows",
    metadata,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("implicit", sa.Boolean, nullable=False),
    # The highest sequence applied to the workflow's own status (NULL: none seen yet).
    sa.Column("seq", sa.BigInteger),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
)
sa.Index("ix_workflows_created_at", workflows.c.created_at)
sa.Index("ix_workflows_updated_at", workflows.c.updated_at)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column(
        "workflow_id",
        sa.String(512),
        sa.ForeignKey("workflows.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", sa.String(512), primary_key=True),
    # The id as a number when it is one (ASCII digits), to sort 2 before 10.
    sa.Column("position", sa.BigInteger),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("seq", sa.BigInteger),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
)

history = sa.Table(
    "history",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column(
        "workflow_id",
        sa.String(512),
        sa.ForeignKey("workflows.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # NULL: a status of the workflow itself.
    sa.Column("task_id", sa.String(512)),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
sa.Index("ix_history_workflow", history.c.workflow_id, history.c.task_id, history.c.id)

events = sa.Table(
    "events",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
)
sa.Index("ix_events_received_at", events.c.received_at)

replies = sa.Table(
    "replies",
    metadata,
    sa.Column("key", sa.String(256), primary_key=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
sa.Index("ix_replies_created_at", replies.c.created_at)

_version = sa.Table(
    "dotflow_schema_version", sa.MetaData(), sa.Column("version", sa.Integer, nullable=False)
)


def _v1(connection: sa.Connection) -> None:
    metadata.create_all(connection)


# Migration N brings the schema from version N-1 to N. Append, never edit a released one.
MIGRATIONS: list[Callable[[sa.Connection], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(engine: sa.Engine) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the version it had before.

    Raises:
        RuntimeError: the database was written by a newer dotflow-dashboard.
    """
    with engine.begin() as connection:
        _version.create(connection, checkfirst=True)
        found = connection.execute(sa.select(_version.c.version)).scalar()
        before = int(found) if found is not None else 0
        if before > SCHEMA_VERSION:
            msg = (
                f"the database has schema version {before}, newer than this dotflow-dashboard "
                f"knows ({SCHEMA_VERSION}): upgrade dotflow-dashboard"
            )
            raise RuntimeError(msg)
        for number in range(before, SCHEMA_VERSION):
            logger.info("migrating the dashboard database to schema version %s", number + 1)
            MIGRATIONS[number](connection)
        if found is None:
            connection.execute(_version.insert().values(version=SCHEMA_VERSION))
        elif before != SCHEMA_VERSION:
            connection.execute(_version.update().values(version=SCHEMA_VERSION))
    return before

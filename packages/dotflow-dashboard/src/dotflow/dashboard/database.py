"""Database URLs and engines: SQLite (file in WAL mode, or in memory) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

__all__ = ["MEMORY", "create_engine", "is_memory", "normalize_url"]

MEMORY = "memory"


def normalize_url(url: str) -> str:
    """The SQLAlchemy URL for ``url`` (``memory``, ``sqlite:///path``, ``postgresql://...``).

    Raises:
        ValueError: a scheme the dashboard does not support, with the ones it does.
    """
    url = url.strip()
    if url in (MEMORY, "sqlite://", "sqlite:///:memory:"):
        return "sqlite://"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite:///", "postgresql+psycopg://")):
        return url
    msg = (
        f"unsupported database URL {_redacted(url)!r}: use sqlite:///path/to/file.db, "
        "postgresql://user:password@host/dbname or 'memory'"
    )
    raise ValueError(msg)


def is_memory(url: str) -> bool:
    """Whether ``url`` (normalised) is an in-memory SQLite database."""
    return url == "sqlite://"


def _redacted(url: str) -> str:
    # Never echo a password in an error message.
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: show its scheme only
        return url.split("://", 1)[0] + "://..."


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (the page, the read API) never wait for the writer, nor the writer for them.
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes in WAL mode; only a power cut may lose the
    # last commits, which runners retry anyway.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str) -> sa.Engine:
    """An engine for the normalised ``url``.

    Raises:
        ModuleNotFoundError: a PostgreSQL URL without psycopg installed (names the extra).
    """
    if is_memory(url):
        # One connection shared by every thread (the Store serialises access), so that the
        # in-memory database is one database and not one per connection.
        return sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    if url.startswith("postgresql+psycopg://"):
        try:
            import psycopg  # noqa: F401
        except ModuleNotFoundError as error:
            msg = "PostgreSQL needs psycopg: pip install 'dotflow-dashboard[postgresql]'"
            raise ModuleNotFoundError(msg, name="psycopg") from error
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine

"""Settings: what the dashboard serves, from options or the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_DB", "DEFAULT_MAX_BODY", "Settings"]

DEFAULT_DB = "sqlite:///dotflow-dashboard.db"
# ServerAPI caps the contexts of one task at 5 MB; JSON escaping can nearly double that.
DEFAULT_MAX_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """How the dashboard behaves.

    Args:
        db: database URL: ``memory``, ``sqlite:///path.db`` or ``postgresql://...``.
        runner_tokens: the ``X-User-Token`` values accepted for writes; empty: any non-empty one
            (only for a dashboard nobody else can reach).
        viewer_token: the token for the pages and the read API.
        public_read: pages and the read API need no token.
        strict: 404 for updates of workflows or tasks never created.
        keep_days: forget workflows not updated for this many days (``None``: keep all).
        max_body: the largest request body accepted, in bytes.
        record_events: keep every accepted write (``GET /api/events``; tests, debugging).
        max_events: how many recorded events and idempotency keys to keep at most.
    """

    db: str = DEFAULT_DB
    runner_tokens: tuple[str, ...] = field(default=(), repr=False)
    viewer_token: str | None = field(default=None, repr=False)
    public_read: bool = False
    strict: bool = False
    keep_days: float | None = None
    max_body: int = DEFAULT_MAX_BODY
    record_events: bool = False
    max_events: int | None = 100_000

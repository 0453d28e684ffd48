"""``dotflow dashboard`` and ``python -m dotflow.dashboard``: serve the dashboard."""

from __future__ import annotations

import logging
import signal
import sys

import click

from dotflow.dashboard.settings import DEFAULT_DB, DEFAULT_MAX_BODY, Settings

__all__ = ["dashboard", "main"]

logger = logging.getLogger(__name__)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _BadInput(click.ClickException):
    """Exit code 2, like every other bad input of the dotflow command."""

    exit_code = 2


def _tokens(value: tuple[str, ...]) -> tuple[str, ...]:
    tokens: list[str] = []
    for item in value:
        tokens.extend(part.strip() for part in item.split(",") if part.strip())
    return tuple(tokens)


@click.command(
    "dashboard",
    epilog="""\b
Examples:
  dotflow dashboard --public-read --runner-token dev   # watch local runs at http://127.0.0.1:8000
  dotflow dashboard --db postgresql://dotflow@db/dotflow --host 0.0.0.0 --keep-days 30
Runners report to it with SERVER_BASE_URL=http://HOST:PORT and SERVER_USER_TOKEN=<runner token>.""",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one; the URL is printed).",
)
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="DOTFLOW_DASHBOARD_DB",
    help="sqlite:///path.db, postgresql://user:pass@host/db, or 'memory' (nothing "
    "kept after exit). Also DOTFLOW_DASHBOARD_DB.",
)
@click.option(
    "--runner-token",
    "runner_tokens",
    multiple=True,
    envvar="DOTFLOW_DASHBOARD_RUNNER_TOKENS",
    help="Token runners send as X-User-Token (repeat, or comma-separated in "
    "DOTFLOW_DASHBOARD_RUNNER_TOKENS). Required unless listening on loopback.",
)
@click.option(
    "--viewer-token",
    envvar="DOTFLOW_DASHBOARD_VIEWER_TOKEN",
    help="Token for the pages and the read API (also DOTFLOW_DASHBOARD_VIEWER_TOKEN).",
)
@click.option("--public-read", is_flag=True, help="Pages and the read API need no token.")
@click.option(
    "--keep-days",
    type=click.FloatRange(min=0, min_open=True),
    help="Forget workflows not updated for this many days (default: keep all).",
)
@click.option("--strict", is_flag=True, help="404 for updates of workflows never created.")
@click.option(
    "--max-body",
    default=DEFAULT_MAX_BODY,
    show_default=True,
    type=click.IntRange(1024),
    help="Largest request body accepted, in bytes.",
)
@click.option("--quiet", is_flag=True, help="Log warnings only (no request log).")
def dashboard(
    host: str,
    port: int,
    db: str,
    runner_tokens: tuple[str, ...],
    viewer_token: str | None,
    public_read: bool,
    keep_days: float | None,
    strict: bool,
    max_body: int,
    quiet: bool,
) -> None:
    """Serve the dashboard: the backend runners report to, and live pages of every run."""
    tokens = _tokens(runner_tokens)
    if not tokens and host not in _LOOPBACK:
        msg = (
            "--runner-token is required when listening on another interface than loopback "
            "(or set DOTFLOW_DASHBOARD_RUNNER_TOKENS)"
        )
        raise click.UsageError(msg)
    if not viewer_token and not public_read:
        msg = "give --viewer-token (or DOTFLOW_DASHBOARD_VIEWER_TOKEN), or --public-read"
        raise click.UsageError(msg)
    settings = Settings(
        db=db,
        runner_tokens=tokens,
        viewer_token=viewer_token or None,
        public_read=public_read,
        strict=strict,
        keep_days=keep_days,
        max_body=max_body,
    )
    _serve(settings, host, port, quiet)


def _serve(settings: Settings, host: str, port: int, quiet: bool) -> None:
    # Imported here: `dotflow --help` and `dotflow dashboard --help` stay fast.
    import uvicorn

    from dotflow.dashboard.app import create_app
    from dotflow.dashboard.server import bind, url_of
    from dotflow.dashboard.store import Store

    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        store = Store(
            settings.db,
            strict=settings.strict,
            keep_days=settings.keep_days,
            max_events=settings.max_events,
        )
    except ModuleNotFoundError as error:
        raise click.UsageError(str(error)) from None
    except Exception as error:
        msg = f"cannot open the database: {type(error).__name__}: {str(error).splitlines()[0]}"
        raise _BadInput(msg) from None
    try:
        sock = bind(host, port)
    except OSError as error:
        store.close()
        msg = f"cannot listen on {host}:{port}: {error.strerror or error}"
        raise _BadInput(msg) from None
    app = create_app(settings, store=store)
    if not settings.runner_tokens:
        logger.warning("no --runner-token: any non-empty X-User-Token may write")
    click.echo(f"dotflow dashboard listening on {url_of(sock)} ({store!r})", err=False)
    sys.stdout.flush()
    config = uvicorn.Config(
        app,
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    # The event loop releases the GIL on every socket call and must win it back from the writer
    # thread; with the default 5 ms switch interval each reply could wait that long (the convoy
    # effect). A shorter interval keeps replies prompt while the writer is busy.
    sys.setswitchinterval(0.0005)
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again under the
    # handlers it found: with these, a requested stop ends the process with exit code 0.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
        sock.close()


def main(argv: list[str] | None = None, prog_name: str = "dotflow-dashboard") -> int:
    """``python -m dotflow.dashboard`` and the ``dotflow-dashboard`` script."""
    try:
        dashboard.main(args=argv, prog_name=prog_name)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0

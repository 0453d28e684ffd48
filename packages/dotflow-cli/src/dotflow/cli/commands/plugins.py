"""``dotflow plugins``: every adapter installed, per port, with the distribution providing it."""

from __future__ import annotations

import json

import click

__all__ = ["plugins"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per adapter.")
def plugins(as_json: bool) -> None:
    """List the adapters found for every port (storage, notify, log, server, scheduler,
    execution): entry name, class and distribution. An adapter that fails to load is flagged
    with the reason.
    """

    from dotflow.core import registry

    rows = registry.plugins()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row._asdict(), ensure_ascii=False))
        return
    broken = 0
    for port in registry.GROUPS:
        click.echo(click.style(f"{port} ({registry.GROUPS[port]})", bold=True))
        mine = [row for row in rows if row.port == port]
        if not mine:
            click.echo("  (none)")
        width = max((len(row.name) for row in mine), default=0)
        for row in mine:
            line = f"  {row.name:<{width}}  {row.value}  [{row.distribution}]"
            if row.error is not None:
                broken += 1
                line += "  " + click.style(f"FAILS TO LOAD: {row.error}", fg="red")
            click.echo(line)
    if broken:
        click.echo(f"{broken} adapter{'s' if broken > 1 else ''} failed to load.", err=True)

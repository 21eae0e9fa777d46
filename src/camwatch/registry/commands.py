"""`camwatch embargo ...`: put an investigation under embargo with its owner and team,
lift an embargo, and list them (registry/embargo.py; docs/security.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from camwatch.runtime import setup_django


@click.group()
def embargo() -> None:
    """Investigations sealed from everyone but their team until a date."""


def _refusing(action: Callable[[], Any]) -> Any:
    from camwatch.registry.embargo import EmbargoError

    try:
        return action()
    except EmbargoError as error:
        raise click.ClickException(str(error)) from error


@embargo.command("set")
@click.argument("slug")
@click.option(
    "--until", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day it is published (YYYY-MM-DD): sealed until then.",
)  # fmt: skip
@click.option("--owner", help="The user who owns it (and sees it).")
@click.option("--team", multiple=True, help="A user on its team; may be given again.")
def set_command(slug: str, until: Any, owner: str | None, team: tuple[str, ...]) -> None:
    """Seal investigation SLUG until a date, for everyone but its owner, its team and
    the admins."""
    setup_django()
    from camwatch.registry import embargo as library

    found = _refusing(lambda: library.seal(slug, until.date(), owner, team))
    click.echo(f"{found.slug} is under embargo until {found.embargo_until}.")


@embargo.command("lift")
@click.argument("slug")
def lift_command(slug: str) -> None:
    """Publish investigation SLUG now."""
    setup_django()
    from camwatch.registry import embargo as library

    found = _refusing(lambda: library.lift(slug))
    click.echo(f"{found.slug} is published.")


@embargo.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
def list_command(as_json: bool) -> None:
    """Every investigation with an embargo date, whether it has ended, owner and team."""
    setup_django()
    from camwatch.registry import embargo as library

    rows = library.describe()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "sealed until" if row["sealed"] else "published on"
        team = ", ".join(row["team"]) or "(none)"
        click.echo(
            f"{row['slug']}: {state} {row['embargo_until']}; "
            f"owner {row['owner'] or '(none)'}; team {team}"
        )

"""`camwatch roles ...`: list the roles with their permissions and members, give a user a
role or take it away, and bring the groups in line with web/roles.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from camwatch.runtime import setup_django


@click.group()
def roles() -> None:
    """Roles: contributor, reviewer, editor, admin (docs/security.md)."""


def _refusing(action: Callable[[], Any]) -> Any:
    """Run `action`; an unknown user or role is an error message and exit status 1."""
    from camwatch.web.roles import RoleError

    try:
        return action()
    except RoleError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from error


@roles.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the roles as JSON.")
def list_command(as_json: bool) -> None:
    """Each role, what it may do, its permissions and the users who hold it."""
    setup_django()
    from camwatch.web.roles import describe

    rows = describe()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        flags = [flag for flag in ("is_staff", "is_superuser") if row[flag]]
        stale = "" if row["in_sync"] else " (group out of date: run `camwatch roles sync`)"
        click.echo(f"{row['role']}: {row['summary']}{stale}")
        if flags:
            click.echo(f"  account: {', '.join(flags)}")
        click.echo(f"  permissions: {len(row['permissions'])}")
        for permission in row["permissions"]:
            click.echo(f"    {permission}")
        click.echo(f"  members: {', '.join(row['members']) or '(none)'}")


@roles.command("grant")
@click.argument("username")
@click.argument("role")
def grant_command(username: str, role: str) -> None:
    """Give USERNAME the ROLE; editor and admin also make the account staff, admin makes
    it a superuser."""
    setup_django()
    from camwatch.web.roles import grant

    user = _refusing(lambda: grant(username, role))
    flags = [flag for flag in ("is_staff", "is_superuser") if getattr(user, flag)]
    click.echo(f"{username} is now {role}" + (f" ({', '.join(flags)})" if flags else ""))


@roles.command("revoke")
@click.argument("username")
@click.argument("role")
def revoke_command(username: str, role: str) -> None:
    """Take the ROLE away from USERNAME, and staff or superuser with it if no role left
    gives them."""
    setup_django()
    from camwatch.web.roles import revoke

    if _refusing(lambda: revoke(username, role)):
        click.echo(f"{username} is no longer {role}")
    else:
        click.echo(f"{username} did not have the role {role}; nothing changed")


@roles.command("sync")
def sync_command() -> None:
    """Create the roles' groups and set their permissions to those in web/roles.py (done
    after every migrate too)."""
    setup_django()
    from camwatch.web.roles import sync_groups

    changed = [name for name, done in sync_groups().items() if done]
    click.echo(f"Updated: {', '.join(changed)}" if changed else "The roles were up to date.")

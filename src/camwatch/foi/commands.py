"""`camwatch foi ...`: FOI campaigns from the command line, a thin layer over the app.

`camwatch foi deadline` needs no database: it calls the same pure function
(foi/calendar.py) that the app uses for every request.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from camwatch.foi import calendar


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date of the form YYYY-MM-DD", param, ctx)


DATE = _Date()


@click.group()
def foi() -> None:
    """FOI campaigns: statutory clocks, requests, mail in and out."""


@foi.command("deadline")
@click.argument("received", type=DATE)
@click.option(
    "--regime",
    type=click.Choice([r.value for r in calendar.Regime]),
    default="foia",
    show_default=True,
    help="foia: all-UK bank holidays; foisa: Scottish ones only; eir: as foia.",
)
@click.option(
    "--working-days",
    type=click.IntRange(0, 400),
    default=None,
    help="Count this many working days instead of the statutory 20.",
)
@click.option("--clarified", type=DATE, help="The day a clarification arrived: day 0 moves.")
@click.option("--school", is_flag=True, help="A maintained school (SI 2004/3364).")
@click.option("--json", "as_json", is_flag=True, help="Print the working as JSON.")
def deadline_command(
    received: dt.date,
    regime: str,
    working_days: int | None,
    clarified: dt.date | None,
    school: bool,
    as_json: bool,
) -> None:
    """When a reply to a request received on RECEIVED (day 0) is due.

    The last line is the due date, YYYY-MM-DD; with --json, a JSON object with "due".
    """
    events = calendar.Events(clarified=(clarified,) if clarified else ())
    try:
        found = calendar.deadline(
            received, calendar.Regime(regime), working_days, school=school, events=events
        )
    except calendar.ClockError as error:
        raise click.BadParameter(str(error), param_hint="RECEIVED") from error
    if as_json:
        click.echo(json.dumps(found.as_dict(), indent=2))
        return
    click.echo(f"{found.regime.label}: {found.working_days} working days; {found.calendar}.")
    for note in found.notes:
        click.echo(note)
    for day, why in found.skipped:
        click.echo(f"  not a working day: {day.isoformat()} {day:%a} ({why})")
    click.echo(f"Long overdue after {found.long_overdue_after}.")
    click.echo(found.due.isoformat() if found.due else "paused")

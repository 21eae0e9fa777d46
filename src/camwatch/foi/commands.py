"""`camwatch foi ...`: FOI campaigns from the command line, a thin layer over the app.

`camwatch foi deadline` needs no database: it calls the same pure function
(foi/calendar.py) that the app uses for every request.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from camwatch.foi import calendar
from camwatch.runtime import setup_django

_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            if not _YYYY_MM_DD.fullmatch(str(value)):  # fromisoformat reads 20240603 too
                raise ValueError(value)
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


def _actor(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


AS_USER = click.option("--as", "actor", help="Who to record as acting (default: cli:$USER).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _echo(data: dict[str, Any], as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        for line in lines:
            click.echo(line)


def _campaign(slug: str) -> Any:
    from camwatch.foi.models import Campaign

    found = Campaign.objects.filter(slug=slug).first()
    if found is None:
        raise click.BadParameter(f"no campaign {slug!r}", param_hint="CAMPAIGN")
    return found


def _request(reference: str) -> Any:
    from camwatch.foi.models import Request

    found = Request.objects.filter(reference__iexact=reference).select_related("body").first()
    if found is None:
        raise click.BadParameter(f"no request {reference!r}", param_hint="REFERENCE")
    return found


@foi.command("campaign")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@AS_USER
@JSON
def campaign_command(spec: Path, dry_run: bool, actor: str | None, as_json: bool) -> None:
    """Create or update a campaign from a YAML SPEC and draft one request per body.

    Idempotent: a rerun changes nothing; drafts follow template changes; requests that
    have been sent are never changed. Every problem names the file, line and field."""
    setup_django()
    from camwatch.foi.campaigns import CampaignError, load_campaign
    from camwatch.foi.wording import TemplateError

    try:
        report = load_campaign(spec, _actor(actor), dry_run=dry_run)
    except CampaignError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from error
    except TemplateError as error:
        raise click.ClickException(str(error)) from error
    verb = "would draft" if dry_run else "drafted"
    _echo(
        {"dry_run": dry_run, **report.as_dict()},
        as_json,
        [
            f"{report.campaign}: {verb} {len(report.created)} requests, redrafted "
            f"{len(report.updated)}, {report.unchanged} unchanged.",
            *(f"  removed the unsent draft {ref}: no longer a target" for ref in report.removed),
            *(f"  no template for {slug}" for slug in report.no_template),
            *(f"  no FOI address yet: {ref}" for ref in report.no_address),
        ],
    )


@foi.command("send")
@click.argument("campaign")
@click.option("--limit", type=click.IntRange(1), help="Send at most this many.")
@AS_USER
@JSON
def send_command(campaign: str, limit: int | None, actor: str | None, as_json: bool) -> None:
    """Send every drafted request of CAMPAIGN through the SMTP server (CAMWATCH_SMTP_URL)."""
    setup_django()
    from camwatch.foi.mail.outgoing import SendError, send_campaign
    from camwatch.foi.mail.smtp import MailNotConfigured

    found = _campaign(campaign)
    drafts = found.requests.filter(state="draft").count()
    try:
        with _bar("sending", min(drafts, limit or drafts)) as advance:
            report = send_campaign(found, _actor(actor), limit, progress=lambda _: advance())
    except (SendError, MailNotConfigured) as error:
        raise click.ClickException(str(error)) from error
    _echo(
        report.as_dict(),
        as_json,
        [
            f"Sent {len(report.sent)} requests.",
            *(f"  failed {ref}: {why}" for ref, why in report.failed.items()),
            *(f"  skipped {ref}: {why}" for ref, why in report.skipped.items()),
        ],
    )


class _bar:
    """A rich progress bar on a terminal, nothing otherwise."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total = what, total

    def __enter__(self) -> Any:
        from rich.progress import Progress

        self.progress = Progress(transient=True, disable=not sys.stderr.isatty())
        self.progress.start()
        self.task = self.progress.add_task(self.what, total=self.total)
        return self.advance

    def advance(self, steps: int = 1, total: int | None = None) -> None:
        self.progress.update(self.task, advance=steps, total=total or self.total)

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _intake_lines(report: Any) -> list[str]:
    return [
        f"Matched {len(report.matched)}, bounced {len(report.bounced)}, held "
        f"{len(report.held)} for a person, {report.duplicates} already recorded.",
        *(f"  problem: {problem}" for problem in report.problems),
    ]


@foi.command("fetch-mail")
@JSON
def fetch_mail_command(as_json: bool) -> None:
    """Read new replies from the IMAP folder in CAMWATCH_IMAP_URL (read-only), match them
    to their requests and update their states."""
    setup_django()
    from django.conf import settings

    from camwatch.foi.mail.imap import FetchError, fetch_mail

    if settings.CAMWATCH_IMAP is None:
        raise click.ClickException("no IMAP server is configured: set CAMWATCH_IMAP_URL")
    try:
        with _bar("reading mail", 0) as advance:
            report = fetch_mail(
                settings.CAMWATCH_IMAP,
                settings.CAMWATCH_MAX_MAIL_BYTES,
                progress=lambda step, total: advance(step, total),
            )
    except FetchError as error:
        raise click.ClickException(str(error)) from error
    _echo(report.as_dict(), as_json, _intake_lines(report))


@foi.command("import-mail")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@JSON
def import_mail_command(files: tuple[Path, ...], as_json: bool) -> None:
    """Import replies from .eml and .mbox FILES, as if they had arrived by IMAP."""
    setup_django()
    from camwatch.foi.mail.incoming import import_files

    report = import_files(list(files))
    _echo(report.as_dict(), as_json, _intake_lines(report))
    if report.problems:
        raise SystemExit(1)


@foi.command("held")
@JSON
def held_command(as_json: bool) -> None:
    """The holding pen: received mail that matches no request, for a person to assign."""
    setup_django()
    from camwatch.foi.models import Message

    held = Message.objects.filter(direction="in", request=None).order_by("date")
    rows = [
        {"id": m.pk, "date": m.date, "sender": m.sender, "subject": m.subject, "problem": m.problem}
        for m in held
    ]
    _echo(
        {"held": rows},
        as_json,
        [f"{r['id']:>6}  {r['date']:%Y-%m-%d}  {r['sender']}  {r['subject']}" for r in rows]
        or ["The holding pen is empty."],
    )


@foi.command("assign")
@click.argument("message", type=int)
@click.argument("reference")
@AS_USER
def assign_command(message: int, reference: str, actor: str | None) -> None:
    """Put held MESSAGE (its id from `foi held`) with the request REFERENCE."""
    setup_django()
    from camwatch.foi.mail.incoming import assign
    from camwatch.foi.models import Message

    found = Message.objects.filter(pk=message, direction="in").first()
    if found is None:
        raise click.BadParameter(f"no received message {message}", param_hint="MESSAGE")
    request = _request(reference)
    try:
        assign(found, request, _actor(actor))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    request.refresh_from_db()
    click.echo(f"Message {message} is now with {request.reference}: {request.state}.")


@foi.command("set-state")
@click.argument("reference")
@click.argument("state")
@click.option("--note", default="", help="Why, for the audit log.")
@AS_USER
def set_state_command(reference: str, state: str, note: str, actor: str | None) -> None:
    """Classify REFERENCE as STATE by hand (only the workflow's allowed moves; the state it
    is already in confirms it). Either way the request no longer waits to be classified."""
    setup_django()
    from camwatch.foi.states import TransitionError

    request = _request(reference)
    try:
        request.classify(state, _actor(actor), note)
    except TransitionError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{request.reference}: {request.state}")


@foi.command("status")
@click.argument("campaign")
@click.option("--csv", "as_csv", is_flag=True, help="One row per request, as CSV.")
@JSON
def status_command(campaign: str, as_csv: bool, as_json: bool) -> None:
    """CAMPAIGN's progress: requests by status, and the overdue ones."""
    setup_django()
    from camwatch.foi import progress
    from camwatch.web.formats import csv_cell

    rows = progress.status_rows(_campaign(campaign))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(list(rows[0]) if rows else ["reference"])
        for row in rows:
            writer.writerow([csv_cell(value) for value in row.values()])
        return
    counted = progress.counts(rows)
    late = [r for r in rows if r["status"] in ("overdue", "long_overdue")]
    _echo(
        {"counts": {c.status: c.count for c in counted}, "requests": rows},
        as_json,
        [f"{c.count:>5}  {c.label}" for c in counted]
        + [
            f"  {r['status_label']}: {r['reference']} {r['body']} (due {r['current_due']})"
            for r in late
        ],
    )


@foi.command("remind")
@click.option("--campaign", help="Only this campaign's requests.")
@click.option("--send", is_flag=True, help="Send the chasers (default: only list).")
@AS_USER
@JSON
def remind_command(campaign: str | None, send: bool, actor: str | None, as_json: bool) -> None:
    """List overdue requests and, with --send, send each a polite chaser in its regime's
    words (once every 10 working days at most)."""
    setup_django()
    from camwatch.foi import followups
    from camwatch.foi.mail.smtp import MailNotConfigured

    items = followups.overdue(_campaign(campaign) if campaign else None)
    listed = [
        {"reference": i.request.reference, "body": i.request.body.name, "status": i.status,
         "due": i.due, "chase_now": i.chase_now}
        for i in items
    ]  # fmt: skip
    data: dict[str, Any] = {"overdue": listed}
    lines = [f"{r['status']:<13} {r['reference']:<12} due {r['due']}  {r['body']}" for r in listed]
    if send:
        try:
            report = followups.chase(items, _actor(actor))
        except MailNotConfigured as error:
            raise click.ClickException(str(error)) from error
        data.update(report.as_dict())
        lines.append(f"Chased {len(report.chased)}; {len(report.waiting)} chased recently.")
        lines += [f"  failed {ref}: {why}" for ref, why in report.failed.items()]
    _echo(data, as_json, lines or ["Nothing is overdue."])


@foi.command("review")
@click.argument("reference")
@click.option("--reason", required=True, help="Why a review is asked for.")
@click.option("--send", is_flag=True, help="Send it (default: only show the letter).")
@AS_USER
def review_command(reference: str, reason: str, send: bool, actor: str | None) -> None:
    """Ask for an internal review of REFERENCE from the regime's template; the review
    clock starts when it is sent."""
    setup_django()
    from camwatch.foi import followups
    from camwatch.foi.mail.outgoing import SendError
    from camwatch.foi.mail.smtp import MailNotConfigured
    from camwatch.foi.states import TransitionError

    request = _request(reference)
    try:
        text = followups.request_review(request, reason, _actor(actor), send=send)
    except (ValueError, TransitionError, SendError, MailNotConfigured) as error:
        raise click.ClickException(str(error)) from error
    click.echo(text)
    if send:
        click.echo(f"Sent. The review is due by {request.review_due}.")


@foi.command("clarified")
@click.argument("reference")
@click.argument("received", type=DATE)
@AS_USER
def clarified_command(reference: str, received: dt.date, actor: str | None) -> None:
    """The clarification for REFERENCE reached the authority on RECEIVED: restart the clock."""
    setup_django()
    from camwatch.foi import followups
    from camwatch.foi.states import TransitionError

    request = _request(reference)
    try:
        followups.record_clarification(request, received, _actor(actor))
    except (calendar.ClockError, TransitionError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{request.reference}: due {request.due}")


@foi.command("extend")
@click.argument("reference")
@AS_USER
def extend_command(reference: str, actor: str | None) -> None:
    """The authority notified REFERENCE's requester of an extension (EIR regulation 7, or
    a FOIA public interest extension): the reply is due by the 40th working day."""
    setup_django()
    from camwatch.foi import followups

    request = _request(reference)
    try:
        followups.record_extension(request, _actor(actor))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{request.reference}: due {request.due}")


@foi.command("fee")
@click.argument("reference")
@click.argument("given", type=DATE)
@click.option("--paid", type=DATE, help="The day the fee reached the authority.")
@AS_USER
def fee_command(reference: str, given: dt.date, paid: dt.date | None, actor: str | None) -> None:
    """A fees notice for REFERENCE given on GIVEN pauses the clock until --paid."""
    setup_django()
    from camwatch.foi import followups

    request = _request(reference)
    try:
        followups.record_fee(request, given, paid, _actor(actor))
    except calendar.ClockError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{request.reference}: due {request.due or 'paused until the fee is paid'}")


@foi.command("import-wdtk")
@click.argument("campaign")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@JSON
def import_wdtk_command(campaign: str, files: tuple[Path, ...], as_json: bool) -> None:
    """Import WhatDoTheyKnow requests (their /request/<slug>.json) into CAMPAIGN."""
    setup_django()
    from camwatch.foi.wdtk import WdtkError, import_files

    try:
        report = import_files(_campaign(campaign), list(files))
    except WdtkError as error:
        raise click.ClickException(str(error)) from error
    _echo(
        report.as_dict(),
        as_json,
        [f"Imported {len(report.created)} new and {len(report.updated)} known requests, "
         f"{report.events} events."],
    )  # fmt: skip


@foi.command("publish")
@click.argument("campaign")
@AS_USER
def publish_command(campaign: str, actor: str | None) -> None:
    """Put CAMPAIGN's outcomes into the registry as an investigation, for the findings.
    Refused while the campaign is under embargo."""
    setup_django()
    from camwatch.foi import followups

    try:
        investigation = followups.publish(_campaign(campaign), _actor(actor))
    except followups.NotYetPublic as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Published as investigation {investigation.slug}.")

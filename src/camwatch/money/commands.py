"""`camwatch money ...`: import procurement notices and spending files, and summarise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from camwatch.runtime import setup_django

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def money() -> None:
    """Follow the money: contracts, integrators, spending and stated policies."""


def _run_import(run: Any, as_json: bool) -> None:
    from camwatch.money.imports import ImportReport
    from camwatch.registry.loader import DataFileErrors

    try:
        report: ImportReport = run()
    except DataFileErrors as error:
        for problem in error.errors:
            click.echo(f"error: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(1) from error
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"{report.file}: read {data['read']:,}, kept {data['related']:,} "
        f"({data['created']:,} new, {data['updated']:,} updated, {data['unchanged']:,} unchanged); "
        f"source {data['source']}."
    )
    for who, tally in data["matching"].items():
        click.echo(f"  {who}: " + ", ".join(f"{n:,} {what}" for what, n in tally.items()))
    for problem in data["skipped"]:
        click.echo(f"  skipped: {problem}")


@money.command("import-ocds")
@click.argument("file", type=_FILE)
@click.option("--skip-bad", is_flag=True, help="Import the good releases and list the bad ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_ocds_command(file: Path, skip_bad: bool, as_json: bool) -> None:
    """Import an OCDS release or record package (JSON, JSON Lines, gzip): the notices about
    surveillance systems, by CPV code or text, become contracts; buyers and suppliers are
    matched, and uncertain matches wait at /money/names/."""
    setup_django()
    from camwatch.money.imports import import_ocds

    _run_import(lambda: import_ocds(file, skip_bad=skip_bad), as_json)


@money.command("import-spend")
@click.argument("file", type=_FILE)
@click.option("--body", required=True, help="The paying body's slug, e.g. camden.")
@click.option("--profile", required=True, help="The column profile, e.g. transparency-code.")
@click.option("--profiles", type=_FILE, help="A YAML file of your own column profiles.")
@click.option("--all-lines", is_flag=True, help="Keep every line, not only surveillance ones.")
@click.option("--skip-bad", is_flag=True, help="Import the good lines and list the bad ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_spend_command(
    file: Path,
    body: str,
    profile: str,
    profiles: Path | None,
    all_lines: bool,
    skip_bad: bool,
    as_json: bool,
) -> None:
    """Import a council's spending-over-£500 file (CSV or XLSX) with a saved column profile."""
    setup_django()
    from camwatch.money.imports import import_spend

    _run_import(
        lambda: import_spend(
            file,
            body=body,
            profile=profile,
            profiles_file=profiles,
            skip_bad=skip_bad,
            keep_all=all_lines,
        ),
        as_json,
    )


@money.command("summary")
@click.option("--json", "as_json", is_flag=True, help="Print every table as JSON.")
def summary_command(as_json: bool) -> None:
    """Spend by body, sector and year, the integrator league table, and the policies that
    holdings contradict."""
    setup_django()
    from camwatch.money.summary import money_summary
    from camwatch.web.formats import Encoder

    data = money_summary()
    if as_json:
        click.echo(json.dumps(data, indent=2, cls=Encoder))
        return
    counts = data["counts"]
    click.echo(", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in counts.items()))
    click.echo("Spend by body (amount; of which a vendor of concern is behind):")
    for row in data["spend_by_body"]:
        click.echo(
            f"  {row['body']}: {row['currency']} {row['amount']:,.0f}; {row['of_concern']:,.0f}"
        )
    click.echo("Integrators and suppliers (bodies supplied):")
    for row in data["league_table"]:
        made = ", ".join(row["manufacturers"]) or "manufacturers not known"
        click.echo(
            f"  {row['supplier']}: {row['buyers']} bodies, {row['contracts']} contracts; {made}"
        )
    click.echo("Policies contradicted:")
    for row in data["contradictions"]:
        click.echo(f"  {row['body']} ({row['policy']}): {row['reason']}")
    click.echo(data["caveat"])

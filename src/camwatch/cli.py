"""The `camwatch` command: a thin layer over the library.

Each command parses its options, calls one library function and prints the result.
Django is set up only inside the commands that need it, so `camwatch --version`
and `--help` stay instant.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

import camwatch
from camwatch.coding.commands import coding
from camwatch.foi.commands import foi
from camwatch.money.commands import money
from camwatch.netaudit.commands import audit
from camwatch.registry.commands import embargo
from camwatch.runtime import setup_django
from camwatch.sightings.commands import sightings
from camwatch.web.commands import roles


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(camwatch.__version__, prog_name="camwatch")
def main() -> None:
    """camwatch: which UK public bodies run which surveillance cameras, from which vendors,
    proven from evidence."""


@main.command("load-data")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder laid out like the bundled data (default: the bundled dataset).",
)
@click.option(
    "--dry-run", is_flag=True, help="Validate and report what would change; write nothing."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def load_data_command(data_dir: Path | None, dry_run: bool, as_json: bool) -> None:
    """Load the bundled dataset (or DATA_DIR) into the registry, idempotently.

    Every file is read and its records checked first; references between records are
    checked as they are written, in one transaction. A malformed file changes nothing,
    and a second run changes nothing.
    """
    setup_django()
    from camwatch.registry.loader import DataFileErrors
    from camwatch.registry.loader.run import load_data

    try:
        with _progress() as advance:
            report = load_data(data_dir, progress=advance, dry_run=dry_run)
    except DataFileErrors as error:
        for problem in error.errors:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from error
    _print_report(report.as_dict(), report.changes, dry_run, as_json)
    _refresh_after(report.changes, dry_run, as_json)


def _refresh_after(changes: int, dry_run: bool, as_json: bool) -> None:
    """After a write, recompute the stored figures now, not on the next page view."""
    if dry_run or not changes:
        return
    from camwatch.findings.dashboard import refresh

    seconds = sum(refresh().values())
    if not as_json:
        click.echo(
            f"Recomputed the headline figures and the findings dashboard in {seconds:.1f} s."
        )


def _print_report(report: dict[str, Any], changes: int, dry_run: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, "changes": changes, **report}, indent=2))
        return
    verb = "would change" if dry_run else "changed"
    click.echo(f"{changes} records {verb}.")
    for outcome in ("created", "updated", "deleted"):
        for label, count in report[outcome].items():
            click.echo(f"  {outcome} {count} {label}")


class _progress:
    """A rich progress bar over the loader's stages, or nothing when not on a terminal."""

    def __enter__(self) -> Any:
        from rich.progress import Progress

        self.bar = Progress(transient=True, disable=not sys.stderr.isatty())
        self.bar.start()
        self.task = self.bar.add_task("loading", total=10)
        return self.advance

    def advance(self, stage: str, count: int) -> None:
        self.bar.update(self.task, advance=1, description=f"{stage} ({count})")

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn workers"
)
@click.option("--reload", is_flag=True, help="Restart when code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the site with gunicorn (static files through WhiteNoise)."""
    setup_django()
    from camwatch.web.server import run

    run(host=host, port=port, workers=workers, reload=reload)


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command: `camwatch manage migrate`, `... createsuperuser`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camwatch.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["camwatch manage", *args])


@main.group()
def findings() -> None:
    """Reproduce published claims from the registry, and check it for inconsistencies."""


@findings.command("reproduce")
@click.option("--investigation", help="Only this investigation's claims (its slug).")
@click.option("--json", "as_json", is_flag=True, help="Print every result as JSON.")
def findings_reproduce(investigation: str | None, as_json: bool) -> None:
    """Recompute every published claim and say: match, mismatch (with the likely cause)
    or not reproducible (with what is missing)."""
    setup_django()
    from camwatch.findings.reproduce import reproduce, summary
    from camwatch.registry.models import Claim

    claims = Claim.objects.select_related("investigation", "source", "corrected_by")
    if investigation:
        claims = claims.filter(investigation__slug=investigation)
        if not claims.exists():
            raise click.BadParameter(f"no claims for investigation {investigation!r}")
    results = reproduce(claims)
    if as_json:
        click.echo(
            json.dumps(
                {"summary": summary(results), "claims": [r.as_dict() for r in results]}, indent=2
            )
        )
        return
    _echo_reproductions(results)


def _echo_reproductions(results: list[Any]) -> None:
    from camwatch.findings.reproduce import summary

    for result in results:
        cause = f" — {result.cause}" if result.cause else ""
        click.echo(
            f"{result.status.upper():17} {result.claim}: published {result.published}, "
            f"recomputed {result.recomputed}{cause}"
        )
    counts = summary(results)
    click.echo(", ".join(f"{count} {status.replace('_', ' ')}" for status, count in counts.items()))


def _echo_findings(found: list[Any]) -> None:
    from camwatch.findings.checks import CHECKS

    for finding in found:
        click.echo(f"[{finding.check}] {finding.message}")
        click.echo("    " + ", ".join(f"{r.kind} {r.key}" for r in finding.records))
    click.echo(f"{len(found)} findings from {len(CHECKS)} checks.")


@findings.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print every finding as JSON.")
def findings_check(as_json: bool) -> None:
    """Run the consistency checks: parts that do not sum to their total, impossible
    percentages, bodies or devices counted twice, sources that disagree, bases larger
    than the bodies asked."""
    setup_django()
    from camwatch.findings.checks import CHECKS, run_checks

    found = run_checks()
    if as_json:
        click.echo(
            json.dumps({"checks": list(CHECKS), "findings": [f.as_dict() for f in found]}, indent=2)
        )
        return
    _echo_findings(found)


@findings.command("audit")
@click.option("--json", "as_json", is_flag=True, help="Print claims and findings as JSON.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes, each with its own database connection.",
)
def findings_audit(as_json: bool, workers: int) -> None:
    """Everything at once: recompute every claim and run every check, in parallel. The
    output is `findings reproduce` followed by `findings check`, whatever the workers."""
    setup_django()
    from camwatch.findings.audit import audit
    from camwatch.findings.checks import CHECKS
    from camwatch.findings.reproduce import summary

    result = audit(workers=workers)
    if as_json:
        report = {
            "summary": summary(result.claims),
            "claims": [r.as_dict() for r in result.claims],
            "checks": list(CHECKS),
            "findings": [f.as_dict() for f in result.findings],
        }
        click.echo(json.dumps(report, indent=2))
        return
    _echo_reproductions(result.claims)
    _echo_findings(result.findings)


@findings.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def findings_import(path: Path, dry_run: bool, as_json: bool) -> None:
    """Import disclosures (CSV or JSON, one holding per row) so that the checks and the
    site cover your own data. See docs/data.md for the columns."""
    setup_django()
    from camwatch.findings.disclosures import import_disclosures
    from camwatch.registry.loader import DataFileErrors

    try:
        report = import_disclosures(path, dry_run=dry_run)
    except DataFileErrors as error:
        for problem in error.errors:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from error
    _print_report(report.as_dict(), report.changes, dry_run, as_json)
    _refresh_after(report.changes, dry_run, as_json)


@findings.command("refresh")
@click.option("--json", "as_json", is_flag=True, help="Print the timings as JSON.")
def findings_refresh(as_json: bool) -> None:
    """Recompute the figures kept between changes (the home page's headlines and the
    findings dashboard). Changes made through camwatch do this by themselves; run it
    after writing to the database by other means."""
    setup_django()
    from camwatch.findings.dashboard import refresh

    timings = refresh()
    if as_json:
        click.echo(json.dumps(timings, indent=2))
        return
    for name, seconds in timings.items():
        click.echo(f"{name}: {seconds:.2f} s")


@main.group()
def export() -> None:
    """Publish the registry elsewhere: a Datasette-ready SQLite file, or a static site."""


@export.command("sqlite")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_sqlite_command(path: Path) -> None:
    """Write PATH as a SQLite file for Datasette, with PATH.metadata.json beside it
    (table and column descriptions, sources, licences). Open it with
    `datasette PATH -m PATH.metadata.json`."""
    setup_django()
    from camwatch.findings.export_sqlite import export_sqlite

    metadata, counts = export_sqlite(path)
    for table, count in counts.items():
        click.echo(f"  {table}: {count:,} rows")
    click.echo(f"Wrote {path} and {metadata}.")


@export.command("site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_site_command(directory: Path) -> None:
    """Write the public site into DIRECTORY as static files that work from any web
    server (or straight from the file system)."""
    setup_django()
    from camwatch.findings.export_site import export_site

    counts = export_site(directory)
    click.echo(
        f"Wrote {counts['pages']:,} pages, {counts['data_files']:,} data files and "
        f"{counts['static_files']:,} static files to {directory}."
    )


@main.command()
@click.argument("investigation")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: INVESTIGATION.FORMAT",
)
def report(investigation: str, fmt: str, output: Path | None) -> None:
    """A publishable findings report on one investigation: its claims beside their
    recomputation, charts, and a methods section written from the data."""
    setup_django()
    from camwatch.findings.report import ReportError, write_report

    target = output or Path(f"{investigation}.{fmt}")
    try:
        written = write_report(investigation, target, fmt)
    except ReportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {written}.")


main.add_command(foi)
main.add_command(coding)
main.add_command(sightings)
main.add_command(money)
main.add_command(audit)
main.add_command(roles)
main.add_command(embargo)


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def backup_command(file: Path, as_json: bool) -> None:
    """Write the database and the uploaded files (photos, documents) to FILE, a tar
    archive with a manifest of checksums. Safe while the site runs."""
    setup_django()
    from camwatch.backup import BackupError, backup

    try:
        done = backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(done.as_dict()))
        return
    click.echo(f"Wrote {done.path}: the {done.engine} database ({done.database_bytes:,} bytes) "
               f"and {done.media_files:,} uploaded file(s).")  # fmt: skip


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def restore_command(file: Path, yes: bool, as_json: bool) -> None:
    """Replace the database and the uploaded files with those in FILE, a backup from
    `camwatch backup`. Every checksum is checked first; the media folder replaced is kept
    beside the new one. Stop the site first."""
    if not yes:
        click.confirm(f"Replace this camwatch's database and uploaded files with {file}?",
                      abort=True)  # fmt: skip
    setup_django()
    from camwatch.backup import BackupError, restore

    try:
        done = restore(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(done.as_dict()))
        return
    kept = f"; the media folder it replaced is at {done.kept_media}" if done.kept_media else ""
    click.echo(f"Restored {done.path}: the {done.engine} database and "
               f"{done.media_files:,} uploaded file(s){kept}.")  # fmt: skip

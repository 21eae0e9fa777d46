"""`camwatch audit ...`: identify devices in scans and inventories (a thin layer over
camwatch.netaudit). `camwatch audit FILE...` audits files; `probe`, `update-kev` and
`rules` are subcommands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from camwatch.netaudit.observation import AuditInputError
from camwatch.netaudit.readers import FORMATS

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class AuditGroup(click.Group):
    """A group whose default command is `scan`: `camwatch audit FILE...` audits files."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((arg for arg in args if not arg.startswith("-")), None)
        if args and args[0] not in ("--help", "-h") and first not in self.commands:
            args = ["scan", *args]
        return super().parse_args(ctx, args)


@click.group(cls=AuditGroup)
def audit() -> None:
    """Network audit: which devices in a scan or inventory come from vendors of concern,
    what they are and which known vulnerabilities they carry. For networks you are
    authorised to assess: identification is passive and read-only."""


def _writer(
    as_json: bool, output: Path | None
) -> tuple[Callable[[bytes], Any] | None, IO[bytes] | None]:
    if output is not None:
        stream = output.open("wb")
        return stream.write, stream
    if as_json:
        return sys.stdout.buffer.write, None
    return None, None


@audit.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Force the input format.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per device, per line.")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON Lines here."
)
@click.option(
    "--summary", "show_summary", is_flag=True, help="Print counts by maker, type and CVE."
)
@click.option(
    "--html", "html", type=click.Path(dir_okay=False, path_type=Path), help="Write a report."
)
@click.option("--load", "body", help="Attach the devices to this body (slug) as holdings.")
@click.option("--workers", type=click.IntRange(0), default=0, help="Processes (0: every core).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--strict", is_flag=True, help="Parse every line instead of pre-filtering.")
@click.option("--by-host", is_flag=True, help="Gather each host's records from every file first.")
@click.option(
    "--all-makers", is_flag=True, help="Report every maker identified, not only those of concern."
)
@click.option("--dask", "scheduler", help="Run on the Dask cluster at this scheduler address.")
def scan_command(files: tuple[Path, ...], **options: Any) -> None:
    """Audit FILES (nmap XML, masscan, zgrab2, Shodan, Censys, CSV/XLSX inventories, ARP
    tables, DHCP leases, ONVIF replies; gzip or not; the format is detected)."""
    from camwatch.netaudit import session

    write, stream = _writer(options["as_json"], options["output"])
    try:
        result = session.run_audit(list(files), write=write, **_session_options(options))
    except AuditInputError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if stream is not None:
            stream.close()
    _finish(result, options)


def _session_options(options: dict[str, Any]) -> dict[str, Any]:
    keep = ("fmt", "workers", "min_confidence", "strict", "by_host", "all_makers", "scheduler")
    collect = bool(options["html"] or options["body"])
    return {**{key: options[key] for key in keep}, "collect": collect}


def _finish(result: Any, options: dict[str, Any]) -> None:
    from camwatch.netaudit import session

    err = options["as_json"] and options["output"] is None
    for problem in result.report.examples[:20]:
        click.echo(f"bad record: {problem}", err=True)
    if options["html"]:
        session.write_html(result, options["html"])
        click.echo(f"wrote {options['html']}", err=err)
    if options["body"]:
        _load(result, options["body"], err)
    if options["show_summary"] or not (options["as_json"] or options["output"]):
        click.echo(session.summary_text(result), err=err)


def _load(result: Any, body: str, err: bool) -> None:
    from camwatch.runtime import setup_django

    setup_django()
    from camwatch.netaudit.loading import LoadError, load_devices

    try:
        loaded = load_devices(body, result.devices, result.paths)
    except LoadError as error:
        raise click.ClickException(str(error)) from error
    click.echo(loaded.describe(), err=err)


@audit.command("probe")
@click.argument("targets", nargs=-1, required=True)
@click.option("--authorised", is_flag=True, help="Confirm you may assess these hosts.")
@click.option("--timeout", type=click.FloatRange(0.1, 120), default=5.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per device, per line.")
def probe_command(
    targets: tuple[str, ...], authorised: bool, timeout: float, as_json: bool
) -> None:
    """Fetch HTTP(S) and RTSP banners from HOST[:PORT]... read-only (no credentials, no
    exploits) and identify the devices. Only for hosts you are authorised to assess."""
    if not authorised:
        raise click.UsageError(
            "probing is for networks you are authorised to assess: add --authorised to confirm"
        )
    from camwatch.netaudit import session

    try:
        lines = session.probe_and_identify(list(targets), timeout=timeout)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="TARGETS") from error
    for kind, payload in lines:
        if kind == "device":
            click.echo(json.dumps(payload) if as_json else session.device_line(payload))
        else:
            click.echo(f"{kind}: {payload}", err=True)


@audit.command("update-kev")
@click.argument("feed", type=_FILE)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to keep it.")
def update_kev_command(feed: Path, output: Path | None) -> None:
    """Refresh the CISA Known Exploited Vulnerabilities catalogue from a downloaded
    known_exploited_vulnerabilities.json (https://www.cisa.gov/known-exploited-vulnerabilities-catalog)."""
    from camwatch.netaudit import session

    try:
        click.echo(session.update_kev(feed, output))
    except ValueError as error:
        raise click.ClickException(str(error)) from error


@audit.command("rules")
@click.option("--check", is_flag=True, help="Run every rule's examples and counter-examples.")
@click.option("--json", "as_json", is_flag=True, help="List the rules as JSON.")
def rules_command(check: bool, as_json: bool) -> None:
    """List the fingerprint rules (and the MAC blocks derived from the IEEE registry)."""
    from camwatch.netaudit import session

    listing, problems = session.rules_listing(check)
    click.echo(json.dumps(listing, indent=2) if as_json else session.rules_text(listing))
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)

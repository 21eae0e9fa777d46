"""`camwatch sightings ...`: OpenStreetMap in and out, and the checks (signage, counts per
street, area or square, unknown operators); a thin layer over the app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from camwatch.runtime import setup_django


@click.group()
def sightings() -> None:
    """Cameras and signs seen in public space: OSM import and export, and the checks
    (signage, counts per place, unknown operators)."""


@sightings.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["osm", "pbf", "overpass"]),
    help="Force the format instead of detecting it from the content.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def import_command(file: Path, fmt: str | None, as_json: bool) -> None:
    """Import the cameras (man_made=surveillance) and surveillance warning signs of an OSM
    file: .osm XML, .osm.pbf or Overpass JSON."""
    setup_django()
    from camwatch.sightings.imports import import_osm
    from camwatch.sightings.osm import OsmError

    try:
        report = import_osm(file, fmt)
    except OsmError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    click.echo(
        f"{file.name}: {report.cameras_created} cameras and {report.signs_created} signs new, "
        f"{report.cameras_updated} cameras and {report.signs_updated} signs updated "
        f"(source {report.source})."
    )


@sightings.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["geojson", "osmchange", "csv"]), default="geojson",
    show_default=True,
)  # fmt: skip
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout")
@click.option("--pending", is_flag=True, help="Include sightings awaiting review.")
def export_command(fmt: str, output: Path | None, pending: bool) -> None:
    """Write the verified cameras (and signs, except in osmChange) as GeoJSON, CSV, or an
    osmChange file to upload to OpenStreetMap."""
    setup_django()
    from camwatch.sightings import exports

    statuses = exports.DEFAULT_STATUSES + (["pending"] if pending else [])
    writer = {
        "geojson": exports.write_geojson,
        "csv": exports.write_csv,
        "osmchange": exports.write_osmchange,
    }[fmt]
    if output is None:
        count = writer(sys.stdout, statuses)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = writer(out, statuses)
    click.echo(f"{count} object(s) written", err=True)


@sightings.command("signage")
@click.option(
    "--radius", type=click.FloatRange(min=1, max=10_000), default=50.0, show_default=True,
    help="Metres.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="One JSON object per camera.")
def signage_command(radius: float, as_json: bool) -> None:
    """For each camera, the nearest recorded sign within RADIUS metres, or "no sign
    recorded within RADIUS m" (a gap in the record, not a finding of a breach)."""
    setup_django()
    from camwatch.sightings.signage import check

    rows = check(radius)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row.as_dict()))
        else:
            click.echo(f"camera {row.sighting} ({row.latitude:.6f}, {row.longitude:.6f}): "
                       f"{row.finding}")  # fmt: skip
    unsigned = sum(row.distance_m is None for row in rows)
    click.echo(f"{unsigned} of {len(rows)} cameras: no sign recorded within {radius:g} m", err=True)


@sightings.command("counts")
@click.option(
    "--by", type=click.Choice(["street", "area", "square"]), default="street",
    show_default=True, help="A street or area as recorded, or a 1 km Ordnance Survey square.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="One JSON object per place.")
def counts_command(by: str, as_json: bool) -> None:
    """Verified cameras per street, area or grid square, with how many are of a vendor of
    concern: counts of what has been recorded, not of every camera there."""
    setup_django()
    from camwatch.sightings.checks import counts

    rows = counts(by)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row.as_dict()))
        else:
            where = f"{row.place}, {row.area}" if row.area else row.place
            click.echo(f"{row.cameras:>7}  {row.of_concern:>7} of concern  {where}")
    click.echo(f"{len(rows)} place(s), {sum(r.cameras for r in rows)} camera(s)", err=True)


@sightings.command("unknown-operator")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per camera.")
def unknown_operator_command(as_json: bool) -> None:
    """Verified cameras whose operator nobody has recorded (no body and no name)."""
    setup_django()
    from camwatch.sightings.checks import unknown_operator, unknown_operator_row

    found = 0
    for item in unknown_operator().iterator(chunk_size=2000):
        row = unknown_operator_row(item)
        found += 1
        if as_json:
            click.echo(json.dumps(row))
        else:
            where = ", ".join(p for p in (row["street"], row["area"]) if p)
            click.echo(f"camera {row['id']} ({row['latitude']:.6f}, {row['longitude']:.6f})"
                       f"{': ' + where if where else ''}")  # fmt: skip
    click.echo(f"{found} camera(s) with no operator recorded", err=True)

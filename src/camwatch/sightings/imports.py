"""`camwatch sightings import`: OSM cameras and signs into the database, in one transaction,
keyed by OSM node id so that importing the same or a newer extract again updates rather
than duplicates. The import is cited as a Source with its SHA-256 and ODbL attribution."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from camwatch.coding.lexicon import lexicon
from camwatch.registry.models import PublicBody, Source, SourceKind, Vendor
from camwatch.registry.models.sources import file_sha256
from camwatch.sightings import osm
from camwatch.sightings.models import Sighting, Sign, Status

BATCH = 2000
ODBL = "Open Database Licence 1.0 (ODbL)"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass
class ImportReport:
    cameras_created: int = 0
    cameras_updated: int = 0
    signs_created: int = 0
    signs_updated: int = 0
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def import_osm(path: Path, fmt: str | None = None) -> ImportReport:
    """Read the whole file first (an unreadable file changes nothing), then write it in
    one transaction. A node listed twice counts once (its last, as osmium would)."""
    nodes = list({node.id: node for node in osm.read_nodes(path, fmt)}.values())
    with path.open("rb") as handle:
        digest = file_sha256(File(handle))  # the same chunked digest a Source's file gets
    with transaction.atomic():
        source = _source(path, digest)
        report = ImportReport(source=source.key)
        resolver = _Resolver()
        cameras = [n for n in nodes if n.is_camera]
        signs = [n for n in nodes if n.is_sign and not n.is_camera]
        made, changed = _upsert(Sighting, cameras, lambda n: resolver.camera(n, source))
        report.cameras_created, report.cameras_updated = made, changed
        made, changed = _upsert(Sign, signs, lambda n: _sign(n, source))
        report.signs_created, report.signs_updated = made, changed
    return report


def _source(path: Path, digest: str) -> Source:
    source, _ = Source.all_objects.get_or_create(
        key=f"osm-{digest[:16]}",
        defaults={
            "kind": SourceKind.DATASET,
            "title": f"OpenStreetMap data: {path.name}",
            "publisher": "OpenStreetMap",
            "url": "https://www.openstreetmap.org/",
            "licence": ODBL,
            "attribution": OSM_ATTRIBUTION,
            "sha256": digest,
            "retrieved": timezone.localdate(),
        },
    )
    return source


class _Resolver:
    """Vendor and operator resolution, cached: extracts repeat the same few names."""

    def __init__(self) -> None:
        self.words = lexicon()
        self.vendors = {v.slug: v for v in Vendor.objects.all()}
        self.bodies = {b.name.lower(): b for b in PublicBody.objects.only("pk", "name")}

    def camera(self, node: osm.Node, source: Source) -> dict[str, Any]:
        fields = osm.read_fields(node.tags)
        named = fields.brand or fields.manufacturer
        slug = self.words.vendor_of(named) if named else None
        return {
            **_common(node, source),
            "camera_type": fields.camera_type,
            "mount": fields.mount,
            "direction_deg": fields.direction_deg,
            "direction_text": fields.direction_text,
            "height_m": fields.height_m,
            "vendor": self.vendors.get(slug) if slug else None,
            "manufacturer_as_seen": fields.manufacturer,
            "brand_as_seen": fields.brand,
            "model_as_seen": fields.model,
            "operator_name": fields.operator,
            "street": fields.street,
            "area": fields.area,
            "operator_body": self.bodies.get(fields.operator.lower()) if fields.operator else None,
        }


def _common(node: osm.Node, source: Source) -> dict[str, Any]:
    return {
        "latitude": node.lat,
        "longitude": node.lon,
        "osm_id": node.id,
        "osm_version": node.version,
        "tags": node.tags,
        "source": source,
    }


def _sign(node: osm.Node, source: Source) -> dict[str, Any]:
    text = "; ".join(v for k, v in sorted(node.tags.items()) if "traffic_sign" in k)
    return {**_common(node, source), "text": text}


def _newer(node: osm.Node, item: Any) -> bool:
    """Only a newer version of a node replaces what is stored: an older extract imported
    after a newer one changes nothing. Without versions, the file is taken as current."""
    if node.version is None or item.osm_version is None:
        return True
    return bool(node.version > item.osm_version)


def _upsert(model: Any, nodes: list[osm.Node], values: Any) -> tuple[int, int]:
    ids = [node.id for node in nodes]
    existing = {}
    for start in range(0, len(ids), BATCH):
        chunk = model.objects.filter(osm_id__in=ids[start : start + BATCH])
        existing.update({item.osm_id: item for item in chunk})
    new, changed = [], []
    for node in nodes:
        fields = values(node)
        item = existing.get(node.id)
        if item is None:
            # New objects from a dataset the operator chose to import are verified.
            new.append(model(**fields, status=Status.VERIFIED))
        elif _newer(node, item):
            # A review decision (verified or rejected) is kept: only OSM's data changes.
            for name, value in fields.items():
                setattr(item, name, value)
            changed.append(item)
    bulk_create_with_history(new, model, batch_size=BATCH)
    if changed:
        names = [f for f in values(nodes[0]) if f != "osm_id"]
        bulk_update_with_history(changed, model, names, batch_size=BATCH)
    return len(new), len(changed)

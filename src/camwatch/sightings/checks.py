"""Where the cameras are, counted: per street and per area as recorded, per Ordnance Survey
grid square, and the cameras whose operator nobody has recorded. Each count says how many
are of a vendor of concern. Counts are of sightings recorded, not of every camera there is:
a street nobody has surveyed counts nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q

from camwatch.sightings import mapindex
from camwatch.sightings.exports import public_row
from camwatch.sightings.models import Sighting, Status
from camwatch.sightings.spatial import (
    BNG,
    count_cells,
    grid_cells,
    os_grid_reference,
    projection_for,
)

LIVE = [Status.VERIFIED]
NOT_RECORDED = "(not recorded)"
GROUPINGS = ("street", "area", "square")


@dataclass(frozen=True)
class CountRow:
    place: str
    area: str
    cameras: int
    of_concern: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _live(statuses: list[str] | None) -> Any:
    return Sighting.objects.filter(status__in=statuses or LIVE)


def _concern_q() -> Q:
    return Q(vendor_id__in=sorted(mapindex.concern_vendor_ids()))


def _grouped(fields: list[str], statuses: list[str] | None) -> list[dict[str, Any]]:
    return list(
        _live(statuses)
        .values(*fields)
        .annotate(cameras=Count("pk"), of_concern=Count("pk", filter=_concern_q()))
        .order_by("-cameras", *fields)
    )


def per_street(statuses: list[str] | None = None) -> list[CountRow]:
    """Cameras per street (within its recorded area), most first."""
    return [
        CountRow(
            row["street"] or NOT_RECORDED,
            row["area"] or NOT_RECORDED,
            row["cameras"],
            row["of_concern"],
        )
        for row in _grouped(["street", "area"], statuses)
    ]


def per_area(statuses: list[str] | None = None) -> list[CountRow]:
    """Cameras per recorded area (town, district or neighbourhood), most first."""
    return [
        CountRow(row["area"] or NOT_RECORDED, "", row["cameras"], row["of_concern"])
        for row in _grouped(["area"], statuses)
    ]


def per_square(cell_m: int = 1000, statuses: list[str] | None = None) -> list[CountRow]:
    """Cameras per grid square of `cell_m` metres: Ordnance Survey squares ("TL4458") in
    Great Britain, otherwise squares of a local projection named by their indices."""
    points = list(_live(statuses).values_list("longitude", "latitude", "vendor_id"))
    if not points:
        return []
    lon, lat, vendors = (list(column) for column in zip(*points, strict=True))
    crs = projection_for(lon, lat)
    cells = grid_cells(lon, lat, cell_m, crs=crs)  # projected once, counted twice
    concern = mapindex.concern_vendor_ids()
    chosen = np.array([vendor in concern for vendor in vendors], dtype=bool)
    everything = count_cells(cells)
    of_concern = Counter(count_cells(cells[chosen]))
    rows = [
        CountRow(_square_name(key, cell_m, crs), "", count, of_concern[key])
        for key, count in everything.items()
    ]
    return sorted(rows, key=lambda row: (-row.cameras, row.place))


def _square_name(key: tuple[int, int], cell_m: int, crs: str) -> str:
    named = os_grid_reference(*key, cell_m) if crs == BNG else None
    return named or f"{cell_m:g} m square {key[0]},{key[1]}"


def counts(by: str, statuses: list[str] | None = None) -> list[CountRow]:
    if by not in GROUPINGS:
        raise ValueError(f"count by one of {', '.join(GROUPINGS)}, not {by!r}")
    chosen = {"street": per_street, "area": per_area, "square": per_square}[by]
    return chosen(statuses=statuses)


def unknown_operator(statuses: list[str] | None = None) -> Any:
    """Cameras with no operator recorded: neither a body nor a name."""
    return (
        _live(statuses)
        .filter(operator_body__isnull=True, operator_name="")
        .select_related("vendor", "source")
        .order_by("pk")
    )


UNKNOWN_OPERATOR_FIELDS = (
    "id", "latitude", "longitude", "street", "area", "camera_type", "vendor", "source",
)  # fmt: skip


def unknown_operator_row(item: Sighting) -> dict[str, Any]:
    """The exports' public fields of the camera, those that say where and what it is."""
    row = public_row(item)
    return {name: row[name] for name in UNKNOWN_OPERATOR_FIELDS}

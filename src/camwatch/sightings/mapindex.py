"""The map's cluster index (clusters.py) fed from the database, one per process.

It is rebuilt when the sightings change: every write goes through django-simple-history
(saves, and the imports' bulk_*_with_history), so the newest history id is a revision
number that costs one indexed lookup. It is looked up at most once every
CAMWATCH_MAP_REFRESH_SECONDS per process: during a burst of contributions each worker
merges the new sightings in once per interval, not once per request, and the map is at
most that many seconds behind. Each filter's subset is kept (within a budget of points),
so a visitor panning with the same filters pays only the binary searches.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max

from camwatch.registry.models import PublicBody, Vendor
from camwatch.registry.verdicts import ConcernIndex
from camwatch.sightings.clusters import Cluster, PointIndex
from camwatch.sightings.models import CameraType, Sighting, Status

TYPES = list(CameraType.values)
STATUSES = [Status.VERIFIED, Status.PENDING]
UNKNOWN_OPERATOR = -1  # neither a linked body nor a name
NAMED_OPERATOR = -2  # a name that is not linked to a body


class MapFilterError(ValueError):
    """A filter value the map does not know (the message names the parameter)."""


@dataclass(frozen=True)
class MapFilter:
    """What the map shows: by default verified sightings of every kind."""

    vendor: str = ""
    operator: str = ""
    camera_type: str = ""
    concern: bool = False
    include_pending: bool = False

    def mask(self, index: LoadedIndex) -> np.ndarray | None:
        cols = index.points.columns
        parts = [] if self.include_pending else [cols["status"] == 0]
        if self.vendor:
            parts.append(cols["vendor"] == index.code("vendor", self.vendor))
        if self.operator == "unknown":
            parts.append(cols["operator"] == UNKNOWN_OPERATOR)
        elif self.operator:
            parts.append(cols["operator"] == index.code("operator", self.operator))
        if self.camera_type:
            if self.camera_type not in TYPES:
                raise MapFilterError(f"camera_type must be one of {', '.join(TYPES)}")
            parts.append(cols["type"] == TYPES.index(self.camera_type))
        if self.concern:
            parts.append(index.points.concern)
        if not parts:
            return None
        mask = parts[0]
        for part in parts[1:]:
            mask = mask & part
        return mask


PUBLIC = MapFilter()
# More sightings written than this since the index was made, and it is built afresh.
MAX_INCREMENTAL = 20_000
REVISION_WINDOW = 1_000


@dataclass
class LoadedIndex:
    revision: int | None
    points: PointIndex
    codes: dict[str, dict[str, int]]
    #: The revision of the last full build (the rest were merged in since).
    built: int | None = None
    views: OrderedDict[MapFilter, PointIndex] = field(default_factory=OrderedDict)
    present_ids: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.view(PUBLIC)  # what almost every request asks for, made before the first

    def code(self, kind: str, slug: str) -> int:
        if slug not in self.codes[kind]:
            raise MapFilterError(f"{kind} {slug!r} is not known")
        return self.codes[kind][slug]

    def present(self, kind: str) -> list[int]:
        """The vendor or body ids that some sighting in the index has."""
        if kind not in self.present_ids:
            values = np.unique(self.points.columns[kind])
            self.present_ids[kind] = [int(v) for v in values if v > 0]
        return self.present_ids[kind]

    def view(self, wanted: MapFilter) -> PointIndex:
        """The sightings the filter selects, as an index of their own. Views are kept,
        least recently used dropped first, while they hold at most
        CAMWATCH_MAP_CACHED_POINTS points in all (the public view is always kept)."""
        if wanted in self.views:
            self.views.move_to_end(wanted)
            return self.views[wanted]
        mask = wanted.mask(self)
        found = self.points if mask is None else self.points.subset(mask)
        self.views[wanted] = found
        budget = settings.CAMWATCH_MAP_CACHED_POINTS
        while sum(len(v) for v in self.views.values()) > budget and len(self.views) > 1:
            oldest = next(k for k in self.views if k != PUBLIC)
            if oldest == wanted:
                break
            del self.views[oldest]
        return found


_lock = threading.Lock()
_loaded: LoadedIndex | None = None
_checked = -float("inf")  # when this process last read the revision (time.monotonic)
clock = time.monotonic  # a module attribute, so that tests can move time on


def revision() -> int | None:
    latest: int | None = Sighting.history.aggregate(latest=Max("history_id"))["latest"]
    return latest


def current() -> LoadedIndex:
    """The index for the sightings as they are now. After a few writes only the sightings
    written are read again and merged in; after many, or the first time, it is built."""
    global _loaded, _checked
    loaded, interval = _loaded, settings.CAMWATCH_MAP_REFRESH_SECONDS
    if loaded is not None and interval and clock() - _checked < interval:
        return loaded
    now = revision()
    with _lock:
        if _loaded is None:
            _loaded = build(now)
        elif _loaded.revision != now:
            _loaded = _updated(_loaded) or build(now)
        _checked = clock()
        return _loaded


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Reads that see one state of the database. Without it, a contribution committed
    between reading what changed and counting the sightings makes the count disagree, and
    the index is built afresh (seconds at a million sightings) instead of merged: under a
    burst of contributions, nearly every time. PostgreSQL's READ COMMITTED gives each
    statement its own snapshot, so the reads go in one REPEATABLE READ transaction; SQLite
    and a transaction already open keep to one view as they are."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _updated(loaded: LoadedIndex) -> LoadedIndex | None:
    """The index with the sightings written since its revision read again, or None when
    so many were written that building afresh is as quick. The revision is read again
    inside the snapshot, so that it matches the rows read."""
    with _one_snapshot():
        return _merged(loaded, revision())


def _merged(loaded: LoadedIndex, now: int | None) -> LoadedIndex | None:
    if now is None or loaded.revision is None or now < loaded.revision:
        return None
    # History ids are given out when written but seen when committed, so a transaction
    # that began earlier can commit a lower id after a later one was merged: the last
    # REVISION_WINDOW ids are merged again each time (merging is idempotent).
    since = max(0, loaded.revision - REVISION_WINDOW)
    written = Sighting.history.filter(history_id__gt=since, history_id__lte=now)
    ids = list(written.values_list("id", flat=True).distinct()[: MAX_INCREMENTAL + 1])
    if len(ids) > MAX_INCREMENTAL:
        return None
    added = _points(_read_rows(ids))
    points = loaded.points.replaced(ids, added)
    # Rows can go without leaving history (a restore, raw SQL, a test's rollback): then
    # the count no longer agrees, and only building afresh is right.
    if Sighting.objects.filter(status__in=STATUSES).count() != len(points):
        return None
    return LoadedIndex(now, points, loaded.codes, built=loaded.built)


def concern_vendor_ids() -> set[int]:
    """The vendors of concern today under the site's policy, by primary key."""
    try:
        concern = ConcernIndex.for_site()
    except ImproperlyConfigured:
        return set()  # no policy loaded yet: no verdicts, so nothing is marked of concern
    ids = dict(Vendor.objects.values_list("slug", "pk"))
    return {ids[slug] for slug in ids if concern.verdict(slug).of_concern}


def _read_rows(ids: list[int] | None = None) -> np.ndarray:
    """Every live sighting as numbers, one row each: id, longitude, latitude, vendor id
    (0 for none), operator (body id, or NAMED_OPERATOR / UNKNOWN_OPERATOR), type code and
    status code; only the sightings with the given ids, if given. Read with one SQL
    statement, coded in SQL: at a million rows, building model tuples and coding them in
    Python costs seconds."""
    table = connection.ops.quote_name(Sighting._meta.db_table)
    types = " ".join(f"WHEN %s THEN {i}" for i in range(len(TYPES)))
    # Only the table name and integer constants are formatted in; every value is a parameter.
    sql = (
        f"SELECT id, longitude, latitude, COALESCE(vendor_id, 0), "  # noqa: S608
        f"COALESCE(operator_body_id, CASE WHEN operator_name = '' THEN {UNKNOWN_OPERATOR} "
        f"ELSE {NAMED_OPERATOR} END), CASE camera_type {types} ELSE 0 END, "
        f"CASE WHEN status = %s THEN 0 ELSE 1 END FROM {table} WHERE status IN (%s, %s)"
    )
    params: list[Any] = [str(v) for v in (*TYPES, STATUSES[0], *STATUSES)]
    if ids is not None:
        sql += f" AND id IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.float64).reshape(-1, 7)


def build(rev: int | None) -> LoadedIndex:
    # A million row tuples would set off the garbage collector over and over for nothing:
    # they hold no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = _read_rows()
    finally:
        if collecting:
            gc.enable()
    codes = {
        "vendor": dict(Vendor.objects.values_list("slug", "pk")),
        "operator": dict(PublicBody.objects.values_list("slug", "pk")),
    }
    return LoadedIndex(rev, _points(rows), codes, built=rev)


def _points(rows: np.ndarray) -> PointIndex:
    vendor = rows[:, 3].astype(np.int64)
    columns = {
        "vendor": vendor,
        "operator": rows[:, 4].astype(np.int64),
        "type": rows[:, 5].astype(np.int8),
        "status": rows[:, 6].astype(np.int8),
    }
    concern = np.isin(vendor, np.array(sorted(concern_vendor_ids()), dtype=np.int64))
    return PointIndex.build(rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2], concern, columns)


def clusters(
    bbox: tuple[float, float, float, float], zoom: int, wanted: MapFilter
) -> tuple[list[Cluster], int]:
    """The clusters in view, and how many sightings the filter admits in all."""
    view = current().view(wanted)
    expand = settings.CAMWATCH_MAP_EXPAND_UP_TO if zoom >= settings.CAMWATCH_MAP_EXPAND_ZOOM else 1
    found = view.clusters(bbox, zoom, expand, settings.CAMWATCH_MAP_MAX_CELLS)
    return found, len(view)


def geojson(found: list[Cluster], total: int, zoom: int) -> dict[str, Any]:
    features = [cluster.feature() for cluster in found]
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "total": total,
        "in_view": sum(cluster.count for cluster in found),
        "features": features,
    }

"""The map at national scale: /api/v1/sightings/clusters with 1,000,000 sightings loaded.

The sightings are synthetic but shaped like the real thing: about 2,000 towns spread over
Great Britain (and the sea around it), each a gaussian blob of cameras, big towns more
often than small ones. The endpoint is then timed three ways, each against a baseline
measured in the same run:

- a mixed pan/zoom workload of map views (zoom 5-17, 1280x800 px, some filtered), p95
  against the issue's target of 50 ms; the baseline is the naive server-side answer, a
  SQL GROUP BY on the same 64 px cells;
- the UK-wide view every visitor lands on (zoom 6), median;
- building the index (paid once per process and after each write), against just reading
  the same rows from the database.

benchmarks/scale.py loads the sightings after the synthetic registry and runs these after
the findings benchmarks; tests/test_bench_map.py runs them small.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Floor
from django.test import Client, override_settings

from benchmarks import bulk
from benchmarks.harness import Result, compare, median_seconds
from camwatch.registry.models import PublicBody, Vendor
from camwatch.sightings import mapindex
from camwatch.sightings.clusters import CELL_SHIFT
from camwatch.sightings.models import CameraType, Sighting, Status

CLUSTERS = "/api/v1/sightings/clusters"
TARGET_MS = 50.0
#: Where the town centres fall: west, south, east, north.
TOWN_BOUNDS = (-5.5, 50.2, 1.7, 57.5)
TOWNS = 2_000
#: The map page's opening view (assets/js/map.js) and a zoom that shows it on a big screen.
UK_VIEW = "-8.7,49.8,1.8,60.9"
UK_ZOOM = 6
REQUESTS = 300
BASELINE_REQUESTS = 30
SCREEN = (1280, 800)  # px
PAD = 0.15  # the margin map.js asks for on every side
TILE = 256  # px
ZOOMS = (5, 17)
FILTER_VENDORS = ("hikvision", "dahua", "axis")
VENDOR_SHARES = {"hikvision": 0.35, "dahua": 0.15}
NO_VENDOR = 0.15
NO_OPERATOR = 0.40
VERIFIED = 0.95


def towns(seed: int = 1) -> np.ndarray:
    """The town centres as rows of (longitude, latitude): the same for the same seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    west, south, east, north = TOWN_BOUNDS
    return np.column_stack(
        [rng.uniform(west, east, TOWNS), rng.uniform(south, north, TOWNS)]
    ).round(6)


def _vendor_choices(rng: np.random.Generator, total: int) -> list[int | None]:
    """About 35% Hikvision, 15% Dahua, 15% unknown and the rest spread over the others."""
    slugs = dict(Vendor.objects.values_list("pk", "slug"))
    named = {slug: pk for pk, slug in slugs.items()}
    chosen = [named[slug] for slug in VENDOR_SHARES if slug in named]
    shares = [VENDOR_SHARES[slug] for slug in VENDOR_SHARES if slug in named]
    rest = sorted(pk for pk in slugs if pk not in chosen)
    spread = (1.0 - NO_VENDOR - sum(shares)) / len(rest) if rest else 0.0
    options = np.array([*chosen, *rest, 0], dtype=np.int64)
    weights = np.array([*shares, *([spread] * len(rest)), NO_VENDOR])
    picked = rng.choice(options, total, p=weights / weights.sum())
    return [int(v) or None for v in picked]


def _operators(rng: np.random.Generator, total: int) -> list[int | None]:
    """40% with no operator known, the rest a public body (any of them, evenly)."""
    bodies = np.array(sorted(PublicBody.objects.values_list("pk", flat=True)), dtype=np.int64)
    if not len(bodies):
        return [None] * total
    picked = bodies[rng.integers(0, len(bodies), total)]
    unknown = rng.random(total) < NO_OPERATOR
    return [None if u else int(b) for b, u in zip(picked, unknown, strict=True)]


def generate_sightings(total: int = 1_000_000, seed: int = 1) -> int:
    """Insert `total` sightings around the towns (raw inserts, no history rows, so the map
    index's revision does not move: callers reset mapindex._loaded). Returns how many."""
    centres = towns(seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    size = rng.pareto(1.2, TOWNS) + 1.0  # a few cities, many small towns
    sigma = rng.uniform(0.01, 0.03, TOWNS)
    town = rng.choice(TOWNS, total, p=size / size.sum())
    lat = centres[town, 1] + rng.normal(0.0, 1.0, total) * sigma[town]
    # The same spread on the ground east-west as north-south.
    stretch = 1.0 / np.cos(np.radians(centres[town, 1]))
    lon = centres[town, 0] + rng.normal(0.0, 1.0, total) * sigma[town] * stretch
    types = np.array(CameraType.values)[rng.integers(0, len(CameraType.values), total)]
    verified = rng.random(total) < VERIFIED
    streets = rng.integers(1, 200, total)
    vendors = _vendor_choices(rng, total)
    operators = _operators(rng, total)
    columns = ("id", "latitude", "longitude", "status", "vendor_id", "operator_body_id")
    columns += ("operator_name", "camera_type", "street", "area")
    first = bulk.next_id(Sighting)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i, (y, x, ok, vendor, body, kind, street, place) in enumerate(
            zip(lat.round(6).tolist(), lon.round(6).tolist(), verified.tolist(), vendors,
                operators, types.tolist(), streets.tolist(), town.tolist(), strict=True)
        ):  # fmt: skip
            status = Status.VERIFIED if ok else Status.PENDING
            yield (first + i, y, x, str(status), vendor, body, "", kind, f"Street {street}",
                   f"Town {place}")  # fmt: skip

    with transaction.atomic():
        written = bulk.insert(Sighting, columns, rows())
        bulk.reset_sequences(Sighting)
    return written


def mercator_y(lat: float) -> float:
    """Latitude to Web Mercator y on the unit square (0 at the top), as clusters.py has it."""
    sin = math.sin(math.radians(lat))
    return 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)


def latitude(y: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


def viewport(lon: float, lat: float, zoom: int) -> str:
    """The bbox map.js sends for a SCREEN-sized view centred here: the view's bounds, padded
    by PAD of its span on every side and clamped, six decimals."""
    world = TILE * 2**zoom  # px around the world at this zoom
    half_x, half_y = SCREEN[0] / 2 / world, SCREEN[1] / 2 / world
    x, y = (lon + 180.0) / 360.0, mercator_y(lat)
    west, east = (x - half_x) * 360.0 - 180.0, (x + half_x) * 360.0 - 180.0
    north, south = latitude(max(0.0, y - half_y)), latitude(min(1.0, y + half_y))
    pad_x, pad_y = (east - west) * PAD, (north - south) * PAD
    bounds = (max(-180.0, west - pad_x), max(-85.0, south - pad_y))
    bounds += (min(180.0, east + pad_x), min(85.0, north + pad_y))
    return ",".join(f"{value:.6f}" for value in bounds)


def workload(count: int, seed: int = 1) -> list[dict[str, str]]:
    """`count` map views: a zoom from 5 to 17 around a town (jittered), 70% unfiltered and
    10% each filtered by a vendor, by concern and by camera type."""
    rng = random.Random(seed)
    centres = towns(seed).tolist()
    requests = []
    for _ in range(count):
        zoom = rng.randint(*ZOOMS)
        lon, lat = rng.choice(centres)
        span = SCREEN[0] / (TILE * 2**zoom) * 360.0  # the view's width in degrees
        jitter = min(span / 4, 1.0)
        lon += rng.uniform(-jitter, jitter)
        lat += rng.uniform(-jitter, jitter) * SCREEN[1] / SCREEN[0]
        params = {"bbox": viewport(lon, lat, zoom), "zoom": str(zoom)}
        roll = rng.random()
        if roll < 0.1:
            params["vendor"] = rng.choice(FILTER_VENDORS)
        elif roll < 0.2:
            params["concern"] = "true"
        elif roll < 0.3:
            params["camera_type"] = rng.choice(CameraType.values)
        requests.append(params)
    return requests


def _get(client: Client, params: dict[str, str]) -> Any:
    response = client.get(CLUSTERS, params)
    assert response.status_code == 200, (params, response.content[:300])
    return response


def naive_clusters(params: dict[str, str], concern_ids: set[int]) -> list[dict[str, Any]]:
    """The baseline: the same cells counted by the database on every request. Cells are
    64 px wide in longitude degrees at the zoom, and as tall in latitude degrees (scaled
    by the view's mid-latitude), not in Mercator rows: close enough to cost the same."""
    west, south, east, north = (float(v) for v in params["bbox"].split(","))
    width = 360.0 / (1 << (int(params["zoom"]) + CELL_SHIFT))
    height = width * math.cos(math.radians((south + north) / 2))
    found = Sighting.objects.filter(
        status=Status.VERIFIED, longitude__range=(west, east), latitude__range=(south, north)
    )
    if "vendor" in params:
        found = found.filter(vendor__slug=params["vendor"])
    if "camera_type" in params:
        found = found.filter(camera_type=params["camera_type"])
    if params.get("concern") == "true":
        found = found.filter(vendor_id__in=concern_ids)
    cells = (
        found.order_by()
        .annotate(
            cx=Floor((F("longitude") - west) / width), cy=Floor((F("latitude") - south) / height)
        )
        .values("cx", "cy")
        .annotate(
            n=Count("pk"),
            lon=Avg("longitude"),
            lat=Avg("latitude"),
            concern=Count("pk", filter=Q(vendor_id__in=concern_ids)),
        )
    )
    return list(cells)


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds."""
    cuts = statistics.quantiles([s * 1000.0 for s in seconds], n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def _timed(work: Any, items: list[dict[str, str]]) -> list[float]:
    timings = []
    for item in items:
        start = time.perf_counter()
        work(item)
        timings.append(time.perf_counter() - start)
    return timings


def _read_rows() -> object:
    rows = Sighting.objects.filter(status__in=mapindex.STATUSES).values_list(
        "pk", "longitude", "latitude", "vendor_id", "operator_body_id", "operator_name",
        "camera_type", "status",
    )  # fmt: skip
    return list(rows)


def _label(count: int) -> str:
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    return f"{count:,}"


def measure(runs: int, database: str, requests: int = REQUESTS, seed: int = 1) -> list[Result]:
    """The map benchmarks against the sightings already in the database."""
    mapindex._loaded = None  # an index left from another database or before the load
    client = Client()
    label = _label(Sighting.objects.count())
    concern_ids = mapindex.concern_vendor_ids()
    uk = {"bbox": UK_VIEW, "zoom": str(UK_ZOOM)}
    started = time.perf_counter()
    _get(client, uk)  # the first request builds the index
    first = time.perf_counter() - started

    views = workload(requests, seed)
    filters = {
        tuple(sorted(item for item in view.items() if item[0] not in ("bbox", "zoom")))
        for view in views
    } - {()}
    timings = _timed(lambda view: _get(client, view), views)
    p50, p95, p99 = percentiles(timings)
    naive = views[:BASELINE_REQUESTS]
    naive_clusters(naive[0], concern_ids)  # the same warm-up the endpoint had
    base = percentiles(_timed(lambda view: naive_clusters(view, concern_ids), naive))[1]
    mixed = Result(
        f"map clusters endpoint, p95 over a mixed pan/zoom workload ({label} sightings)",
        "ms",
        round(p95, 3),
        "SQL GROUP BY on the same 64 px cells (p95, the query alone)",
        round(base, 3),
        len(timings),
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(timings)} requests through Django's "
        f"test client: zoom {ZOOMS[0]}-{ZOOMS[1]}, {SCREEN[0]}x{SCREEN[1]} px views padded "
        f"{PAD:.0%} around towns, 70% unfiltered, 10% each by vendor, concern and camera "
        f"type ({len(filters)} distinct filters, each made into a subset once); "
        f"baseline over the first {len(naive)} requests, cells in latitude degrees rather "
        "than Mercator rows, no JSON",
        database,
        TARGET_MS,
    )

    landing_runs = max(3, runs // 3)
    landing = Result(
        f"map clusters endpoint, UK-wide view at zoom {UK_ZOOM} ({label} sightings)",
        "ms",
        round(median_seconds(lambda: _get(client, uk), runs) * 1000.0, 3),
        "SQL GROUP BY on the same 64 px cells (the query alone)",
        round(median_seconds(lambda: naive_clusters(uk, concern_ids), landing_runs) * 1000, 3),
        runs,
        f"bbox {UK_VIEW}, the view the map opens on; baseline median of {landing_runs} runs",
        database,
        TARGET_MS,
    )

    build = compare(
        f"map index build from {label} rows",
        lambda: mapindex.build(None),
        "reading the same rows from the database into a list",
        _read_rows,
        runs=2,
        unit="s",
        database=database,
        warmup=0,
        note="paid once per process, and again after more than "
        f"{mapindex.MAX_INCREMENTAL:,} sightings are written at once (fewer are merged in); "
        f"the first request after start-up took {first:.2f} s",
    )
    return [mixed, landing, build, _merged_write(runs, database, label, build.value)]


def _merged_write(runs: int, database: str, label: str, build_seconds: float) -> Result:
    """A reviewer verifies a sighting: the next request merges that one sighting into the
    index instead of building it again. The refresh interval is set to 0 here, so that
    each request looks for the change (with the default, it would wait up to
    CAMWATCH_MAP_REFRESH_SECONDS and this would time nothing)."""
    with override_settings(CAMWATCH_MAP_REFRESH_SECONDS=0):
        timings = _merge_timings(runs)
    return Result(
        f"map index after one sighting is verified ({label} sightings)",
        "ms",
        round(statistics.median(timings) * 1000.0, 3),
        "building the index afresh (the result above)",
        round(build_seconds * 1000.0, 3),
        runs,
        "the sighting written is read again and merged into the sorted index, and the "
        "public view made again; median of the runs",
        database,
    )


def _merge_timings(runs: int) -> list[float]:
    sighting = Sighting.objects.order_by("pk").first()
    assert sighting is not None
    original = sighting.status
    timings = []
    for turn in range(runs + 1):
        sighting.status = "pending" if sighting.status == "verified" else "verified"
        sighting.save()  # a history row: the index's revision moves on
        started = time.perf_counter()
        mapindex.current()
        if turn:  # the first turn builds the index in full (it had no revision before)
            timings.append(time.perf_counter() - started)
    sighting.status = original
    sighting.save()
    return timings

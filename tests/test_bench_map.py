"""The map benchmark run small: its sightings load, its results are well formed, and the
endpoint's clusters over all of Great Britain count every verified sighting it made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from benchmarks.bench_map import CLUSTERS, TARGET_MS, generate_sightings, measure, viewport
from django.db import connection
from django.test import Client

from camwatch.sightings import mapindex
from camwatch.sightings.models import Sighting, Status

pytestmark = pytest.mark.django_db
TOTAL = 3_000


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    """The bulk inserts write no history, so the map index cannot see them by its revision;
    nor must an index of rows rolled back outlive the test."""
    mapindex._loaded = None
    yield
    mapindex._loaded = None


def test_map_benchmark_runs_small_and_counts_every_sighting() -> None:
    before = Sighting.objects.filter(status=Status.VERIFIED).count()
    assert generate_sightings(TOTAL) == TOTAL
    verified = Sighting.objects.filter(status=Status.VERIFIED).count() - before
    assert 0.9 * TOTAL < verified < TOTAL  # about 95% verified, the rest pending

    results = measure(runs=2, database=connection.vendor, requests=20)
    assert [r.name for r in results] == [
        "map clusters endpoint, p95 over a mixed pan/zoom workload (3,000 sightings)",
        "map clusters endpoint, UK-wide view at zoom 6 (3,000 sightings)",
        "map index build from 3,000 rows",
        "map index after one sighting is verified (3,000 sightings)",
    ]
    assert all(r.value > 0 and r.baseline_value > 0 for r in results)
    assert results[0].target == TARGET_MS
    assert results[0].runs == 20

    # Every generated sighting lies in this box; at zoom 5 the clusters hold them all.
    body = Client().get(CLUSTERS, {"bbox": "-12,48,6,62", "zoom": 5}).json()
    assert sum(f["properties"]["count"] for f in body["features"]) == before + verified
    assert body["in_view"] == body["total"] == before + verified


def test_viewport_is_the_padded_screen() -> None:
    west, south, east, north = (float(v) for v in viewport(0.0, 0.0, 5).split(","))
    # 1280 px at zoom 5 is 56.25 degrees of longitude, padded 15% on each side.
    assert east - west == pytest.approx(56.25 * 1.3, abs=1e-5)
    assert south == pytest.approx(-north, abs=1e-5)

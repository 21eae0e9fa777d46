"""The map's cluster engine against a brute-force count of the same cells."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.sightings.clusters import (
    CELL_SHIFT,
    ClusterQueryError,
    PointIndex,
    mercator,
    unmercator,
)

UK = (-8.7, 49.8, 1.8, 60.9)


def _points(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-6.0, 1.7, n)
    lat = rng.uniform(50.0, 58.6, n)
    return np.arange(1, n + 1), lon, lat, rng.random(n) < 0.3


def _brute(lon: np.ndarray, lat: np.ndarray, zoom: int, keep: np.ndarray) -> Counter:
    x, y = mercator(lon[keep], lat[keep])
    n = 1 << (zoom + CELL_SHIFT)
    return Counter(zip((x * n).astype(int).tolist(), (y * n).astype(int).tolist(), strict=True))


def _cell(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    x, y = mercator(np.array([lon]), np.array([lat]))
    n = 1 << (zoom + CELL_SHIFT)
    return int(x[0] * n), int(y[0] * n)


@pytest.mark.parametrize("zoom", [3, 6, 9])
def test_counts_match_a_brute_force_count_of_every_cell(zoom: int) -> None:
    ids, lon, lat, concern = _points(20_000)
    index = PointIndex.build(ids, lon, lat, concern)
    found = index.clusters(UK, zoom)
    assert sum(c.count for c in found) == len(ids)
    expected = _brute(lon, lat, zoom, np.ones(len(ids), dtype=bool))
    got = Counter()
    for cluster in found:
        # A cluster's centroid lies in its own cell, so it names the cell.
        got[_cell(cluster.longitude, cluster.latitude, zoom)] += cluster.count
    assert got == expected
    assert sum(c.concern for c in found) == int(concern.sum())


def test_a_subset_filters_counts_concern_and_centroids() -> None:
    ids, lon, lat, concern = _points(5_000, seed=3)
    vendor = np.arange(len(ids)) % 4
    index = PointIndex.build(ids, lon, lat, concern, {"vendor": vendor})
    chosen_only = index.subset(index.columns["vendor"] == 2)
    assert len(chosen_only) == int((vendor == 2).sum())
    assert chosen_only.columns == {}
    assert np.all(np.diff(chosen_only.codes.astype(np.float64)) >= 0)  # still in order
    found = chosen_only.clusters(UK, 2)
    assert sum(c.count for c in found) == int((vendor == 2).sum())
    assert sum(c.concern for c in found) == int((concern & (vendor == 2)).sum())
    biggest = max(found, key=lambda c: c.count)
    # The centroid is the Mercator mean of its members (checked through the brute force).
    home = _cell(biggest.longitude, biggest.latitude, 2)
    chosen = (vendor == 2) & np.array(
        [_cell(a, b, 2) == home for a, b in zip(lon, lat, strict=True)]
    )
    x, y = mercator(lon[chosen], lat[chosen])
    mean_lon, mean_lat = unmercator(np.array([x.mean()]), np.array([y.mean()]))
    assert biggest.longitude == pytest.approx(mean_lon[0], abs=1e-5)
    assert biggest.latitude == pytest.approx(mean_lat[0], abs=1e-5)


def test_a_lone_point_comes_back_exactly_with_its_id() -> None:
    index = PointIndex.build([10, 11], [0.1190, -3.1890], [52.2054, 55.9530], [True, False])
    found = sorted(index.clusters(UK, 5), key=lambda c: c.longitude)
    assert [(c.point_id, c.count, c.concern) for c in found] == [(11, 1, 0), (10, 1, 1)]
    assert (found[1].longitude, found[1].latitude) == pytest.approx((0.1190, 52.2054), abs=1e-6)
    assert found[1].feature()["properties"] == {"count": 1, "concern": 1, "id": 10}


def test_close_points_expand_at_close_zoom_and_cluster_further_out() -> None:
    lon = np.array([0.11900, 0.11902, 0.11904])
    lat = np.array([52.2054, 52.2054, 52.2054])
    index = PointIndex.build([1, 2, 3], lon, lat, [False] * 3)
    near = (0.118, 52.204, 0.12, 52.206)
    assert [c.count for c in index.clusters(near, 18)] == [3]
    assert [c.count for c in index.clusters(UK, 6)] == [3]
    expanded = index.clusters(near, 18, expand_up_to=5)
    assert sorted(c.point_id for c in expanded) == [1, 2, 3]
    by_id = index.ids.argsort()
    mask = np.zeros(3, dtype=bool)
    mask[by_id[[0, 2]]] = True
    masked = index.subset(mask).clusters(near, 18, expand_up_to=5)
    assert sorted(c.point_id for c in masked) == [1, 3]


def test_only_cells_meeting_the_bbox_are_counted() -> None:
    index = PointIndex.build([1, 2], [0.119, -3.189], [52.205, 55.953], [False, False])
    found = index.clusters((-0.5, 51.9, 0.5, 52.5), 8)
    assert [c.point_id for c in found] == [1]
    assert index.clusters((10.0, 10.0, 11.0, 11.0), 8) == []


def test_an_empty_index_and_bad_queries() -> None:
    empty = PointIndex.build([], [], [], [])
    assert len(empty) == 0
    assert empty.clusters(UK, 4) == []
    with pytest.raises(ClusterQueryError, match="west<=east"):
        empty.clusters((2.0, 50.0, 1.0, 51.0), 4)
    with pytest.raises(ClusterQueryError, match="cells at this zoom"):
        empty.clusters(UK, 16, max_cells=1000)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-179.9, 179.9), st.floats(-84.0, 84.0), st.booleans()),
        max_size=60,
    ),
    st.integers(0, 6),
)
def test_every_point_is_counted_once_at_any_zoom(points: list, zoom: int) -> None:
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    concern = np.array([p[2] for p in points], dtype=bool)
    index = PointIndex.build(np.arange(len(points)), lon, lat, concern)
    found = index.clusters((-180.0, -85.0, 180.0, 85.0), zoom, max_cells=1 << 18)
    assert sum(c.count for c in found) == len(points)
    assert sum(c.concern for c in found) == int(concern.sum())
    lone = {c.point_id for c in found if c.point_id is not None}
    assert lone <= set(range(len(points)))


def test_replacing_points_matches_building_afresh() -> None:
    ids, lon, lat, concern = _points(3_000, seed=11)
    kind = np.arange(len(ids)) % 3
    index = PointIndex.build(ids, lon, lat, concern, {"kind": kind})
    # Move 40 points, drop 25 and add 10 new ones.
    rng = np.random.default_rng(5)
    moved = rng.choice(ids, 40, replace=False)
    dropped = rng.choice(np.setdiff1d(ids, moved), 25, replace=False)
    new_ids = np.arange(10_000, 10_010)
    lon2, lat2 = lon.copy(), lat.copy()
    at = moved - 1
    lon2[at] += 0.05
    lat2[at] -= 0.05
    change_ids = np.concatenate([moved, new_ids])
    change_lon = np.concatenate([lon2[at], rng.uniform(-3, 0, 10)])
    change_lat = np.concatenate([lat2[at], rng.uniform(51, 54, 10)])
    change_concern = np.concatenate([concern[at], np.ones(10, dtype=bool)])
    change_kind = np.concatenate([kind[at], np.full(10, 2)])
    added = PointIndex.build(change_ids, change_lon, change_lat, change_concern,
                             {"kind": change_kind})  # fmt: skip
    merged = index.replaced(np.concatenate([moved, dropped, new_ids]), added)
    keep = ~np.isin(ids, np.concatenate([moved, dropped]))
    fresh = PointIndex.build(
        np.concatenate([ids[keep], change_ids]), np.concatenate([lon2[keep], change_lon]),
        np.concatenate([lat2[keep], change_lat]), np.concatenate([concern[keep], change_concern]),
        {"kind": np.concatenate([kind[keep], change_kind])},
    )  # fmt: skip
    assert len(merged) == len(ids) - 25 + 10
    assert np.array_equal(merged.codes, fresh.codes)
    assert sorted(merged.ids.tolist()) == sorted(fresh.ids.tolist())
    for zoom in (3, 7, 10):
        assert merged.clusters(UK, zoom) == fresh.clusters(UK, zoom)
    england = (-3.0, 51.0, 0.0, 54.0)
    assert merged.clusters(england, 13, expand_up_to=5, max_cells=1 << 22) == fresh.clusters(
        england, 13, expand_up_to=5, max_cells=1 << 22
    )

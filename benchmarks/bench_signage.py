"""The signage check at city scale: each of 1,000,000 cameras' nearest warning sign within
50 m among 200,000 signs, from WGS84 lon/lat, against GeoPandas' sjoin_nearest on the same
points, and a bare scipy KD-tree on points already in metres for context.

The points are synthetic, fixed by the seed: streets (random segments) in a 40 km x 40 km
box around central London, cameras along every street and signs along a third of them, so
some cameras have a sign within 50 m and many do not. Run alone with
`python -m benchmarks.bench_signage [--runs N]`.
"""

from __future__ import annotations

import argparse
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from benchmarks.harness import Result, median_seconds
from camwatch.sightings.spatial import BNG, Nearest, nearest_signs, project

Floats = npt.NDArray[np.float64]

SEED = 20_240_601
CAMERAS = 1_000_000
SIGNS = 200_000
RADIUS_M = 50.0
TARGET_MS = 2000.0
BASELINE_RUNS = 3  # GeoPandas takes seconds a run
CENTRE = (-0.1276, 51.5072)  # lon/lat of Charing Cross, central London
BOX_M = 40_000.0
STREETS = 40_000
SIGNED_SHARE = 1 / 3  # the share of streets that carry signs
METRES_PER_DEGREE = 111_320.0  # near enough to place synthetic points on the ground


@dataclass(frozen=True)
class Points:
    lon: Floats
    lat: Floats


def synthetic(seed: int = SEED) -> tuple[Points, Points]:
    """Cameras and signs in WGS84, placed along random streets (fixed by the seed)."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-BOX_M / 2, BOX_M / 2, size=(STREETS, 2))
    angle = rng.uniform(0, math.pi, STREETS)
    along = np.column_stack((np.cos(angle), np.sin(angle)))
    across = np.column_stack((-np.sin(angle), np.cos(angle)))
    length = rng.uniform(100, 600, STREETS)
    signed = rng.choice(STREETS, size=int(STREETS * SIGNED_SHARE), replace=False)

    def on(streets: npt.NDArray[np.int64]) -> Points:
        # Somewhere along each street, a few metres to either side of its centre line.
        forward = rng.uniform(0, 1, streets.size) * length[streets]
        aside = rng.normal(0, 5, streets.size)
        xy = start[streets] + forward[:, None] * along[streets] + aside[:, None] * across[streets]
        lat = CENTRE[1] + xy[:, 1] / METRES_PER_DEGREE
        lon = CENTRE[0] + xy[:, 0] / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1])))
        return Points(lon, lat)

    cameras = on(rng.integers(0, STREETS, CAMERAS))
    signs = on(signed[rng.integers(0, signed.size, SIGNS)])
    return cameras, signs


def ours(cameras: Points, signs: Points) -> Nearest:
    return nearest_signs(cameras.lon, cameras.lat, signs.lon, signs.lat, radius_m=RADIUS_M)


def geopandas_nearest(cameras: Points, signs: Points) -> Callable[[], Floats]:
    """GeoPandas' answer from GeoDataFrames in WGS84 (built here, untimed): each camera's
    distance to its nearest sign within the radius, NaN where none."""
    import geopandas as gpd

    def frame(points: Points) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(geometry=gpd.points_from_xy(points.lon, points.lat), crs=4326)

    camera_frame, sign_frame = frame(cameras), frame(signs)

    def work() -> Floats:
        with warnings.catch_warnings():  # the missing OSTN15 grid, as in spatial.py
            warnings.filterwarnings("ignore", message="Best transformation is not available")
            joined = camera_frame.to_crs(BNG).sjoin_nearest(
                sign_frame.to_crs(BNG), how="left", max_distance=RADIUS_M, distance_col="d"
            )
        # Equally near signs give a camera several rows; they share one distance.
        nearest = joined["d"].groupby(level=0).min()
        return np.asarray(nearest.reindex(range(len(camera_frame))), dtype=np.float64)

    return work


def bare_kdtree(cameras: Points, signs: Points) -> Callable[[], object]:
    """A default cKDTree built on the signs and queried with every camera, all already in
    British National Grid metres: the floor under any KD-tree answer."""
    camera_xy = np.column_stack(project(cameras.lon, cameras.lat, BNG))
    sign_xy = np.column_stack(project(signs.lon, signs.lat, BNG))

    def work() -> object:
        tree = cKDTree(sign_xy)
        return tree.query(camera_xy, k=1, distance_upper_bound=RADIUS_M, workers=-1)

    return work


def differences(answer: Nearest, baseline: Floats) -> str:
    """'' when both give the same cameras a sign within the radius, at distances equal within
    1e-6 m (tied signs may differ, so signs are not compared); else what differs."""
    theirs = ~np.isnan(baseline)
    mismatched = int(np.count_nonzero(answer.within() != theirs))
    if mismatched:
        return f"{mismatched} cameras differ on whether a sign is within {RADIUS_M:g} m"
    gap = np.abs(answer.distance_m[theirs] - baseline[theirs])
    if gap.size and gap.max() > 1e-6:
        return f"{int(np.count_nonzero(gap > 1e-6))} distances differ, by up to {gap.max()} m"
    return ""


def run(runs: int) -> list[Result]:
    cameras, signs = synthetic()
    answer = ours(cameras, signs)  # also the warm-up
    baseline = geopandas_nearest(cameras, signs)
    problem = differences(answer, baseline())  # also GeoPandas' warm-up
    if problem:
        raise AssertionError(f"camwatch and GeoPandas disagree: {problem}")
    ours_ms = median_seconds(lambda: ours(cameras, signs), runs, warmup=0) * 1000
    base_runs = min(runs, BASELINE_RUNS)
    base_ms = median_seconds(baseline, base_runs, warmup=0) * 1000
    bare_ms = median_seconds(bare_kdtree(cameras, signs), runs, warmup=1) * 1000
    within = int(np.count_nonzero(answer.within()))
    size = f"{CAMERAS:,} cameras, {SIGNS:,} signs"
    note = (
        f"identical answers: yes; {within:,} cameras have a sign within {RADIUS_M:g} m; "
        "both timed from WGS84 (validation, projection and search inside the timing; the "
        f"GeoDataFrames built untimed); GeoPandas median of {base_runs} runs"
    )
    return [
        Result(
            f"nearest sign within {RADIUS_M:g} m, {size}, from WGS84",
            "ms",
            round(ours_ms, 3),
            "GeoPandas to_crs(27700) + sjoin_nearest(max_distance=50)",
            round(base_ms, 3),
            runs,
            note,
            target=TARGET_MS,
        ),
        Result(
            f"bare scipy cKDTree build + query, {size}, already in metres",
            "ms",
            round(bare_ms, 3),
            "camwatch nearest_signs from WGS84",
            round(ours_ms, 3),
            runs,
            "context: the KD-tree alone, without projection or validation",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    for result in run(parser.parse_args().runs):
        print(result.line(), flush=True)
        print(f"  {result.note}", flush=True)


if __name__ == "__main__":
    main()

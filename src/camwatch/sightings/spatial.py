"""The spatial engine: distances in metres between cameras and warning signs. Pure: no Django.

The investigative check is "cameras with no sign recorded within R metres". Points arrive as
WGS84 longitude/latitude; every call projects cameras and signs together into one metric
projection (British National Grid in Great Britain, a local azimuthal equidistant projection
elsewhere), builds a KD-tree on the signs and asks it for each camera's nearest sign within
the radius. Millions of cameras are queried in chunks, so memory stays bounded.

Accuracy: a projection's scale error is what separates its distances from distances on the
ellipsoid. British National Grid's is under 0.1% in Great Britain (0.04% short on its central
meridian, up to about 0.07% long at the coasts); the local projection's is under 0.1% within
about 500 km of its centre. Without the OSTN15 grid, PROJ maps WGS84 to BNG with the EPSG
7-parameter Helmert transformation, a few metres off in absolute position; over a street
that error is a shift, the same for nearby points, so distances between them keep.

Speed (benchmarks/bench_signage.py): projection is the largest cost, so cameras with no
sign in reach on a coarse lon/lat grid are answered without being projected; the rest are
projected in place on several threads (PROJ releases the GIL) and queried in Z-order, so
consecutive queries visit the same tree nodes, which halves the KD-tree's time.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Transformer
from scipy.spatial import cKDTree

from camwatch.sightings.zorder import morton

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Points = tuple[Floats, Floats]  # longitudes and latitudes, or x and y

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"  # OSGB36 / British National Grid, metres

# Lon/lat box (west, south, east, north) in which British National Grid is used. It is the
# area of use that EPSG gives for EPSG:27700 (9.01 W to 2.01 E, 49.75 N to 61.01 N, as
# `pyproj.CRS("EPSG:27700").area_of_use` reports), pulled in a little at each edge. Northern
# Ireland and the east of Ireland fall inside: BNG's scale error there is still under 0.2%,
# well inside what a 50 m check needs.
GB_BOUNDS = (-8.75, 49.8, 1.9, 60.95)

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean Earth radius (R1), the usual haversine radius

# Fewer points than this are projected on one thread: starting threads would cost more.
PARALLEL_MIN = 50_000
# Z-order cells per axis (2**16): cells of under 20 m across all of Great Britain.
Z_BITS = 16

# Bounds for the reach grid (_in_reach), which skips cameras with no sign near them.
WGS84_A = 6_378_137.0  # the ellipsoid's equatorial radius: its least east-west curvature
MERIDIAN_RADIUS_MIN = 6_335_439.3  # a(1 - e^2): its least north-south radius of curvature
# Below the least scale factor of either projection between nearby points, so a projected
# distance is at least this share of the distance on the ellipsoid: British National Grid's
# is 0.9996 on its central meridian (less 0.01% for the datum shift and heights); an
# azimuthal equidistant projection's is 1.
SCALE_MIN = 0.999
GRID_CELLS = 1 << 22  # about the most cells (bytes) the reach grid may have


class SpatialError(ValueError):
    """Input that cannot be placed on the Earth, naming the point and the field."""


@dataclass(frozen=True)
class Nearest:
    """Each camera's nearest sign within `radius_m`, in the order the cameras were given."""

    distance_m: Floats  # float64 metres in `crs`; np.inf where no sign is within the radius
    sign: Ints  # index into the signs as given; -1 where no sign is within the radius
    radius_m: float
    crs: str  # the projection the distances were measured in

    def within(self) -> npt.NDArray[np.bool_]:
        """True for each camera with a sign within the radius."""
        return self.sign >= 0


# --- validation ---------------------------------------------------------------------------


def _as_points(kind: str, lon: npt.ArrayLike, lat: npt.ArrayLike) -> Points:
    """Lon/lat as flat float64 arrays, or SpatialError naming the first bad point."""
    lons, lats = _floats(kind, "longitudes", lon), _floats(kind, "latitudes", lat)
    if lons.ndim != 1 or lats.ndim != 1:
        raise SpatialError(f"{kind}s: longitudes and latitudes must be 1-dimensional arrays")
    if lons.shape != lats.shape:
        raise SpatialError(f"{kind}s: {lons.size} longitudes but {lats.size} latitudes")
    _check_range(kind, "longitude", lons, 180.0)
    _check_range(kind, "latitude", lats, 90.0)
    return lons, lats


def _floats(kind: str, field: str, values: npt.ArrayLike) -> Floats:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise SpatialError(f"{kind}s: {field} are not numbers ({error})") from error


def _check_range(kind: str, field: str, values: Floats, limit: float) -> None:
    # One vectorised test for the common case; the search for the culprit only on failure.
    bad = ~(np.abs(values) <= limit)  # NaN compares False, so it counts as bad
    if not bad.any():
        return
    index = int(np.flatnonzero(bad)[0])
    value = float(values[index])
    if not math.isfinite(value):
        raise SpatialError(f"{kind} {index}: {field} {value} is not a finite number")
    raise SpatialError(f"{kind} {index}: {field} {value} is outside {-limit:g}..{limit:g}")


def _check_positive(name: str, value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise SpatialError(f"{name} must be a finite number above 0, got {value}")
    return float(value)


def _threads(workers: int) -> int:
    """scipy's convention: -1 is every core this process may use."""
    if workers == -1:
        return _cores()
    if workers < 1:
        raise SpatialError(f"workers must be -1 (every core) or at least 1, got {workers}")
    return workers


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


# --- projection ---------------------------------------------------------------------------


def projection_for(lon: npt.ArrayLike, lat: npt.ArrayLike) -> str:
    """The metric projection for these points: British National Grid when every point is
    inside GB_BOUNDS (also when there are none), otherwise a local azimuthal equidistant
    projection centred on the points' mean, as a PROJ string."""
    return _crs_for(_as_points("point", lon, lat))


def _crs_for(*sets: Points) -> str:
    """projection_for() over several validated point sets, without joining them first."""
    if all(_inside_gb(lons, lats) for lons, lats in sets):
        return BNG
    return _local_projection(
        np.concatenate([lons for lons, _ in sets]), np.concatenate([lats for _, lats in sets])
    )


def _inside_gb(lon: Floats, lat: Floats) -> bool:
    if lon.size == 0:
        return True
    west, south, east, north = GB_BOUNDS
    return bool(
        np.min(lon) >= west
        and np.max(lon) <= east
        and np.min(lat) >= south
        and np.max(lat) <= north
    )


def _local_projection(lon: Floats, lat: Floats) -> str:
    """An azimuthal equidistant projection centred on the points: true distances from the
    centre, and a scale error under 0.1% within about 500 km of it."""
    # The circular mean of longitude, so points either side of 180 degrees centre correctly.
    rad = np.radians(lon)
    lon0 = math.degrees(math.atan2(float(np.sin(rad).mean()), float(np.cos(rad).mean())))
    lat0 = float(lat.mean())
    # Rounded to about 100 m, so nearby calls share one cached transformer.
    return f"+proj=aeqd +lat_0={lat0:.3f} +lon_0={lon0:.3f} +datum=WGS84 +units=m +no_defs"


@functools.lru_cache(maxsize=32)
def _transformer(crs: str) -> Transformer:
    # Building a transformer costs milliseconds (a database search), so each is built once.
    # pyproj gives each thread its own copy of the PROJ object, so sharing it is safe.
    with warnings.catch_warnings():
        # Without the OSTN15 grid pyproj warns that the best WGS84-to-BNG transformation is
        # missing; the Helmert fallback shifts absolute positions by metres, not distances.
        warnings.filterwarnings("ignore", message="Best transformation is not available")
        return Transformer.from_crs(WGS84, crs, always_xy=True)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    # One long-lived pool: its threads keep their copies of the PROJ objects between calls.
    return ThreadPoolExecutor(max_workers=_cores(), thread_name_prefix="camwatch-spatial")


def project(lon: npt.ArrayLike, lat: npt.ArrayLike, crs: str | None = None) -> Points:
    """WGS84 lon/lat to x/y metres in `crs` (default: projection_for the same points)."""
    points = _as_points("point", lon, lat)
    chosen = crs or _crs_for(points)
    x, y = _project_sets([points], chosen, _cores())[0]
    _check_projected("point", x, y, chosen)
    return x, y


def _project_sets(sets: list[Points], crs: str, threads: int) -> list[Points]:
    """Project point sets into `crs`: copies transformed in place, in slices on threads."""
    transformer = _transformer(crs)
    projected = [(lon.copy(), lat.copy()) for lon, lat in sets]
    total = sum(x.size for x, _ in projected)
    step = max(PARALLEL_MIN, -(-total // threads))
    pieces = [
        (x[i : i + step], y[i : i + step]) for x, y in projected for i in range(0, x.size, step)
    ]

    def transform(piece: Points) -> None:
        transformer.transform(*piece, inplace=True)

    if threads == 1 or len(pieces) < 2:
        for piece in pieces:
            transform(piece)
    else:
        list(_pool().map(transform, pieces))
    return projected


def _check_projected(
    kind: str, x: Floats, y: Floats, crs: str, positions: Ints | None = None
) -> None:
    """SpatialError naming the first point PROJ could not map (it returns inf for those);
    `positions` gives each point's index in the caller's input, if not its own."""
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        index = first if positions is None else int(positions[first])
        raise SpatialError(f"{kind} {index}: cannot be projected to {crs}")


def haversine_m(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> Floats:
    """Great-circle distance in metres on a sphere of the mean Earth radius (broadcasts).
    A reference for the tests: within about 0.5% of the distance on the ellipsoid."""
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2)
    )
    a = np.sin((phi2 - phi1) / 2) ** 2
    a = a + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


# --- nearest sign -------------------------------------------------------------------------


def nearest_signs(
    cam_lon: npt.ArrayLike,
    cam_lat: npt.ArrayLike,
    sign_lon: npt.ArrayLike,
    sign_lat: npt.ArrayLike,
    radius_m: float = 50.0,
    chunk: int = 250_000,
    workers: int = -1,
) -> Nearest:
    """Each camera's nearest sign within `radius_m` metres (inclusive).

    Cameras and signs are projected together with projection_for(), so all distances are
    measured in one projection. Cameras are queried `chunk` at a time on `workers` threads
    (-1: every core). Of equally near signs, either may be returned.
    """
    radius = _check_positive("radius_m", radius_m)
    if chunk < 1:
        raise SpatialError(f"chunk must be at least 1, got {chunk}")
    threads = _threads(workers)
    cameras = _as_points("camera", cam_lon, cam_lat)
    signs = _as_points("sign", sign_lon, sign_lat)
    crs = _crs_for(cameras, signs)
    distance = np.full(cameras[0].size, np.inf)
    sign = np.full(cameras[0].size, -1, dtype=np.int64)
    if distance.size and signs[0].size:
        for positions, (near, which) in _search(cameras, signs, crs, radius, chunk, threads):
            distance[positions], sign[positions] = near, which
    return Nearest(distance, sign, radius, crs)


def _search(
    cameras: Points, signs: Points, crs: str, radius: float, chunk: int, threads: int
) -> Iterator[tuple[Ints, tuple[Floats, Ints]]]:
    """(camera positions, their nearest signs) for the cameras that may have a sign in
    reach, `chunk` cameras at a time. The others are left out, never projected."""
    todo = _in_reach(cameras, signs, radius)
    reachable = (cameras[0][todo], cameras[1][todo])
    (cx, cy), (sx, sy) = _project_sets([reachable, signs], crs, threads)
    _check_projected("camera", cx, cy, crs, todo)
    _check_projected("sign", sx, sy, crs)
    tree = _sign_tree(sx, sy)
    order = _z_order(cx, cy)
    for start in range(0, order.size, chunk):
        part = order[start : start + chunk]
        yield todo[part], _query(tree, cx[part], cy[part], radius, threads)


def _sign_tree(x: Floats, y: Floats) -> cKDTree:
    # An unbalanced tree without shrunk node boxes builds in about half the time and, for
    # points spread along streets, answers as fast (measured: benchmarks/bench_signage.py).
    return cKDTree(np.column_stack((x, y)), balanced_tree=False, compact_nodes=False)


def _z_order(x: Floats, y: Floats) -> Ints:
    """Indices that sort the points along a Z-order (Morton) curve over their bounding box,
    so that points near in the order are near on the ground."""
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    scale = (1 << Z_BITS) - 1
    cx, cy = (
        ((v - float(np.min(v))) * (scale / max(float(np.ptp(v)), 1e-9))).astype(np.uint32)
        for v in (x, y)
    )
    return np.argsort(morton(cx, cy)).astype(np.int64, copy=False)


def _query(tree: cKDTree, x: Floats, y: Floats, radius: float, threads: int) -> tuple[Floats, Ints]:
    # cKDTree only returns neighbours strictly closer than the bound; searching a hair
    # further and then cutting at the radius makes "within" inclusive and exact.
    bound = radius * (1 + 1e-9) + 1e-9
    found, index = tree.query(
        np.column_stack((x, y)), k=1, distance_upper_bound=bound, workers=threads
    )
    beyond = found > radius
    found[beyond] = np.inf
    return found, np.where(beyond, -1, index).astype(np.int64, copy=False)


# --- which cameras can have a sign in reach -----------------------------------------------


def _in_reach(cameras: Points, signs: Points, radius: float) -> Ints:
    """Positions of the cameras that may have a sign within `radius`: those with a sign in
    the same or a neighbouring cell of a lon/lat grid whose cells are wider and taller than
    any two points whose projected distance is `radius` or less. Every camera where no such
    grid exists (across the antimeridian, near a pole).

    In real data many cameras have no sign near them (that is what the check looks for);
    this spares projecting and querying them, most of the cost, for a few passes over the
    coordinates."""
    grid = _ReachGrid.covering(cameras, signs, radius)
    if grid is None:
        return np.arange(cameras[0].size)
    occupied = np.zeros(grid.size, dtype=np.bool_)
    sign_cells = grid.cells(signs)
    for row in (-grid.columns, 0, grid.columns):
        for column in (-1, 0, 1):
            occupied[sign_cells + row + column] = True
    return np.flatnonzero(occupied[grid.cells(cameras)])


@dataclass(frozen=True)
class _ReachGrid:
    """A lon/lat grid over the points, with a margin of one cell all round."""

    west: float
    south: float
    width: float  # degrees of longitude per cell
    height: float  # degrees of latitude per cell
    columns: int
    rows: int

    @property
    def size(self) -> int:
        return self.columns * self.rows

    @classmethod
    def covering(cls, cameras: Points, signs: Points, radius: float) -> _ReachGrid | None:
        west, east = _span(cameras[0], signs[0])
        south, north = _span(cameras[1], signs[1])
        if east - west >= 180:
            return None  # neighbours across the antimeridian would be 360 degrees apart
        # The longest distance on the ellipsoid that can project to `radius` or less, and
        # the latitude it spans: no more, as the north-south curvature is never tighter.
        reach = radius / SCALE_MIN
        height = math.degrees(reach / MERIDIAN_RADIUS_MIN)
        # A path that long strays at most `height` beyond the points' latitudes, where a
        # degree of longitude is shortest.
        edge = max(abs(south), abs(north)) + height
        if edge >= 89:
            return None  # near a pole a degree of longitude shrinks to nothing
        width = math.degrees(reach / (WGS84_A * math.cos(math.radians(edge))))
        # Bigger cells when fine ones would be too many: coarser, never too small.
        cells = (east - west) / width * (north - south) / height
        coarsen = max(1.0, math.sqrt(cells / GRID_CELLS))
        width, height = width * coarsen, height * coarsen
        columns = int((east - west) / width) + 3
        rows = int((north - south) / height) + 3
        return cls(west, south, width, height, columns, rows)

    def cells(self, points: Points) -> Ints:
        """Each point's cell, numbered row by row. The +1 is the margin, so the cells next
        to any point's are on the grid and on the right row."""
        column = ((points[0] - self.west) / self.width).astype(np.int64) + 1
        row = ((points[1] - self.south) / self.height).astype(np.int64) + 1
        return row * self.columns + column


def _span(*arrays: Floats) -> tuple[float, float]:
    """The least and greatest value over non-empty arrays."""
    return min(float(np.min(a)) for a in arrays), max(float(np.max(a)) for a in arrays)


# --- counts per area ----------------------------------------------------------------------


def grid_counts(
    lon: npt.ArrayLike, lat: npt.ArrayLike, cell_m: float, crs: str | None = None
) -> dict[tuple[int, int], int]:
    """Cameras per square grid cell of `cell_m` metres: {(column, row): count}.

    Cell (i, j) covers x in [i * cell_m, (i + 1) * cell_m) and likewise y, in `crs`
    (default: projection_for the points). In Great Britain that is British National Grid, so
    1000 m cells are the Ordnance Survey's 1 km squares. Empty cells are left out.
    """
    return count_cells(grid_cells(lon, lat, cell_m, crs))


def grid_cells(
    lon: npt.ArrayLike, lat: npt.ArrayLike, cell_m: float, crs: str | None = None
) -> Ints:
    """Each camera's grid cell as grid_counts numbers them: an (n, 2) array of column and
    row, so that several counts over the same cameras project them once."""
    cell = _check_positive("cell_m", cell_m)
    points = _as_points("camera", lon, lat)
    if points[0].size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    chosen = crs or _crs_for(points)
    x, y = _project_sets([points], chosen, _cores())[0]
    _check_projected("camera", x, y, chosen)
    return np.column_stack((np.floor(x / cell), np.floor(y / cell))).astype(np.int64)


def count_cells(cells: Ints) -> dict[tuple[int, int], int]:
    """{(column, row): how many of `cells` are that cell}."""
    if not len(cells):
        return {}
    keys, counts = np.unique(cells, axis=0, return_counts=True)
    return {(int(i), int(j)): int(n) for (i, j), n in zip(keys, counts, strict=True)}


def os_grid_reference(column: int, row: int, cell_m: int) -> str | None:
    """The Ordnance Survey grid reference of a British National Grid cell (as grid_counts
    numbers them), e.g. (544, 258) at 1000 m -> "TL4458"; None outside the lettered grid.

    The two letters name the 500 km and the 100 km square (the alphabet without I, in
    5 x 5 blocks from the north-west); the digits are the cell's easting and northing
    within the 100 km square, in as many digits as the cell size needs."""
    if cell_m <= 0 or 100_000 % cell_m:
        return None
    east, north = column * cell_m, row * cell_m
    if not (0 <= east < 700_000 and 0 <= north < 1_300_000):
        return None
    e100, n100 = east // 100_000, north // 100_000
    first = (19 - n100) - (19 - n100) % 5 + (e100 + 10) // 5
    second = (19 - n100) * 5 % 25 + e100 % 5
    letters = "".join(chr(65 + i + (i > 7)) for i in (first, second))
    digits = len(str(100_000 // cell_m)) - 1
    if digits == 0:
        return letters
    scale = 10 ** (5 - digits)
    return f"{letters}{(east % 100_000) // scale:0{digits}d}{(north % 100_000) // scale:0{digits}d}"

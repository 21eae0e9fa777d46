"""Server-side clustering for the map: millions of points in, a few hundred clusters out.

Points are sorted once by their Morton (Z-order) code on the Web Mercator grid at a fine
level. Every coarser grid cell is then a contiguous run of that order, so a cell's count,
concern count and centroid are differences of prefix sums found by binary search: a query
costs O(cells x log points), whatever the number of points. A filter (vendor, operator,
type, status) is a subset of the sorted points, made once and reused: the order needs no
sorting again, and its memory is in proportion to what it selects.

Pure library: numpy only, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from camwatch.sightings.zorder import morton

#: Finest grid level: 2**26 cells around the world, about 0.6 m at the equator.
FINE_LEVEL = 26
#: A cluster cell is 2**CELL_SHIFT times smaller than a 256 px tile: 64 px on screen.
CELL_SHIFT = 2
MAX_LATITUDE = 85.05112878
DEFAULT_MAX_CELLS = 40_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class ClusterQueryError(ValueError):
    """A bounding box or zoom the index cannot answer (the message says which)."""


def mercator(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """WGS84 degrees to Web Mercator on the unit square (x east, y south)."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LATITUDE, MAX_LATITUDE)
    x = (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0
    sin = np.sin(np.radians(lat))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi)
    return np.clip(x, 0.0, np.nextafter(1.0, 0)), np.clip(y, 0.0, np.nextafter(1.0, 0))


def unmercator(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    lon = np.asarray(x) * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * np.asarray(y)))))
    return lon, lat


def _prefix(values: npt.NDArray[Any], dtype: type[np.generic]) -> npt.NDArray[Any]:
    out = np.zeros(len(values) + 1, dtype=dtype)
    np.cumsum(values, out=out[1:])
    return out


@dataclass
class Prefix:
    """Prefix sums over the sorted points: a run's count is the difference of its ends."""

    x: FloatArray
    y: FloatArray
    concern: npt.NDArray[np.int32]

    @classmethod
    def of(cls, x: FloatArray, y: FloatArray, concern: BoolArray) -> Prefix:
        return cls(_prefix(x, np.float64), _prefix(y, np.float64), _prefix(concern, np.int32))


@dataclass(frozen=True)
class Cluster:
    longitude: float
    latitude: float
    count: int
    concern: int
    #: The point's own id when the cluster holds exactly one point.
    point_id: int | None

    def feature(self) -> dict[str, Any]:
        props: dict[str, Any] = {"count": self.count, "concern": self.concern}
        if self.point_id is not None:
            props["id"] = self.point_id
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.longitude, self.latitude]},
            "properties": props,
        }


@dataclass
class PointIndex:
    """Points sorted by Z-order, with their ids, exact coordinates and concern flags, and
    attribute columns (any name, integer codes) that filters select by. A filter is a
    subset(): the same order, so it needs no sorting, and memory in proportion to what it
    selects."""

    codes: npt.NDArray[np.uint64]
    x: FloatArray
    y: FloatArray
    ids: IntArray
    concern: BoolArray
    columns: dict[str, npt.NDArray[Any]]
    sums: Prefix = field(init=False)

    def __post_init__(self) -> None:
        self.sums = Prefix.of(self.x, self.y, self.concern)

    @classmethod
    def build(
        cls,
        ids: npt.ArrayLike,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        concern: npt.ArrayLike,
        columns: dict[str, npt.ArrayLike] | None = None,
    ) -> PointIndex:
        x, y = mercator(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
        scale = float(1 << FINE_LEVEL)
        codes = morton((x * scale).astype(np.int64), (y * scale).astype(np.int64))
        order = np.argsort(codes, kind="stable")
        cols = {name: np.asarray(col)[order] for name, col in (columns or {}).items()}
        return cls(codes[order], x[order], y[order], np.asarray(ids, dtype=np.int64)[order],
                   np.asarray(concern, dtype=bool)[order], cols)  # fmt: skip

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, mask: BoolArray, keep_columns: bool = False) -> PointIndex:
        """The points the mask selects, still in order. Columns are dropped unless asked
        for: a filtered view is only ever clustered, not filtered again."""
        cols = {k: v[mask] for k, v in self.columns.items()} if keep_columns else {}
        return PointIndex(self.codes[mask], self.x[mask], self.y[mask], self.ids[mask],
                          self.concern[mask], cols)  # fmt: skip

    def replaced(self, drop_ids: npt.ArrayLike, added: PointIndex) -> PointIndex:
        """This index without the points whose ids are in `drop_ids`, plus `added` (which
        has the same columns), still in order: what a few edits change, in a few
        milliseconds at a million points, where building again takes seconds."""
        keep = ~np.isin(self.ids, np.asarray(drop_ids, dtype=np.int64))
        at = np.searchsorted(self.codes[keep], added.codes, side="right")

        def merge(mine: npt.NDArray[Any], theirs: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.insert(mine[keep], at, theirs)

        columns = {k: merge(v, added.columns[k]) for k, v in self.columns.items()}
        return PointIndex(merge(self.codes, added.codes), merge(self.x, added.x),
                          merge(self.y, added.y), merge(self.ids, added.ids),
                          merge(self.concern, added.concern), columns)  # fmt: skip

    def clusters(
        self,
        bbox: tuple[float, float, float, float],
        zoom: int,
        expand_up_to: int = 1,
        max_cells: int = DEFAULT_MAX_CELLS,
    ) -> list[Cluster]:
        """Clusters of the points inside `bbox` (west, south, east, north) at `zoom`, one per
        non-empty 64 px cell. A cell of at most `expand_up_to` points gives those points
        exactly (at the closest zooms, so cameras metres apart can each be clicked)."""
        level = max(0, min(int(zoom) + CELL_SHIFT, FINE_LEVEL))
        lo, hi = self._cell_ranges(bbox, level, max_cells)
        i0 = np.searchsorted(self.codes, lo, side="left")
        i1 = np.searchsorted(self.codes, hi, side="left")
        counts = i1 - i0
        grouped = counts > max(1, expand_up_to)
        alone = (counts > 0) & ~grouped
        found = self._summarise(i0[grouped], i1[grouped])
        return found + self._members(i0[alone], i1[alone])

    def _members(self, i0: IntArray, i1: IntArray) -> list[Cluster]:
        """Every point of the given runs of the order."""
        if not len(i0):
            return []
        at = np.concatenate([np.arange(a, b) for a, b in zip(i0, i1, strict=True)])
        lon, lat = unmercator(self.x[at], self.y[at])
        return [
            Cluster(round(float(a), 6), round(float(b), 6), 1, int(c), int(i))
            for a, b, c, i in zip(lon, lat, self.concern[at], self.ids[at], strict=True)
        ]

    def _cell_ranges(
        self, bbox: tuple[float, float, float, float], level: int, max_cells: int
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        west, south, east, north = bbox
        if not (west <= east and south <= north):
            raise ClusterQueryError("bbox must be west,south,east,north with west<=east")
        x, y = mercator(np.array([west, east]), np.array([north, south]))
        n = 1 << level
        cx = np.arange(int(x[0] * n), int(x[1] * n) + 1, dtype=np.int64)
        cy = np.arange(int(y[0] * n), int(y[1] * n) + 1, dtype=np.int64)
        if len(cx) * len(cy) > max_cells:
            raise ClusterQueryError(
                f"bbox covers {len(cx) * len(cy)} cells at this zoom (limit {max_cells}): "
                "zoom out or send a smaller bbox"
            )
        gx, gy = np.meshgrid(cx, cy)
        shift = np.uint64(2 * (FINE_LEVEL - level))
        start = np.sort(morton(gx.ravel(), gy.ravel())) << shift
        return start, start + (np.uint64(1) << shift)

    def _summarise(self, i0: IntArray, i1: IntArray) -> list[Cluster]:
        counts = i1 - i0
        mx = (self.sums.x[i1] - self.sums.x[i0]) / counts
        my = (self.sums.y[i1] - self.sums.y[i0]) / counts
        concern = self.sums.concern[i1] - self.sums.concern[i0]
        lon, lat = unmercator(mx, my)
        return [
            Cluster(round(float(a), 6), round(float(b), 6), int(c), int(k), None)
            for a, b, c, k in zip(lon, lat, counts, concern, strict=True)
        ]

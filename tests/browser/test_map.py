"""The sightings map in a real browser, on the bundled dataset: the Cambridge street survey
is drawn, the boundaries fallback is drawn when no basemap is set, nothing is fetched
from elsewhere, and the page passes axe."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.browser.conftest import new_page, serious_axe_violations
from tests.conftest import serving, site_environment

pytestmark = pytest.mark.browser
CAMBRIDGE = "/map/#15/52.2045/0.1230"
GREEN = (34, 139, 34)


def test_the_cambridge_street_survey_shows_on_the_map(
    page: Any, site: str, artifacts: Path
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(CAMBRIDGE)
    places = page.locator("button.marker.survey")
    places.first.wait_for()
    assert places.count() == 22  # the 22 streets the survey names
    page.locator("button.marker.survey[data-survey='Sidney Street']").click()
    popup = page.locator(".maplibregl-popup")
    text = popup.inner_text()
    assert "Sidney Street, Cambridge" in text
    assert "(2 cameras here)" in text
    assert "Two Hikvision cameras on Sidney St" in text
    assert "derived by hand from the street name" in text
    assert popup.get_by_role("link", name="Hikvision cameras in Cambridge").count() == 1
    # The fallback basemap: the UK boundaries, drawn from the bundled file.
    page.wait_for_function("() => window.camwatchMap && window.camwatchMap.loaded()")
    drawn = page.evaluate("window.camwatchMap.queryRenderedFeatures({layers: ['land']}).length")
    assert drawn > 0
    page.screenshot(path=str(artifacts / "map-cambridge-survey.png"), full_page=True)
    assert [url for url in requested if not url.startswith(site)] == []
    page.locator("input[data-hide-surveys]").check()
    assert places.count() == 0


def test_the_survey_places_link_to_their_source(page: Any, site: str) -> None:
    page.goto(CAMBRIDGE)
    page.locator("button.marker.survey[data-survey='Market Hill']").click()
    source = page.locator(".maplibregl-popup").get_by_role("link").last
    href = source.get_attribute("href")
    assert href.startswith("/sources/sonification-2023-")
    assert page.request.get(f"{site}{href}").ok


def test_the_map_and_counts_pages_pass_axe(browser: Any, site: str) -> None:
    assert serious_axe_violations(browser, site, CAMBRIDGE, ready="button.marker.survey") == []
    assert serious_axe_violations(browser, site, "/sightings/counts/?by=area") == []


def _raster_pmtiles(path: Path, colour: tuple[int, int, int]) -> None:
    """A PMTiles archive of plain PNG tiles, zooms 0 to 3, written with the pmtiles package."""
    from PIL import Image
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    tile = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(tile, format="PNG")
    with path.open("wb") as out:
        writer = Writer(out)
        ids = sorted(
            zxy_to_tileid(z, x, y) for z in range(4) for x in range(2**z) for y in range(2**z)
        )
        for tile_id in ids:
            writer.write_tile(tile_id, tile.getvalue())
        writer.finalize(
            {
                "tile_type": TileType.PNG, "tile_compression": Compression.NONE,
                "min_zoom": 0, "max_zoom": 3, "min_lon_e7": -1800000000,
                "min_lat_e7": -850000000, "max_lon_e7": 1800000000, "max_lat_e7": 850000000,
                "center_zoom": 0, "center_lon_e7": 0, "center_lat_e7": 0,
            },
            {"attribution": "test tiles"},
        )  # fmt: skip


@pytest.fixture(scope="module")
def pmtiles_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("pmtiles-site")
    archive = folder / "base.pmtiles"
    _raster_pmtiles(archive, GREEN)
    env = {**site_environment(folder), "CAMWATCH_MAP_BASEMAP": str(archive),
           "CAMWATCH_MAP_ATTRIBUTION": "Test tiles, made here"}  # fmt: skip
    with serving(env, folder, workers=1) as base:
        yield base


def test_a_local_pmtiles_basemap_is_drawn(browser: Any, pmtiles_site: str, artifacts: Path) -> None:
    page = new_page(browser, pmtiles_site)
    ranges: list[str] = []
    page.on(
        "request",
        lambda r: ranges.append(r.headers.get("range", "")) if "basemap.pmtiles" in r.url else None,
    )
    page.goto("/map/#2/52/0")
    page.wait_for_function("() => window.camwatchMap && window.camwatchMap.loaded()")
    assert ranges
    assert all(value.startswith("bytes=") for value in ranges)
    assert "Test tiles, made here" in page.locator(".maplibregl-ctrl-attrib").inner_text()
    shot = page.locator("#map").screenshot(path=str(artifacts / "map-pmtiles.png"))
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    # A point away from the markers and controls is the tiles' own colour.
    assert image.getpixel((20, image.height - 60)) == GREEN

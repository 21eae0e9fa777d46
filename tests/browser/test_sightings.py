"""Contributing a sighting in a real browser: a photo with EXIF GPS and a face fills the
position, waits for review, and once verified is published without EXIF and blurred."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from skimage.data import astronaut
from tests.browser.conftest import add_superuser, log_in, new_page
from tests.conftest import serving, site_environment
from tests.test_photos import FACE, photo_with_exif

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sightings_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("sightings-site")
    env = site_environment(folder)
    add_superuser(env, "reviewer", "reviewer-password-1")
    photo = folder / "camera.jpg"
    photo.write_bytes(photo_with_exif())
    with serving(env, folder, workers=1) as base:
        yield base, photo


def test_contribute_a_sighting_with_a_photo(
    browser: Any, sightings_site: tuple[str, Path], artifacts: Path
) -> None:
    base, photo = sightings_site
    page = new_page(browser, base)
    page.goto("/sightings/new/")
    page.get_by_label("Camera type").select_option("dome")
    page.get_by_label("Maker or brand").select_option("hikvision")
    page.get_by_label("Photo").set_input_files(str(photo))
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url(re.compile(r"/sightings/thanks/\d+/$"))
    status = page.locator("#sighting-status").inner_text()
    assert "awaiting review" in status
    assert "52.205" in status  # the position came from the photo's GPS
    preview = page.get_by_role("img", name="Your photo, with faces and plates blurred")
    assert preview.evaluate("image => image.naturalWidth") == 512  # shown to its sender
    page.screenshot(path=str(artifacts / "sighting-thanks.png"), full_page=True)
    assert page.request.get(f"{base}/api/v1/sightings").json()["count"] == 0

    log_in(page, "reviewer", "reviewer-password-1", then="/sightings/review/")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert "Nothing awaits review" in page.locator("main").inner_text()

    anonymous = browser.new_context(base_url=base)
    found = anonymous.request.get(f"{base}/api/v1/sightings").json()
    assert found["count"] == 1
    assert found["items"][0]["vendor"] == "hikvision"
    published = anonymous.request.get(f"{base}/sightings/photos/1.jpg")
    assert published.status == 200
    image = Image.open(io.BytesIO(published.body()))
    assert not image.getexif()
    assert b"PhoneMaker" not in published.body()
    # The face region served to the public has lost its detail (the photo test's measure).
    x, y, w, h = FACE
    served = np.asarray(image.convert("RGB")).astype(float)[y : y + h, x : x + w]
    before = np.asarray(astronaut()).astype(float)[y : y + h, x : x + w]
    assert np.abs(np.diff(served, axis=1)).mean() < 0.35 * np.abs(np.diff(before, axis=1)).mean()
    anonymous.close()
    _appears_on_the_map(new_page(browser, base), found["items"][0], artifacts)


def _appears_on_the_map(page: Any, sighting: dict[str, Any], artifacts: Path) -> None:
    """An anonymous visitor finds the verified camera on the map, red (Hikvision is of
    concern), and its popup shows the blurred photo and the source-free contributor."""
    page.goto(f"/map/#17/{sighting['latitude']}/{sighting['longitude']}")
    marker = page.locator(f"button.marker.point[data-sighting-id='{sighting['id']}']")
    marker.wait_for()
    assert "concern" in marker.get_attribute("class")
    assert "1 sighting in and around this view" in page.locator("#map-status").inner_text()
    marker.click()
    popup = page.locator(".maplibregl-popup")
    assert "dome camera, Hikvision" in popup.inner_text()
    photo = popup.get_by_role("img", name="Photo of the camera (faces and number plates blurred)")
    photo.wait_for()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=photo.element_handle()
    )
    page.screenshot(path=str(artifacts / "sighting-on-map.png"), full_page=True)


def test_a_point_picked_on_the_map_fills_the_position(
    browser: Any, sightings_site: tuple[str, Path]
) -> None:
    base, _ = sightings_site
    page = new_page(browser, base)
    page.goto("/sightings/new/")
    page.wait_for_function("() => window.camwatchPickMap && window.camwatchPickMap.loaded()")
    page.evaluate("window.camwatchPickMap.jumpTo({center: [0.1218, 52.2053], zoom: 18})")
    page.locator("#pick-map canvas").click()  # the middle of the map
    latitude = float(page.get_by_label("Latitude").input_value())
    longitude = float(page.get_by_label("Longitude").input_value())
    assert abs(latitude - 52.2053) < 0.0002
    assert abs(longitude - 0.1218) < 0.0002
    assert page.get_by_label("Accuracy (m)").input_value() == "25"
    assert "from the map" in page.locator("#location-status").inner_text()
    # Typing a position moves the marker there.
    page.get_by_label("Latitude").fill("52.2000")
    page.get_by_label("Longitude").fill("0.1300")
    page.get_by_label("Longitude").dispatch_event("change")
    marker = page.evaluate(
        "(() => { const m = document.querySelector('#pick-map .maplibregl-marker');"
        " return m !== null; })()"
    )
    assert marker

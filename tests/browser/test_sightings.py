"""Contributing a sighting in a real browser: a photo with EXIF GPS and a face fills the
position, waits for review, and once verified is published without EXIF and blurred."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.browser.conftest import log_in, new_page
from tests.conftest import _camwatch, serving, site_environment
from tests.test_photos import photo_with_exif

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sightings_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("sightings-site")
    env = site_environment(folder)
    admin = {**env, "DJANGO_SUPERUSER_PASSWORD": "reviewer-password-1"}
    _camwatch(admin, "manage", "createsuperuser", "--noinput", "--username", "reviewer",
              "--email", "reviewer@example.org")  # fmt: skip
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
    anonymous.close()

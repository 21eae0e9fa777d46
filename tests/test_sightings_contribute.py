"""Contributing a sighting: a photo's EXIF fills the position and is then gone, faces are
blurred, nothing is public before review, near-duplicates are flagged, and contributors
are rate-limited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image
from tests.test_photos import photo_with_exif

from camwatch.sightings.models import Sighting, SightingPhoto
from camwatch.web.roles import grant

pytestmark = pytest.mark.django_db


def _post(client: Client, **fields: object) -> object:
    data = {"camera_type": "dome", **fields}
    return client.post("/sightings/new/", data)


def test_a_photo_fills_the_form_and_is_published_clean(
    client: Client, django_user_model: type
) -> None:
    photo = SimpleUploadedFile("cam.jpg", photo_with_exif(), content_type="image/jpeg")
    response = _post(client, photo=photo, vendor="hikvision")
    sighting = Sighting.objects.get()
    assert response.url == f"/sightings/thanks/{sighting.pk}/"
    assert (round(sighting.latitude, 4), round(sighting.longitude, 4)) == (52.2056, 0.122)
    # EXIF times have no zone: taken as the site's (Europe/London, BST in May).
    assert timezone.localtime(sighting.observed_at).isoformat() == "2024-05-17T14:03:09+01:00"
    assert (sighting.status, sighting.contributor) == ("pending", None)
    stored = SightingPhoto.objects.get()
    assert stored.regions
    assert stored.regions[0]["kind"] == "face"
    assert Client().get(f"/sightings/photos/{stored.pk}.jpg").status_code == 404  # not yet
    assert client.get(f"/sightings/photos/{stored.pk}.jpg").status_code == 200  # its sender
    assert Client().get(f"/sightings/thanks/{sighting.pk}/").status_code == 404
    assert client.get("/api/v1/sightings").json()["count"] == 0
    django_user_model.objects.create_user("rev", password="pw-rev-1")
    reviewer = grant("rev", "reviewer")
    client.force_login(reviewer)
    assert b"Possible duplicate" not in client.get("/sightings/review/").content
    client.post(f"/sightings/review/{sighting.pk}/", {"action": "verify"})
    served = Client().get(f"/sightings/photos/{stored.pk}.jpg")
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()
    assert b"PhoneMaker" not in stored.published.read()
    assert b"PhoneMaker" in client.get(f"/sightings/photos/{stored.pk}/original").getvalue()
    assert Client().get(f"/sightings/photos/{stored.pk}/original").status_code == 302  # log in
    assert Client().get("/api/v1/sightings").json()["count"] == 1


def test_position_is_needed_and_duplicates_are_flagged(client: Client) -> None:
    response = _post(client)
    assert b"give the camera" in response.content
    assert not Sighting.objects.exists()
    _post(client, latitude=52.2, longitude=0.12)
    _post(client, latitude=52.20005, longitude=0.12005)  # about 7 m away, same type
    _post(client, latitude=52.2003, longitude=0.12)  # about 33 m away
    first, near, far = Sighting.objects.order_by("pk")
    assert near.possible_duplicate_of == first
    assert far.possible_duplicate_of is None


@override_settings(CAMWATCH_CONTRIBUTIONS_PER_HOUR=2)
def test_contributions_are_rate_limited(client: Client) -> None:
    for _ in range(2):
        assert _post(client, latitude=52.2, longitude=0.12).status_code == 302
    response = _post(client, latitude=52.2, longitude=0.12)
    assert response.status_code == 429
    assert Sighting.objects.count() == 2
    assert Sighting.objects.first().submitter  # a keyed hash, not the address
    assert "127.0.0.1" not in Sighting.objects.first().submitter


def test_bad_photos_are_refused_by_field(client: Client) -> None:
    bad = SimpleUploadedFile("cam.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = _post(client, latitude=52.2, longitude=0.12, photo=bad)
    assert b"not a readable image" in response.content
    assert not Sighting.objects.exists()


def test_only_reviewers_review(client: Client, django_user_model: type) -> None:
    sighting = Sighting.objects.create(latitude=52.2, longitude=0.12)
    django_user_model.objects.create_user("someone", password="pw-some-1")
    client.login(request=HttpRequest(), username="someone", password="pw-some-1")
    assert client.get("/sightings/review/").status_code == 403
    assert client.post(f"/sightings/review/{sighting.pk}/", {"action": "verify"}).status_code == 403
    sighting.refresh_from_db()
    assert sighting.status == "pending"

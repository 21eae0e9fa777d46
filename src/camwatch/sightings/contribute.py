"""Contributed sightings: a photo made safe, the form prefilled from its EXIF, a possible
duplicate flagged, and a rate limit per contributor. Everything waits for a reviewer."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from camwatch.sightings.models import Sighting, SightingPhoto, Status
from camwatch.sightings.photos import Published, publishable
from camwatch.sightings.spatial import haversine_m

DUPLICATE_RADIUS_M = 15.0
DEGREES_NEAR = 0.0005  # a box larger than 15 m at any UK latitude, for the index


class ContributionError(ValueError):
    """A contribution that cannot be taken, with the field and reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def submitter_key(user: Any, address: str) -> str:
    """A keyed hash naming the contributor for rate limits, and nothing else: neither the
    account nor the address can be read back from it."""
    who = f"user:{user.pk}" if getattr(user, "is_authenticated", False) else f"ip:{address}"
    return hmac.new(settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256).hexdigest()


def check_rate(key: str, per_hour: int) -> None:
    since = timezone.now() - dt.timedelta(hours=1)
    if Sighting.objects.filter(submitter=key, created__gte=since).count() >= per_hour:
        raise ContributionError("rate", f"at most {per_hour} sightings an hour: try again later")


def nearby_duplicate(
    latitude: float, longitude: float, camera_type: str, vendor_id: int | None
) -> Sighting | None:
    """The nearest sighting within 15 m with the same type and vendor, not rejected."""
    near = Sighting.objects.exclude(status=Status.REJECTED).filter(
        latitude__range=(latitude - DEGREES_NEAR, latitude + DEGREES_NEAR),
        longitude__range=(longitude - 2 * DEGREES_NEAR, longitude + 2 * DEGREES_NEAR),
        camera_type=camera_type,
        vendor_id=vendor_id,
    )
    best: tuple[float, Sighting] | None = None
    for other in near:
        here = (np.array([longitude]), np.array([latitude]))
        metres = float(
            haversine_m(*here, np.array([other.longitude]), np.array([other.latitude]))[0]
        )
        if metres <= DUPLICATE_RADIUS_M and (best is None or metres < best[0]):
            best = (metres, other)
    return best[1] if best else None


@dataclass
class Contribution:
    fields: dict[str, Any]  # Sighting fields from the form; latitude/longitude may be None
    photo: bytes | None = None
    photo_name: str = "photo"


def _located(fields: dict[str, Any], published: Published | None) -> dict[str, Any]:
    """The form's point, else the photo's EXIF point; the form's time, else the photo's."""
    if fields.get("latitude") is None or fields.get("longitude") is None:
        if published is None or published.latitude is None:
            raise ContributionError("latitude", "give the camera's position, or a photo with GPS")
        fields = {**fields, "latitude": published.latitude, "longitude": published.longitude}
    if fields.get("observed_at") is None and published is not None and published.taken_at:
        fields = {**fields, "observed_at": timezone.make_aware(published.taken_at)}
    if not (-90 <= fields["latitude"] <= 90 and -180 <= fields["longitude"] <= 180):
        raise ContributionError("latitude", "not a position on Earth")
    return fields


def contribute(contribution: Contribution, user: Any, key: str, per_hour: int) -> Sighting:
    check_rate(key, per_hour)
    published = publishable(contribution.photo) if contribution.photo else None
    fields = _located(dict(contribution.fields), published)
    with transaction.atomic():
        sighting = Sighting.objects.create(
            **fields,
            status=Status.PENDING,
            contributor=user if getattr(user, "is_authenticated", False) else None,
            submitter=key,
            possible_duplicate_of=nearby_duplicate(
                fields["latitude"], fields["longitude"],
                fields.get("camera_type", "unknown"), fields.get("vendor_id"),
            ),
        )  # fmt: skip
        if published is not None and contribution.photo is not None:
            _store_photo(sighting, contribution.photo, published)
    return sighting


def _store_photo(sighting: Sighting, original: bytes, published: Published) -> SightingPhoto:
    photo = SightingPhoto(
        sighting=sighting, width=published.width, height=published.height,
        regions=[r.__dict__ for r in published.regions],
        exif_latitude=published.latitude, exif_longitude=published.longitude,
        exif_taken_at=timezone.make_aware(published.taken_at) if published.taken_at else None,
    )  # fmt: skip
    photo.original.save(f"{sighting.pk}-original", ContentFile(original), save=False)
    photo.published.save(f"{sighting.pk}.jpg", ContentFile(published.jpeg), save=False)
    photo.save()
    return photo

"""A camera or a warning sign seen in public space: where, when, what, whose, and from
which source. Imported OSM objects keep their node id, version and every tag, so that an
export gives OpenStreetMap back exactly what it had plus what changed here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from camwatch.registry.models import PublicBody, Source, Vendor


class CameraType(models.TextChoices):
    FIXED = "fixed", "fixed"
    DOME = "dome", "dome"
    PTZ = "ptz", "PTZ"
    ANPR = "anpr", "ANPR"
    THERMAL = "thermal", "thermal"
    BODY_WORN = "body_worn", "body-worn"
    UNKNOWN = "unknown", "unknown"


class Status(models.TextChoices):
    PENDING = "pending", "awaiting review"
    VERIFIED = "verified", "verified"
    REJECTED = "rejected", "rejected"


class Located(models.Model):
    """What cameras and signs share: a WGS84 point, provenance and review."""

    latitude = models.FloatField()
    longitude = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True, help_text="Radius, metres")
    observed_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    osm_id = models.BigIntegerField(null=True, blank=True, help_text="OSM node id")
    osm_version = models.PositiveIntegerField(null=True, blank=True)
    tags = models.JSONField(default=dict, blank=True, help_text="Every OSM tag, as read")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Sighting(Located):
    camera_type = models.CharField(
        max_length=10, choices=CameraType.choices, default=CameraType.UNKNOWN
    )
    mount = models.CharField(max_length=40, blank=True, help_text="wall, pole, street_lamp...")
    direction_deg = models.FloatField(null=True, blank=True, help_text="Clockwise from north")
    direction_text = models.CharField(max_length=60, blank=True, help_text='As given: "NE"')
    height_m = models.FloatField(null=True, blank=True)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="sightings"
    )
    manufacturer_as_seen = models.CharField(max_length=200, blank=True)
    brand_as_seen = models.CharField(max_length=200, blank=True)
    model_as_seen = models.CharField(max_length=200, blank=True)
    operator_name = models.CharField(max_length=300, blank=True)
    street = models.CharField(max_length=200, blank=True, help_text="Street, as recorded")
    area = models.CharField(
        max_length=200, blank=True, help_text="Town, district or neighbourhood, as recorded"
    )
    operator_body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="sightings"
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contributor_public = models.BooleanField(
        default=False, help_text="The contributor chose to be named"
    )
    submitter = models.CharField(
        max_length=64, blank=True, db_index=True,
        help_text="Keyed hash of the contributor's account or address, for rate limits",
    )  # fmt: skip
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="A sighting within 15 m with the same type and vendor, for the reviewer",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        permissions = [("review_sighting", "Can verify or reject contributed sightings")]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="sighting_point"),
            models.Index(fields=["status", "vendor"], name="sighting_status_vendor"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["osm_id"], condition=models.Q(osm_id__isnull=False), name="sighting_osm"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_camera_type_display()} camera at {self.latitude:.5f}, {self.longitude:.5f}"
        )


class Sign(Located):
    """A surveillance warning sign, and what it tells people (ICO: who operates the
    cameras, why, and whom to contact)."""

    text = models.TextField(blank=True)
    names_operator = models.BooleanField(null=True, blank=True)
    names_purpose = models.BooleanField(null=True, blank=True)
    names_contact = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["osm_id"], condition=models.Q(osm_id__isnull=False), name="sign_osm"
            ),
        ]

    def __str__(self) -> str:
        return f"sign at {self.latitude:.5f}, {self.longitude:.5f}"


class SightingPhoto(models.Model):
    """A contributed photo: the original for reviewers only, and the copy that may be
    published (no metadata, faces and plates blurred)."""

    sighting = models.ForeignKey(Sighting, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to="sightings/originals/", help_text="Never served publicly")
    published = models.FileField(upload_to="sightings/photos/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    regions = models.JSONField(default=list, blank=True, help_text="Blurred faces and plates")
    exif_latitude = models.FloatField(null=True, blank=True)
    exif_longitude = models.FloatField(null=True, blank=True)
    exif_taken_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of sighting {self.sighting_id}"

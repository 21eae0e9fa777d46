"""Figures derived from the whole registry, kept until the registry changes.

The home page's headlines and the findings dashboard read every holding; at national
scale (a million holdings) that takes seconds, so they are computed once per change of
the registry and stored here. None of this is evidence: every row can be deleted and
is rebuilt from the registry on the next request (or by `camwatch findings refresh`).
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Revision(models.Model):
    """One row, counting committed changes to the registry. Every save, delete and
    many-to-many change of a registry record moves it on (registry/snapshots.py)."""

    number = models.BigIntegerField(default=0)
    changed = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"revision {self.number}"


class Snapshot(models.Model):
    """A named derived result, valid for one revision of the registry."""

    name = models.CharField(max_length=100, unique=True)
    key = models.CharField(
        max_length=300,
        help_text="What the result was computed for: revision, policy, format, site prefix",
    )
    built = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(help_text="How long computing it took")
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class SnapshotBody(models.Model):
    """Bodies a snapshot names, kept as rows so that lists can filter by them in SQL:
    e.g. the bodies with equipment of concern behind `/bodies/?concern=1`."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="bodies")
    body = models.ForeignKey("registry.PublicBody", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "body"], name="unique_snapshot_body")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: body {self.body_id}"

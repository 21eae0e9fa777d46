"""The contribution form: what a person standing by a camera can tell, all optional but
the position (which a photo with GPS can give)."""

from __future__ import annotations

from typing import Any

from django import forms

from camwatch.registry.models import Vendor
from camwatch.sightings.models import CameraType

MOUNTS = [("", "not sure"), ("wall", "wall"), ("pole", "pole"), ("street_lamp", "street lamp"),
          ("ceiling", "ceiling"), ("tree", "tree")]  # fmt: skip


class SightingForm(forms.Form):
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    accuracy_m = forms.FloatField(
        required=False, min_value=0, max_value=100_000, label="Accuracy (m)"
    )
    observed_at = forms.DateTimeField(
        required=False,
        label="Seen at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    camera_type = forms.ChoiceField(choices=CameraType.choices, initial=CameraType.UNKNOWN)
    mount = forms.ChoiceField(choices=MOUNTS, required=False)
    direction_text = forms.CharField(
        required=False, max_length=60, label="Pointing (degrees or N, NE...)"
    )
    height_m = forms.FloatField(required=False, min_value=0, max_value=200, label="Height (m)")
    vendor = forms.ModelChoiceField(
        Vendor.objects.order_by("name"), required=False, to_field_name="slug",
        empty_label="unknown", label="Maker or brand",
    )  # fmt: skip
    model_as_seen = forms.CharField(required=False, max_length=200, label="Model, as written")
    operator_name = forms.CharField(
        required=False, max_length=300, label="Operator, if a sign says"
    )
    street = forms.CharField(required=False, max_length=200)
    area = forms.CharField(required=False, max_length=200, label="Town or district")
    photo = forms.FileField(
        required=False, help_text="JPEG, PNG or WebP; faces and plates are blurred"
    )
    contributor_public = forms.BooleanField(required=False, label="Show my user name with it")

    def sighting_fields(self) -> dict[str, Any]:
        from camwatch.sightings.osm import direction_degrees

        data = self.cleaned_data
        vendor = data.get("vendor")
        return {
            "latitude": data.get("latitude"), "longitude": data.get("longitude"),
            "accuracy_m": data.get("accuracy_m"), "observed_at": data.get("observed_at"),
            "camera_type": data["camera_type"], "mount": data.get("mount") or "",
            "direction_text": data.get("direction_text") or "",
            "direction_deg": direction_degrees(data.get("direction_text") or ""),
            "height_m": data.get("height_m"), "vendor_id": vendor.pk if vendor else None,
            "model_as_seen": data.get("model_as_seen") or "",
            "operator_name": data.get("operator_name") or "",
            "street": data.get("street") or "", "area": data.get("area") or "",
            "contributor_public": bool(data.get("contributor_public")),
        }  # fmt: skip

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from camwatch.sightings.models import Sighting, Sign


@admin.register(Sighting)
class SightingAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "camera_type", "vendor", "operator_name", "status", "osm_id")
    list_filter = ("status", "camera_type", "vendor")
    search_fields = ("operator_name", "manufacturer_as_seen", "brand_as_seen", "model_as_seen")
    raw_id_fields = ("vendor", "operator_body", "contributor", "reviewer", "source")
    # Only the contributor chooses to be named (docs/security.md), not an editor.
    readonly_fields = ("contributor", "contributor_public", "submitter")


@admin.register(Sign)
class SignAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "text", "status", "osm_id")
    list_filter = ("status",)
    raw_id_fields = ("reviewer", "source")

"""The editors' admin. Every editable model keeps its history (django-simple-history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from camwatch.registry import embargo
from camwatch.registry import models as m


class SealedMixin:
    """Records of investigations under embargo are in the admin only for their team and
    the admins, like everywhere else (registry/embargo.py), and so are the choices of a
    form's investigation or source."""

    model: Any

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        found = embargo.for_user(self.model._base_manager.all(), request.user)
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return found.order_by(*ordering) if ordering else found

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        related: Any = db_field.related_model
        if hasattr(related._default_manager, "path"):  # a PublishedManager
            choices = embargo.for_user(related._base_manager.all(), request.user)
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class CitationInline(SealedMixin, admin.TabularInline):
    model = m.HoldingSource
    extra = 1
    autocomplete_fields = ["source"]


class CapabilityInline(SealedMixin, admin.TabularInline):
    model = m.HoldingCapability
    extra = 0


class MembershipInline(admin.TabularInline):
    model = m.Membership
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["member", "source"]


class RelationInline(admin.TabularInline):
    model = m.VendorRelation
    fk_name = "vendor"
    extra = 0
    autocomplete_fields = ["target", "source"]


class OwnershipInline(admin.TabularInline):
    model = m.Ownership
    extra = 0
    autocomplete_fields = ["source"]


class RestrictionInline(admin.StackedInline):
    model = m.Restriction
    extra = 0
    autocomplete_fields = ["source"]


class TargetInline(SealedMixin, admin.TabularInline):
    model = m.InvestigationTarget
    extra = 0
    autocomplete_fields = ["body", "source"]


@admin.register(m.PublicBody)
class PublicBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "nation", "region", "official_code", "end_date"]
    list_filter = ["kind__group", "kind", "nation", "foi_regime"]
    search_fields = ["name", "slug", "official_code", "search_text"]
    autocomplete_fields = ["kind", "parent", "successor", "source"]
    inlines = [MembershipInline]


@admin.register(m.Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "country"]
    list_filter = ["role", "country"]
    search_fields = ["name", "slug", "legal_name"]
    autocomplete_fields = ["country_source"]
    inlines = [RelationInline, OwnershipInline, RestrictionInline]


@admin.register(m.Holding)
class HoldingAdmin(SealedMixin, SimpleHistoryAdmin):
    list_display = [
        "key",
        "body",
        "vendor",
        "device_type",
        "count",
        "count_qualifier",
        "as_of",
        "method",
    ]
    list_filter = ["method", "confidence", "status", "vendor", "device_type"]
    search_fields = ["key", "body__name", "description"]
    autocomplete_fields = ["body", "vendor", "vendor_candidates", "device_model", "investigation"]
    inlines = [CitationInline, CapabilityInline]
    date_hierarchy = "as_of"


@admin.register(m.Source)
class SourceAdmin(SealedMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "publisher", "published"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher", "url"]


@admin.register(m.Investigation)
class InvestigationAdmin(SealedMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "conducted_by", "published", "embargo_until"]
    search_fields = ["title", "slug", "conducted_by"]
    autocomplete_fields = ["sources"]
    filter_horizontal = ["team"]
    inlines = [TargetInline]


@admin.register(m.Claim)
class ClaimAdmin(SealedMixin, SimpleHistoryAdmin):
    list_display = ["key", "investigation", "numerator", "denominator", "percent_printed"]
    list_filter = ["investigation", "denominator_basis", "verbatim"]
    search_fields = ["key", "text", "subject"]
    autocomplete_fields = ["source", "corrected_by"]


@admin.register(m.DeviceModel)
class DeviceModelAdmin(SimpleHistoryAdmin):
    list_display = ["code", "vendor", "device_type"]
    search_fields = ["code", "series"]
    autocomplete_fields = ["vendor", "source"]


@admin.register(m.SurveyLocation)
class SurveyLocationAdmin(SealedMixin, SimpleHistoryAdmin):
    list_display = ["name", "locality", "investigation", "count"]
    autocomplete_fields = ["source"]


@admin.register(m.ConcernPolicy)
class ConcernPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name"]


@admin.register(m.BodyKind)
class BodyKindAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "group_label", "sort_order"]
    search_fields = ["label", "slug"]


@admin.register(m.DeviceType, m.Capability)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "sort_order"]
    search_fields = ["label", "slug"]

"""Editors add and correct contracts, organisations, payments and stated policies here;
every change is kept in the history (simple_history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from camwatch.money import models as mm


class SuppliesInline(admin.TabularInline):
    model = mm.OrganisationVendor
    extra = 0
    autocomplete_fields = ["vendor", "source"]


@admin.register(mm.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "company_number", "origin"]
    list_filter = ["kind", "origin"]
    search_fields = ["name", "slug", "company_number"]
    inlines = [SuppliesInline]


@admin.register(mm.Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["title", "buyer", "supplier", "value", "currency", "start", "origin"]
    list_filter = ["origin", "value_kind", "currency"]
    search_fields = ["title", "key", "ocid", "buyer_name", "supplier_name"]
    autocomplete_fields = ["buyer", "supplier", "supplier_body", "integrator", "source"]
    filter_horizontal = ["manufacturers"]


@admin.register(mm.Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["body", "supplier_name", "date", "amount", "currency", "surveillance"]
    list_filter = ["surveillance", "origin"]
    search_fields = ["supplier_name", "description", "body__name"]
    autocomplete_fields = ["body", "supplier", "source"]


@admin.register(mm.StatedPolicy)
class StatedPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["body", "stance", "stated", "deadline"]
    list_filter = ["stance"]
    search_fields = ["key", "body__name", "quote"]
    autocomplete_fields = ["body", "source"]
    filter_horizontal = ["vendors"]


@admin.register(mm.NameReview)
class NameReviewAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "score", "status", "decided_by"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]

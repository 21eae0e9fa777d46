"""The admin for editors: campaigns with their templates and files, requests with their
audit log (read-only), and the holding pen of unmatched mail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from camwatch.foi.models import Campaign, CampaignFile, Event, Message, QuestionTemplate, Request


class TemplateInline(admin.StackedInline):
    model = QuestionTemplate
    extra = 0


class FileInline(admin.TabularInline):
    model = CampaignFile
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "embargo_until", "owner"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["collaborators"]
    inlines = [TemplateInline, FileInline]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "from_state", "to_state", "note", "message"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "body", "campaign", "state", "due", "needs_attention"]
    list_filter = ["campaign", "state", "regime", "needs_attention"]
    search_fields = ["reference", "body__name", "subject"]
    raw_id_fields = ["body"]
    readonly_fields = ["state", "due", "long_overdue_after", "review_due"]  # computed
    inlines = [EventInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.refresh_clock()  # the due dates follow any edit of the clock's fields
        super().save_model(request, obj, form, change)
        if change:
            obj.log(
                "edited", request.user.get_username(), f"changed {', '.join(form.changed_data)}"
            )


class HeldFilter(admin.SimpleListFilter):
    title = "holding pen"
    parameter_name = "held"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "unmatched mail")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(direction="in", request__isnull=True)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["date", "direction", "kind", "sender", "subject", "request", "matched_by"]
    list_filter = [HeldFilter, "direction", "kind"]
    search_fields = ["subject", "sender", "message_id"]
    raw_id_fields = ["request"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from camwatch.coding.models import CensorRule, Document, Suggestion


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "body", "format", "size", "created")
    search_fields = ("name", "sha256")
    readonly_fields = ("sha256", "size", "format", "parts", "errors", "created")
    raw_id_fields = ("body", "investigation", "foi_request", "source", "uploaded_by")


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ("document", "kind", "status", "reviewer", "reviewed_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("document", "reviewer", "holding")


@admin.register(CensorRule)
class CensorRuleAdmin(SimpleHistoryAdmin):
    list_display = ("text", "regexp", "replacement", "body", "document", "reason")
    raw_id_fields = ("body", "document")

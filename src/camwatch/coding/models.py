"""Stored replies and the suggestions read from them, queued for a person to confirm.

One Document per file as received (an email with its attachments, a ZIP, a PDF), kept with
its sha256: the same bytes ingested twice are one document. Its parts (the email body, each
attachment) keep their text page by page and their tables, as read. A Suggestion is one
proposed fact with its evidence: which part, which page, the character offsets in that
page's text and the quoted words.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.coding.censor import Rule, RuleError, censor
from camwatch.registry.models import Investigation, PublicBody, Source


def document_path(instance: Document, filename: str) -> str:
    return f"coding/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Document(models.Model):
    name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to=document_path, max_length=700)
    body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.PROTECT, related_name="coded_documents"
    )
    investigation = models.ForeignKey(
        Investigation, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    foi_request = models.ForeignKey(
        "foi.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    parts = models.JSONField(default=list, help_text="[{name, format, sha256, size, pages, ...}]")
    errors = models.JSONField(default=list, blank=True, help_text="Parts that could not be read")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="coded_documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_name = models.CharField(max_length=300, blank=True, help_text="Redacted when shown")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["parts"])

    class Meta:
        ordering = ["-created", "name"]
        permissions = [("review_document", "Can review response-coding suggestions")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coding-document", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("coding-public", args=[self.pk])

    def page_text(self, part: str, page: int) -> str:
        for item in self.parts:
            if item["name"] == part and 1 <= page <= len(item["pages"]):
                return str(item["pages"][page - 1])
        return ""

    def applicable_rules(self) -> list[Rule]:
        """The editors' rules that apply to this document: global, its body's and its own."""
        scope = (
            models.Q(body__isnull=True, document__isnull=True)
            | models.Q(body=self.body_id, document__isnull=True)
            | models.Q(document=self)
        )
        return [
            Rule(rule.text, rule.regexp, rule.replacement)
            for rule in CensorRule.objects.filter(scope)
        ]

    def published(self, text: str, rules: list[Rule] | None = None) -> str:
        """`text` as it may be shown publicly: officers' personal data and censored phrases
        removed."""
        names = [self.sender_name] if self.sender_name else []
        return censor(text, self.applicable_rules() if rules is None else rules, names)

    @property
    def notices(self) -> list[str]:
        return [f"{p['name']}: {n}" for p in self.parts for n in p.get("notices", [])]


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "to review"
    ACCEPTED = "accepted", "accepted"
    EDITED = "edited", "accepted with edits"
    REJECTED = "rejected", "rejected"


class Suggestion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestions")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20)
    value = models.JSONField(help_text="As read")
    part = models.CharField(max_length=700, help_text="The file inside the document")
    page = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    final = models.JSONField(null=True, blank=True, help_text="As accepted, after any edits")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    holding = models.ForeignKey(
        "registry.Holding", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True, help_text="What accepting it did")
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "order"]
        indexes = [models.Index(fields=["document", "status"], name="suggestion_queue")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    @property
    def is_fact(self) -> bool:
        return self.kind not in ("date", "reference", "model", "total", "cost")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk, "kind": self.kind, "value": self.value, "status": self.status,
            "final": self.final, "evidence": {"document": self.part, "page": self.page,
            "start": self.start, "end": self.end, "quote": self.quote},
            "reviewer": self.reviewer.get_username() if self.reviewer else None,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
        }  # fmt: skip


class CensorRule(models.Model):
    """Text to hide from published copies of replies, as Alaveteli's censor rules do: a
    literal phrase or a regular expression, for every document, one body's, or one
    document's."""

    text = models.CharField(max_length=500)
    regexp = models.BooleanField(default=False)
    replacement = models.CharField(max_length=100, default="[redacted]")
    body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.CASCADE, related_name="censor_rules"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="censor_rules"
    )
    reason = models.CharField(max_length=300, help_text="Why: shown to editors only")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        try:
            Rule(self.text, self.regexp, self.replacement).compiled()
        except RuleError as error:
            raise ValidationError({"text": str(error)}) from error

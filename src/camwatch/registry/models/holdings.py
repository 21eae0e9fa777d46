"""Holding, the core fact: body B has or had N devices of type T from vendor V, as of a
date, known by some method, cited to one or more sources. A later disclosure is a new
Holding, never an edit of the old one."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from camwatch.registry.embargo import EveryRecordManager, SealedByHolding, SealedByInvestigation
from camwatch.registry.models.base import (
    CheckedAgainstSealed,
    Confidence,
    PartialDateAttribute,
    TimeStamped,
    precision_field,
)
from camwatch.registry.models.bodies import PublicBody
from camwatch.registry.models.devices import DeviceModel
from camwatch.registry.models.vendors import Vendor
from camwatch.registry.models.vocab import Capability, DeviceType
from camwatch.registry.querysets import HoldingQuerySet


class CountQualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    APPROXIMATELY = "approximately", "about"
    AT_MOST = "at_most", "at most"
    NOT_STATED = "not_stated", "number not stated"


class HoldingStatus(models.TextChoices):
    IN_USE = "in_use", "in use"
    PAST = "past", "used in the past"
    PLANNED = "planned", "planned"


class ScopeKind(models.TextChoices):
    WHOLE_BODY = "whole_body", "the whole body"
    TOWN = "town", "a town or area"
    SITE = "site", "a site or building"
    SYSTEM = "system", "one system or network"
    UNSPECIFIED = "unspecified", "not specified"


class Method(models.TextChoices):
    FOI_RESPONSE = "foi_response", "FOI response"
    SURVEY_RETURN = "survey_return", "survey return"
    PUBLISHED_REPORT = "published_report", "published report"
    FIELD_SIGHTING = "field_sighting", "field sighting"
    NETWORK_AUDIT = "network_audit", "network audit"


class Holding(CheckedAgainstSealed, TimeStamped):
    key = models.SlugField(max_length=120, unique=True)
    body = models.ForeignKey(PublicBody, on_delete=models.PROTECT, related_name="holdings")
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="holdings"
    )
    vendor_candidates = models.ManyToManyField(
        Vendor,
        blank=True,
        related_name="candidate_holdings",
        help_text="When the source says only 'one or more of these' and not which",
    )
    device_type = models.ForeignKey(
        DeviceType, null=True, blank=True, on_delete=models.PROTECT, related_name="holdings"
    )
    device_model = models.ForeignKey(
        DeviceModel, null=True, blank=True, on_delete=models.PROTECT, related_name="holdings"
    )
    count = models.PositiveIntegerField(null=True, blank=True)
    count_qualifier = models.CharField(
        max_length=20, choices=CountQualifier.choices, default=CountQualifier.NOT_STATED
    )
    status = models.CharField(
        max_length=10, choices=HoldingStatus.choices, default=HoldingStatus.IN_USE
    )
    as_of = models.DateField()
    as_of_precision = precision_field()
    scope_kind = models.CharField(
        max_length=20, choices=ScopeKind.choices, default=ScopeKind.WHOLE_BODY
    )
    scope_name = models.CharField(max_length=200, blank=True)
    scope_body = models.ForeignKey(
        PublicBody,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holdings_in_area",
        help_text="The body whose area a part covers, e.g. Cambridge for a 3C town figure",
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    investigation = models.ForeignKey(
        "Investigation", null=True, blank=True, on_delete=models.SET_NULL, related_name="holdings"
    )
    sources = models.ManyToManyField("Source", through="HoldingSource", related_name="holdings")
    description = models.CharField(max_length=300, blank=True, help_text="As the source puts it")
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[vendor_candidates])

    objects = SealedByInvestigation.from_queryset(HoldingQuerySet)()
    all_objects = HoldingQuerySet.as_manager()

    as_of_partial = PartialDateAttribute("as_of")

    class Meta:
        ordering = ["body__name", "as_of", "key"]
        indexes = [
            # Series of one body, vendor and device type over time: the findings' checks,
            # estates and change-over-time group and join on these.
            models.Index(
                fields=[
                    "body",
                    "vendor",
                    "device_type",
                    "as_of",
                    "scope_kind",
                    "scope_name",
                    "count",
                ],
                name="holding_series",
            ),
            # An investigation's holdings by vendor: covers the ledger's counting queries.
            models.Index(
                fields=["investigation", "vendor", "status", "count", "body"],
                name="holding_investigation",
            ),
            models.Index(fields=["vendor", "as_of"], name="holding_vendor_date"),
            # Only the parts (towns, sites, systems): the parts-and-totals check sums these.
            models.Index(
                fields=["body", "vendor", "device_type", "as_of", "count"],
                condition=models.Q(scope_kind__in=["town", "site", "system"]),
                name="holding_parts",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__isnull=False) | models.Q(count_qualifier="not_stated"),
                name="count_needs_qualifier",
            ),
        ]

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        """e.g. "1,790 Hikvision IP cameras" or "Hikvision or Dahua equipment"."""
        count = ""
        if self.count is not None:
            qualifier = self.get_count_qualifier_display()
            prefix = "" if self.count_qualifier == CountQualifier.EXACT else f"{qualifier} "
            count = f"{prefix}{self.count:,} "
        vendor = self.vendor_label()
        kind = "equipment"
        if self.device_type_id:
            one = self.count == 1
            kind = self.device_type.label if one else self.device_type.label_plural
        return f"{count}{vendor} {kind}".strip()

    def vendor_label(self) -> str:
        if self.vendor_id:
            return self.vendor.name
        candidates = [vendor.name for vendor in self.vendor_candidates.all()]
        if candidates:
            return " or ".join(sorted(candidates))
        return "vendor not stated"


class HoldingSource(CheckedAgainstSealed):
    """One source cited for a holding, with the passage that supports it."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(blank=True)
    locator = models.CharField(max_length=200, blank=True, help_text="page, table or paragraph")
    history = HistoricalRecords()

    objects = SealedByHolding()
    all_objects = EveryRecordManager()

    class Meta:
        verbose_name = "holding citation"
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "source", "locator"], name="unique_holding_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holding.key} <- {self.source.key}"


class CapabilityStatus(models.TextChoices):
    ENABLED = "enabled", "enabled"
    PRESENT = "present", "present (use not stated)"
    DISABLED = "disabled", "present but switched off"
    NOT_ENABLED = "not_enabled", "not enabled (presence not stated)"
    ABSENT = "absent", "not present"
    USED_IN_PAST = "used_in_past", "used in the past"
    PLANNED = "planned", "planned"


class HoldingCapability(CheckedAgainstSealed):
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="capabilities")
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="holdings")
    status = models.CharField(max_length=20, choices=CapabilityStatus.choices)
    history = HistoricalRecords()

    objects = SealedByHolding()
    all_objects = EveryRecordManager()

    class Meta:
        verbose_name_plural = "holding capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "capability"], name="unique_holding_capability"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capability}: {self.get_status_display()}"

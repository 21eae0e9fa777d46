"""Vendors, their brands and rebadges, their owners and the restrictions on them."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.registry.models.base import (
    Confidence,
    PartialDateAttribute,
    TimeStamped,
    precision_field,
)


class VendorRole(models.TextChoices):
    MANUFACTURER = "manufacturer", "Manufacturer"
    BRAND = "brand", "Brand as sold"


class Vendor(TimeStamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    role = models.CharField(max_length=20, choices=VendorRole.choices)
    legal_name = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code of headquarters")
    country_source = models.ForeignKey(
        "Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(max_length=500, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("vendor-detail", args=[self.slug])


class RelationKind(models.TextChoices):
    BRAND_OF = "brand_of", "is a brand of"
    SUBSIDIARY_OF = "subsidiary_of", "is a subsidiary of"
    OEM_OF = "oem_of", "sells equipment made by"
    JOINT_VENTURE_OF = "joint_venture_of", "is a joint venture of"


class VendorRelation(TimeStamped):
    """`vendor` `kind` `target`, e.g. Lorex subsidiary_of Dahua, 2018-02-06 to 2022-11-24."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="related_brands")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    start = models.DateField(null=True, blank=True)
    start_precision = precision_field()
    end = models.DateField(null=True, blank=True)
    end_precision = precision_field()
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    start_partial = PartialDateAttribute("start")
    end_partial = PartialDateAttribute("end")

    class Meta:
        ordering = ["vendor__name", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind", "target"], name="unique_relation"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.get_kind_display()} {self.target}"


class Ownership(TimeStamped):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="ownership")
    owner = models.CharField(max_length=300)
    state_controlled = models.BooleanField(default=False)
    share_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = precision_field()
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    as_of_partial = PartialDateAttribute("as_of")

    class Meta:
        ordering = ["vendor__name", "as_of"]
        verbose_name_plural = "ownership"

    def __str__(self) -> str:
        share = f" {self.share_percent}%" if self.share_percent is not None else ""
        return f"{self.owner}{share} of {self.vendor}"


class Restriction(TimeStamped):
    """A dated restriction on a vendor: jurisdiction, instrument, when it took effect."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="restrictions")
    jurisdiction = models.CharField(max_length=10, help_text="ISO 3166 code, e.g. US, GB, AU")
    instrument = models.SlugField(max_length=80, help_text="e.g. us-entity-list, ndaa-889")
    title = models.CharField(max_length=300)
    effective = models.DateField()
    effective_precision = precision_field()
    announced = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    scope = models.TextField(blank=True)
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True)
    history = HistoricalRecords()

    effective_partial = PartialDateAttribute("effective")

    class Meta:
        ordering = ["effective", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "instrument"], name="unique_vendor_instrument"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.vendor})"


class ConcernPolicy(TimeStamped):
    """A named rule for "of concern" (see registry/concern.py); its definition is JSON."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    definition = models.JSONField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "concern policies"

    def __str__(self) -> str:
        return self.name

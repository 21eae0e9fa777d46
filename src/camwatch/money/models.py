"""Who paid whom for what: organisations, contracts, spending and stated policies.

A contract or a payment is a fact with a source, like a holding. Names as published
(`buyer_name`, `supplier_name`) are always kept; the links to a body or an organisation
are made by matching, and an uncertain match waits for a person (NameReview).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.registry.models import PublicBody, Source, Vendor
from camwatch.registry.models.base import (
    Confidence,
    PartialDateAttribute,
    TimeStamped,
    precision_field,
)


class Origin(models.TextChoices):
    BUNDLED = "bundled", "bundled data"
    OCDS = "ocds", "OCDS import"
    SPEND = "spend", "spending file import"
    MANUAL = "manual", "entered by hand"


class OrganisationKind(models.TextChoices):
    INTEGRATOR = "integrator", "systems integrator"
    INSTALLER = "installer", "installer"
    MAINTAINER = "maintainer", "maintenance contractor"
    DISTRIBUTOR = "distributor", "distributor"
    SUPPLIER = "supplier", "supplier (role not known)"


class Organisation(TimeStamped):
    """A company or other body that is not a public body: an integrator, an installer."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    company_number = models.CharField(max_length=40, blank=True, help_text="e.g. GB-COH-01234567")
    country = models.CharField(max_length=2, blank=True)
    website = models.URLField(max_length=500, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.BUNDLED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation-detail", args=[self.slug])


class SupplyRelation(models.TextChoices):
    INSTALLS = "installs", "installs equipment made by"
    INTEGRATES = "integrates", "integrates systems from"
    DISTRIBUTES = "distributes", "distributes"
    PARTNERS = "partners", "is a partner of"


class OrganisationVendor(TimeStamped):
    """A known manufacturer relation: Synectics installs cameras supplied by Hikvision."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="vendor_relations"
    )
    relation = models.CharField(max_length=20, choices=SupplyRelation.choices)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="supplied_by")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    start = models.DateField(null=True, blank=True)
    start_precision = precision_field()
    end = models.DateField(null=True, blank=True)
    end_precision = precision_field()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True)
    history = HistoricalRecords()

    start_partial = PartialDateAttribute("start")
    end_partial = PartialDateAttribute("end")

    class Meta:
        ordering = ["organisation__name", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "relation", "vendor"], name="unique_supply_relation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_relation_display()} {self.vendor}"


class ValueKind(models.TextChoices):
    CONTRACT = "contract", "contract value"
    PAID = "paid", "amount paid"
    ESTIMATE = "estimate", "estimated value"


class Contract(TimeStamped):
    """Buyer paid (or agreed to pay) supplier, perhaps through an integrator, for goods
    from some manufacturers. `value` is the whole contract's: rarely all hardware."""

    key = models.SlugField(max_length=160, unique=True)
    ocid = models.CharField(max_length=200, blank=True, help_text="OCDS contracting process id")
    buyer = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    buyer_name = models.CharField(max_length=300, blank=True, help_text="As published")
    supplier = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    supplier_body = models.ForeignKey(
        PublicBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_supplied",
        help_text="When the supplier is itself a public body (a shared service)",
    )
    supplier_name = models.CharField(max_length=300, blank=True, help_text="As published")
    integrator = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrated_contracts",
    )
    manufacturers = models.ManyToManyField(Vendor, blank=True, related_name="contracts")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    value_kind = models.CharField(
        max_length=10, choices=ValueKind.choices, default=ValueKind.CONTRACT
    )
    start = models.DateField(null=True, blank=True)
    start_precision = precision_field()
    end = models.DateField(null=True, blank=True)
    end_precision = precision_field()
    reference = models.CharField(max_length=200, blank=True, help_text="Procurement reference")
    cpv_codes = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(
        default=list, blank=True, help_text="Why an imported notice counts as surveillance"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="contracts")
    quote = models.TextField(blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.BUNDLED)
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[manufacturers])  # restored with a record

    start_partial = PartialDateAttribute("start")
    end_partial = PartialDateAttribute("end")

    class Meta:
        ordering = ["start", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid"], condition=~models.Q(ocid=""), name="unique_contract_ocid"
            ),
        ]
        indexes = [models.Index(fields=["buyer", "start"], name="contract_buyer_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contract-detail", args=[self.key])

    def supplier_label(self) -> str:
        found = self.supplier or self.supplier_body
        return str(found) if found else self.supplier_name or "supplier not stated"

    def buyer_label(self) -> str:
        return str(self.buyer) if self.buyer_id else self.buyer_name or "buyer not stated"


class Payment(TimeStamped):
    """Money a body paid out: one line of a spending file, or a total a source reports
    for a period ("spent £795,000 on CCTV between 2017 and 2020")."""

    body = models.ForeignKey(PublicBody, on_delete=models.PROTECT, related_name="payments")
    supplier = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    supplier_name = models.CharField(max_length=300, blank=True, help_text="As published")
    date = models.DateField()
    date_precision = precision_field()
    end = models.DateField(null=True, blank=True, help_text="For a total over a period")
    end_precision = precision_field()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    description = models.CharField(max_length=500, blank=True)
    expense_type = models.CharField(max_length=200, blank=True)
    service = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    surveillance = models.BooleanField(default=False, help_text="Matched the surveillance rules")
    # sha256 of an imported line, or "bundled:<key>": a re-import finds what it already has
    fingerprint = models.CharField(max_length=200, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="payments")
    locator = models.CharField(max_length=200, blank=True, help_text="file line, page")
    quote = models.TextField(blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SPEND)
    history = HistoricalRecords()

    date_partial = PartialDateAttribute("date")
    end_partial = PartialDateAttribute("end")

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["body", "date"], name="payment_body_date")]

    def __str__(self) -> str:
        return f"{self.body} paid {self.currency} {self.amount} to {self.supplier_label()}"

    def supplier_label(self) -> str:
        return str(self.supplier) if self.supplier_id else self.supplier_name or "not stated"


class Stance(models.TextChoices):
    BAN = "ban", "bans the vendors' equipment"
    REPLACE = "replace", "is replacing the vendors' equipment"
    NO_NEW = "no_new_purchases", "buys no new equipment from the vendors"
    KEEP = "keep", "keeps the vendors' equipment"
    ADOPT = "adopt", "is adopting the vendors' equipment"


class StatedPolicy(TimeStamped):
    """What a body has said about vendors' equipment, with its date and source."""

    key = models.SlugField(max_length=120, unique=True)
    body = models.ForeignKey(PublicBody, on_delete=models.PROTECT, related_name="stated_policies")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    vendors = models.ManyToManyField(Vendor, related_name="stated_policies")
    stated = models.DateField(help_text="When the body said it")
    stated_precision = precision_field()
    effective = models.DateField(null=True, blank=True, help_text="When it took effect")
    effective_precision = precision_field()
    deadline = models.DateField(null=True, blank=True, help_text="Replace or remove by")
    deadline_precision = precision_field()
    scope = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="stated_policies")
    quote = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[vendors])

    stated_partial = PartialDateAttribute("stated")
    effective_partial = PartialDateAttribute("effective")
    deadline_partial = PartialDateAttribute("deadline")

    class Meta:
        ordering = ["body__name", "stated"]
        verbose_name_plural = "stated policies"

    def __str__(self) -> str:
        return f"{self.body} {self.get_stance_display()}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "waiting for a person"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"


class NameReview(TimeStamped):
    """A published name that matched a body or an organisation only uncertainly. When a
    person accepts it, the name becomes an alias, so that every later import matches it."""

    KIND_CHOICES = [("buyer", "buyer (a public body)"), ("supplier", "supplier (an organisation)")]

    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    name = models.CharField(max_length=300)
    candidate_body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    candidate_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decided_by = models.CharField(max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "-score", "name"]
        permissions = [("review_names", "Can confirm or reject uncertain name matches")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_name_review"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ~ {self.candidate()} ({self.score:.0f})"

    def candidate(self) -> PublicBody | Organisation | None:
        return self.candidate_body or self.candidate_organisation

"""Investigations (a survey or FOI campaign by somebody), their targets' outcomes and
their published claims, recorded as data so that they can be reproduced later."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.registry.embargo import (
    EveryRecordManager,
    PublishedInvestigations,
    SealedByInvestigation,
    shown,
)
from camwatch.registry.models.base import (
    CheckedAgainstSealed,
    Embargoed,
    PartialDateAttribute,
    TimeStamped,
    precision_field,
)
from camwatch.registry.models.bodies import PublicBody


class InvestigationKind(models.TextChoices):
    FOI_CAMPAIGN = "foi_campaign", "FOI campaign"
    SURVEY = "survey", "Survey"
    STREET_SURVEY = "street_survey", "Street survey"
    NETWORK_SCAN = "network_scan", "Network scan"
    FOI_REQUEST = "foi_request", "Single FOI request"


class Investigation(CheckedAgainstSealed, Embargoed, TimeStamped):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=InvestigationKind.choices)
    conducted_by = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    method = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True)
    target_description = models.TextField(blank=True)
    stated_target_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many targets the investigation says it asked"
    )
    started = models.DateField(null=True, blank=True)
    started_precision = precision_field()
    published = models.DateField(null=True, blank=True)
    published_precision = precision_field()
    sources = models.ManyToManyField("Source", blank=True, related_name="investigations")
    notes = models.TextField(blank=True)
    # Sealed (registry/embargo.py) until embargo_until: nothing of it shows outside its team.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_investigations",
    )  # fmt: skip
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="investigation_teams",
        help_text="Who sees the investigation while it is under embargo, with its owner",
    )  # fmt: skip
    history = HistoricalRecords(m2m_fields=[sources, team])

    objects = PublishedInvestigations()
    all_objects = EveryRecordManager()

    started_partial = PartialDateAttribute("started")
    published_partial = PartialDateAttribute("published")

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("investigation-detail", args=[self.slug])

    def members(self) -> models.QuerySet[Any]:
        return self.team.all()


class Outcome(models.TextChoices):
    PROVIDED = "provided", "provided information"
    PARTLY_PROVIDED = "partly_provided", "partly provided"
    NOT_HELD = "not_held", "information not held"
    WITHHELD = "withheld", "withheld"
    REFUSED = "refused", "refused, citing exemptions"
    NCND = "ncnd", "neither confirmed nor denied"
    NO_RESPONSE = "no_response", "no response"
    AFTER_PUBLICATION = "after_publication", "answered after publication"
    UNKNOWN = "unknown", "outcome not in the available sources"


class InvestigationTarget(CheckedAgainstSealed, TimeStamped):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="targets"
    )
    body = models.ForeignKey(
        PublicBody, on_delete=models.PROTECT, related_name="investigation_targets"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN)
    exemptions = models.JSONField(default=list, blank=True, help_text='e.g. ["s.12", "s.24"]')
    responded = models.DateField(null=True, blank=True)
    responded_precision = precision_field()
    source = models.ForeignKey("Source", null=True, blank=True, on_delete=models.PROTECT)
    quote = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = SealedByInvestigation()
    all_objects = EveryRecordManager()

    responded_partial = PartialDateAttribute("responded")

    class Meta:
        ordering = ["investigation", "body__name"]
        indexes = [models.Index(fields=["investigation", "outcome"], name="target_outcome")]
        constraints = [
            models.UniqueConstraint(fields=["investigation", "body"], name="unique_target"),
        ]

    def __str__(self) -> str:
        return f"{self.body} in {self.investigation}: {self.get_outcome_display()}"


class DenominatorBasis(models.TextChoices):
    ASKED = "asked", "all bodies asked"
    RESPONDED = "responded", "bodies that responded"
    PROVIDED = "provided", "bodies that provided the information"
    SUBGROUP = "subgroup", "a named subgroup of respondents"
    POPULATION = "population", "a wider population"
    IMPLIED = "implied", "implied by the printed percentage"
    NOT_STATED = "not_stated", "not stated"


class Claim(CheckedAgainstSealed, TimeStamped):
    """A published figure exactly as printed: "28 of 43 (65%) disclosed Hikvision"."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="claims"
    )
    key = models.SlugField(max_length=120, unique=True)
    text = models.TextField(help_text="The claim as printed")
    verbatim = models.BooleanField(
        default=True, help_text="False when the text is a paraphrase; the figures are as printed"
    )
    subject = models.CharField(max_length=300, help_text="What is counted")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    denominator_basis = models.CharField(
        max_length=20, choices=DenominatorBasis.choices, default=DenominatorBasis.NOT_STATED
    )
    percent_printed = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = precision_field()
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="claims")
    quote = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrects"
    )
    notes = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in the data files")
    recompute = models.JSONField(
        default=dict, blank=True, help_text="How to recompute it from the registry (claimspec.py)"
    )
    history = HistoricalRecords()

    objects = SealedByInvestigation()
    all_objects = EveryRecordManager()

    published_partial = PartialDateAttribute("published")

    class Meta:
        ordering = ["investigation", "position", "key"]

    def __str__(self) -> str:
        return self.text

    @property
    def correction(self) -> Claim | None:
        """The claim that corrects this one, unless it is of an investigation under embargo
        that is not opened here: a published claim does not point into a sealed one."""
        if not self.corrected_by_id:
            return None
        found = self.corrected_by
        return found if found is not None and shown(found.investigation) else None


class SurveyLocation(CheckedAgainstSealed, TimeStamped):
    """A place a street survey names. Coordinates only with the method that derived them."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=200)
    locality = models.CharField(max_length=200)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    coordinates_method = models.TextField(blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    source = models.ForeignKey("Source", on_delete=models.PROTECT)
    quote = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = SealedByInvestigation()
    all_objects = EveryRecordManager()

    class Meta:
        ordering = ["investigation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["investigation", "name"], name="unique_location"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | ~models.Q(coordinates_method=""),
                name="coordinates_need_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.locality}"

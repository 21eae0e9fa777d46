"""PublicBody and Membership: who is accountable for the cameras."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.registry.models.base import TimeStamped
from camwatch.registry.models.vocab import BodyKind
from camwatch.registry.querysets import PublicBodyQuerySet
from camwatch.registry.textsearch import search_document, words


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    UK = "uk", "United Kingdom"


class FoiRegime(models.TextChoices):
    FOIA = "foia", "Freedom of Information Act 2000"
    FOISA = "foisa", "Freedom of Information (Scotland) Act 2002"


class PublicBody(TimeStamped):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.ForeignKey(BodyKind, on_delete=models.PROTECT, related_name="bodies")
    nation = models.CharField(max_length=20, choices=Nation.choices)
    region = models.CharField(max_length=100, blank=True)
    official_code = models.CharField(
        max_length=20, blank=True, db_index=True, help_text="GSS code for councils"
    )
    former_codes = models.JSONField(default=list, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    tags = models.JSONField(
        default=list, blank=True, help_text="Free labels for picking bodies, e.g. ring-of-steel"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Upper tier, e.g. a district's county council",
    )
    foi_regime = models.CharField(max_length=10, choices=FoiRegime.choices)
    website = models.URLField(max_length=500, blank=True)
    foi_email = models.EmailField(blank=True)
    foi_url = models.URLField(max_length=500, blank=True)
    whatdotheyknow_slug = models.SlugField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="Abolished or merged on")
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    source = models.ForeignKey(
        "Source", null=True, blank=True, on_delete=models.PROTECT, related_name="bodies_listed"
    )
    notes = models.TextField(blank=True)
    search_text = models.TextField(blank=True, editable=False)
    name_key = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The name folded to its words: bodies whose names mean the same share it",
    )
    history = HistoricalRecords(excluded_fields=["search_text", "name_key"])

    objects = PublicBodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "public bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["official_code"],
                condition=~models.Q(official_code=""),
                name="unique_official_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("body-detail", args=[self.slug])

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.build_search_text()
        self.name_key = " ".join(words(self.name))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def build_search_text(self) -> str:
        return search_document([self.name, self.official_code, *self.aliases, *self.former_codes])

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Membership(TimeStamped):
    """`member` belongs to `group`: e.g. Huntingdonshire in 3C Shared Services."""

    group = models.ForeignKey(PublicBody, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(PublicBody, on_delete=models.CASCADE, related_name="member_of")
    role = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey("Source", null=True, blank=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group}"

"""Source: where a fact comes from. Every fact in the registry cites at least one."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from camwatch.registry.embargo import EveryRecordManager, PublishedSources
from camwatch.registry.models.base import (
    CheckedAgainstSealed,
    PartialDateAttribute,
    TimeStamped,
    precision_field,
)
from camwatch.web.uploads import validate_upload


class SourceKind(models.TextChoices):
    NEWS = "news", "News article"
    REPORT = "report", "Report"
    FOI_RESPONSE = "foi-response", "FOI response"
    SURVEY = "survey", "Survey return or analysis"
    WEB_PAGE = "web-page", "Web page"
    DATASET = "dataset", "Dataset"
    LEGISLATION = "legislation", "Legislation or regulation"
    STATEMENT = "statement", "Official statement"
    PRESS_RELEASE = "press-release", "Press release"
    CHART = "chart", "Chart"
    OTHER = "other", "Other"


class Source(CheckedAgainstSealed, TimeStamped):
    key = models.SlugField(max_length=120, unique=True, help_text="Stable identifier")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    archive_url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = precision_field()
    retrieved = models.DateField(null=True, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="sources/", blank=True, validators=[validate_upload])
    sha256 = models.CharField(max_length=64, blank=True)
    quote = models.TextField(blank=True, help_text="The passage relied on, as printed")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = PublishedSources()
    all_objects = EveryRecordManager()

    published_partial = PartialDateAttribute("published")

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("source-detail", args=[self.key])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hashed_file = self.file.name if self.sha256 else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A newly stored or replaced file gets its digest, so that a copy can be checked
        # against the original later.
        if self.file and (self.file.name != self._hashed_file or not self.sha256):
            self.sha256 = file_sha256(self.file)
            self._hashed_file = self.file.name
        super().save(*args, **kwargs)


def file_sha256(stored: Any) -> str:
    digest = hashlib.sha256()
    stored.open("rb")
    try:
        for chunk in stored.chunks():
            digest.update(chunk)
    finally:
        stored.seek(0)
    return digest.hexdigest()

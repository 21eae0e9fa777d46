"""The controlled vocabularies, loaded from data/vocab.yaml so that one list serves
the loader, the forms, the filters and the docs."""

from __future__ import annotations

from django.db import models


class Term(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "label"]

    def __str__(self) -> str:
        return self.label


class BodyKind(Term):
    group = models.SlugField(max_length=60, help_text="e.g. local-authority, police, education")
    group_label = models.CharField(max_length=120)

    class Meta(Term.Meta):
        verbose_name = "body kind"


class DeviceType(Term):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    plural = models.CharField(max_length=120, blank=True, help_text="Defaults to label + s")

    class Meta(Term.Meta):
        verbose_name = "device type"

    @property
    def label_plural(self) -> str:
        return self.plural or f"{self.label}s"


class Capability(Term):
    class Meta(Term.Meta):
        verbose_name_plural = "capabilities"

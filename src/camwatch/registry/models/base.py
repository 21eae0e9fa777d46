"""Pieces every registry model shares."""

from __future__ import annotations

from django.db import models

from camwatch.registry.dates import PartialDate, Precision


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


PRECISION_CHOICES = [(p.value, p.value) for p in Precision]


def precision_field() -> models.CharField:
    return models.CharField(max_length=5, choices=PRECISION_CHOICES, blank=True)


class PartialDateAttribute:
    """`obj.published_partial` -> PartialDate | None, from the `published` date field
    and its `published_precision` companion."""

    def __init__(self, field_name: str) -> None:
        self.field_name = field_name

    def __get__(self, instance: object, owner: type | None = None) -> PartialDate | None:
        if instance is None:
            return None  # accessed on the class
        start = getattr(instance, self.field_name)
        if start is None:
            return None
        precision = getattr(instance, f"{self.field_name}_precision") or Precision.DAY
        return PartialDate(start, Precision(precision))


def set_partial_date(instance: models.Model, field_name: str, value: PartialDate | None) -> None:
    setattr(instance, field_name, value.start if value else None)
    setattr(instance, f"{field_name}_precision", value.precision.value if value else "")

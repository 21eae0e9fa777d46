"""Pieces every registry model shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from camwatch.registry import embargo
from camwatch.registry.dates import PartialDate, Precision


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CheckedAgainstSealed(models.Model):
    """A model whose default manager leaves out the records of investigations under
    embargo (registry/embargo.py). Its unique checks (a form's, the admin's) look at every
    record, so that a key a sealed record holds is refused as a form error rather than
    failing at save."""

    class Meta:
        abstract = True

    def validate_unique(self, exclude: Any = None) -> None:
        with embargo.unsealed():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with embargo.unsealed():
            super().validate_constraints(exclude)


class Embargoed(models.Model):
    """A record under embargo until a date (an FOI campaign, an investigation): until then
    only its team sees it, that is its owner, its members and the admins (superusers).
    Editors and reviewers are staff but not on every team: an embargo holds against them.
    Subclasses have an `owner` and say who their other members are."""

    embargo_until = models.DateField(
        null=True, blank=True, help_text="Nothing of it is public before this day"
    )

    class Meta:
        abstract = True

    def members(self) -> models.QuerySet[Any]:
        raise NotImplementedError

    def is_public(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.embargo_until is None or today >= self.embargo_until

    def is_team(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return bool(
            user.is_superuser
            or user.pk == getattr(self, "owner_id", None)
            or self.members().filter(pk=user.pk).exists()
        )

    def visible_to(self, user: Any) -> bool:
        return self.is_public() or self.is_team(user)


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

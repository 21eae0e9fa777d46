"""Query sets for the registry models, kept apart from the models (as MuckRock does)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from camwatch.registry.textsearch import query_terms, words

if TYPE_CHECKING:
    _Base = models.QuerySet[Any]
else:
    _Base = models.QuerySet


class PublicBodyQuerySet(_Base):
    def current(self) -> PublicBodyQuerySet:
        return self.filter(end_date__isnull=True)

    def search(self, query: str, max_terms: int) -> PublicBodyQuerySet:
        """Bodies whose name, aliases or codes contain every term at a word start,
        best first: names that begin with the query, then the rest by name."""
        terms = query_terms(query, max_terms)
        if not terms:
            return self.none()
        matched = self
        for term in terms:
            matched = matched.filter(search_text__contains=f" {term}")
        phrase = " ".join(words(query))
        return matched.annotate(
            relevance=Case(
                When(search_text__startswith=f" {phrase} ", then=Value(0)),
                When(search_text__startswith=f" {phrase}", then=Value(1)),
                When(search_text__startswith=f" {terms[0]}", then=Value(2)),
                default=Value(3),
            )
        ).order_by("relevance", "name")

    def holding_from(self, vendor_slugs: Collection[str]) -> PublicBodyQuerySet:
        """Bodies with equipment attributed to these vendors: not a disclosed zero, not
        only a plan."""
        holdings = (
            apps.get_model("registry", "Holding")
            .objects.attributed_to(vendor_slugs)
            .exclude(count=0)
            .exclude(status="planned")
        )
        return self.filter(pk__in=holdings.values("body"))


class HoldingQuerySet(_Base):
    def attributed_to(self, vendor_slugs: Collection[str]) -> HoldingQuerySet:
        """Holdings whose vendor is one of these, or whose candidates all are.

        "Hikvision or Dahua, we cannot say which" belongs to {Hikvision, Dahua} but
        not to Hikvision alone: a candidate holding counts only where every
        candidate is in the set. The vendors are resolved to ids first and the
        candidates are only looked up for holdings without a vendor, so the database can
        keep to the narrowest index (an investigation's holdings, say) however large the
        registry.
        """
        vendor_ids = list(
            apps.get_model("registry", "Vendor")
            .objects.filter(slug__in=vendor_slugs)
            .values_list("pk", flat=True)
        )
        candidates = self.model.vendor_candidates.through.objects.filter(holding_id=OuterRef("pk"))
        return self.filter(
            Q(vendor_id__in=vendor_ids)
            | (
                Q(vendor__isnull=True)
                & Exists(candidates)
                & ~Exists(candidates.exclude(vendor_id__in=vendor_ids))
            )
        )

    def with_related(self) -> HoldingQuerySet:
        return self.select_related(
            "body", "body__kind", "vendor", "device_type", "device_model", "investigation"
        ).prefetch_related("vendor_candidates", "citations__source", "capabilities__capability")

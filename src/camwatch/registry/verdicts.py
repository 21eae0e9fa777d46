"""The concern engine (concern.py) fed from the database.

Builds the engine's plain facts from the vendor register once per call site and
answers "is this holding's vendor of concern under the site's policy, as of the
holding's date?".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, QuerySet

from camwatch.registry import concern
from camwatch.registry.models import ConcernPolicy, Holding, Vendor


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def load_facts() -> dict[str, concern.VendorFacts]:
    vendors = Vendor.objects.select_related("country_source").prefetch_related(
        "restrictions__source", "ownership__source", "relations__target", "relations__source"
    )
    return {vendor.slug: _facts_of(vendor) for vendor in vendors}


def _facts_of(vendor: Vendor) -> concern.VendorFacts:
    return concern.VendorFacts(
        slug=vendor.slug,
        name=vendor.name,
        country=vendor.country,
        country_source=vendor.country_source.key if vendor.country_source else "",
        restrictions=tuple(
            concern.RestrictionFact(
                r.jurisdiction, r.instrument, r.title, r.effective, r.ended, r.source.key
            )
            for r in vendor.restrictions.all()
        ),
        ownership=tuple(
            concern.OwnershipFact(
                o.owner, o.state_controlled, _float(o.share_percent), o.as_of, o.source.key
            )
            for o in vendor.ownership.all()
        ),
        relations=tuple(
            concern.RelationFact(
                r.kind,
                r.target.slug,
                r.confidence,
                r.start,
                r.end_partial.end if r.end_partial else None,
                r.source.key,
            )
            for r in vendor.relations.all()
        ),
    )


def policy_named(slug: str) -> concern.Policy:
    stored = ConcernPolicy.objects.filter(slug=slug).first()
    if stored is None:
        raise ImproperlyConfigured(
            f"concern policy {slug!r} is not in the registry (run `camwatch load-data`, "
            "or set CAMWATCH_CONCERN_POLICY to one of the loaded policies)"
        )
    return concern.Policy.from_dict({"slug": stored.slug, "name": stored.name, **stored.definition})


def active_policy() -> concern.Policy:
    return policy_named(settings.CAMWATCH_CONCERN_POLICY)


@dataclass
class ConcernIndex:
    """Verdicts under one policy, memoised by (vendor, date)."""

    policy: concern.Policy
    facts: dict[str, concern.VendorFacts]
    _cache: dict[tuple[str, dt.date], concern.Verdict] = field(default_factory=dict)
    _periods: dict[str, tuple[concern.Period, ...]] | None = None

    @classmethod
    def for_site(cls) -> ConcernIndex:
        return cls(active_policy(), load_facts())

    def verdict(self, vendor_slug: str, on: dt.date | None = None) -> concern.Verdict:
        day = on or dt.date.today()
        key = (vendor_slug, day)
        if key not in self._cache:
            self._cache[key] = concern.evaluate(self.policy, vendor_slug, self.facts, day)
        return self._cache[key]

    def periods(self) -> dict[str, tuple[concern.Period, ...]]:
        """For each vendor of concern on some day, the days it is (concern.concern_periods)."""
        if self._periods is None:
            found = {
                slug: concern.concern_periods(self.policy, slug, self.facts) for slug in self.facts
            }
            self._periods = {slug: periods for slug, periods in found.items() if periods}
        return self._periods

    def dated_vendor_q(self, vendor: str = "vendor_id", day: str = "as_of") -> Q:
        """A filter for rows whose vendor is of concern on the row's date, in SQL: a few
        date ranges per vendor, vendors with the same ranges together."""
        ids = dict(Vendor.objects.values_list("slug", "pk"))
        by_periods: dict[tuple[concern.Period, ...], list[int]] = defaultdict(list)
        for slug, periods in self.periods().items():
            if slug in ids:
                by_periods[periods].append(ids[slug])
        matched = Q(pk__in=[])
        for periods, vendor_ids in by_periods.items():
            for period in periods:
                bounds = Q(**{f"{vendor}__in": sorted(vendor_ids)})
                if period.start is not None:
                    bounds &= Q(**{f"{day}__gte": period.start})
                if period.end is not None:
                    bounds &= Q(**{f"{day}__lt": period.end})
                matched |= bounds
        return matched

    def holdings_of_concern(self, holdings: QuerySet[Holding]) -> QuerySet[Holding]:
        """holding_of_concern() as a filter: equipment there (not a disclosed zero, not only a
        plan) whose vendor, or every one of its candidate vendors, is of concern on its date."""
        candidates = Holding.vendor_candidates.through.objects.filter(holding_id=OuterRef("pk"))
        unconcerned = candidates.exclude(self.dated_vendor_q(day="holding__as_of"))
        by_candidates = Q(vendor__isnull=True) & Exists(candidates) & ~Exists(unconcerned)
        return (
            holdings.exclude(count=0)
            .exclude(status="planned")
            .filter(self.dated_vendor_q() | by_candidates)
        )

    def vendors_of_concern(self, holding: Holding) -> bool:
        """True when every vendor the holding may be from is of concern on its date."""
        slugs = self.vendor_slugs(holding)
        return bool(slugs) and all(self.verdict(slug, holding.as_of).of_concern for slug in slugs)

    def holding_of_concern(self, holding: Holding) -> bool:
        """Equipment of concern that was there: not a disclosed zero, not only a plan."""
        return (
            holding.count != 0 and holding.status != "planned" and self.vendors_of_concern(holding)
        )

    @staticmethod
    def vendor_slugs(holding: Holding) -> list[str]:
        if holding.vendor_id:
            return [holding.vendor.slug]
        return [vendor.slug for vendor in holding.vendor_candidates.all()]

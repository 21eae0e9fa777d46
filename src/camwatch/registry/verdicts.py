"""The concern engine (concern.py) fed from the database.

Builds the engine's plain facts from the vendor register once per call site and
answers "is this holding's vendor of concern under the site's policy, as of the
holding's date?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from camwatch.registry import concern, estates
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

    @classmethod
    def for_site(cls) -> ConcernIndex:
        return cls(active_policy(), load_facts())

    def verdict(self, vendor_slug: str, on: dt.date | None = None) -> concern.Verdict:
        day = on or dt.date.today()
        key = (vendor_slug, day)
        if key not in self._cache:
            self._cache[key] = concern.evaluate(self.policy, vendor_slug, self.facts, day)
        return self._cache[key]

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

    def concern_holdings(self, holdings: Iterable[Holding]) -> list[Holding]:
        return [holding for holding in holdings if self.holding_of_concern(holding)]

    def standing_facts(self, holdings: Iterable[Holding]) -> list[estates.Fact]:
        """Facts of concern that no later disclosure of none has retired (estates.py)."""
        facts = [
            _fact(holding)
            for holding in holdings
            if holding.status != "planned" and self.vendors_of_concern(holding)
        ]
        return estates.standing(facts)


def _fact(holding: Holding) -> estates.Fact:
    slugs = ConcernIndex.vendor_slugs(holding)
    return estates.Fact(
        body=holding.body_id,
        vendor=slugs[0] if holding.vendor_id else tuple(sorted(slugs)),
        device_type=holding.device_type.slug if holding.device_type_id else None,
        scope_kind=holding.scope_kind,
        as_of=holding.as_of,
        count=holding.count,
        qualifier=holding.count_qualifier,
        holding=holding.key,
        precision=holding.as_of_precision or "day",
    )


def bodies_with_concern_equipment(index: ConcernIndex) -> set[int]:
    """Ids of bodies that have or had equipment of concern by their latest disclosures."""
    return {fact.body for fact in index.standing_facts(Holding.objects.with_related())}  # type: ignore[misc]

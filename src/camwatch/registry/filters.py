"""Query-string filters for the list pages, validated against the vocabularies.

An unknown value is reported back to the user and ignored, never passed to the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict

from camwatch.registry import models as m
from camwatch.registry.concern import Verdict
from camwatch.registry.headlines import concern_bodies
from camwatch.registry.textsearch import words
from camwatch.registry.verdicts import ConcernIndex

TRUE_VALUES = {"1", "true", "yes", "on"}


def _choice(
    query: QueryDict,
    name: str,
    allowed: Collection[str] | Callable[[str], bool],
    errors: list[str],
) -> str:
    """The parameter's value when it is allowed: one of a small set, or, for a large
    table, a value that `allowed(value)` finds (so that no request reads every slug)."""
    value = query.get(name, "").strip()
    if not value:
        return ""
    known = allowed(value) if callable(allowed) else value in allowed
    if not known:
        errors.append(f"unknown {name} {value!r}")
        return ""
    return value


def _body_with(field: str) -> Callable[[str], bool]:
    return lambda value: m.PublicBody.objects.filter(**{field: value}).exists()


def regions() -> list[str]:
    """Every region a body is in, in order."""
    found = m.PublicBody.objects.exclude(region="").order_by("region")
    return list(found.values_list("region", flat=True).distinct())


@dataclass
class BodyFilters:
    q: str = ""
    kind: str = ""
    group: str = ""
    nation: str = ""
    region: str = ""
    vendor: str = ""
    concern: bool = False
    include_ended: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: QueryDict) -> BodyFilters:
        errors: list[str] = []
        kinds = set(m.BodyKind.objects.values_list("slug", flat=True))
        groups = set(m.BodyKind.objects.values_list("group", flat=True))
        return cls(
            q=query.get("q", "").strip()[:200],
            kind=_choice(query, "kind", kinds, errors),
            group=_choice(query, "group", groups, errors),
            nation=_choice(query, "nation", set(m.Nation.values), errors),
            region=_choice(query, "region", _body_with("region"), errors),
            vendor=_choice(
                query, "vendor", set(m.Vendor.objects.values_list("slug", flat=True)), errors
            ),
            concern=query.get("concern", "").lower() in TRUE_VALUES,
            include_ended=query.get("include_ended", "").lower() in TRUE_VALUES,
            errors=errors,
        )

    def apply(self, bodies: QuerySet[m.PublicBody]) -> QuerySet[m.PublicBody]:
        if not self.include_ended:
            bodies = bodies.filter(end_date__isnull=True)
        for name, lookup in (
            ("kind", "kind__slug"),
            ("group", "kind__group"),
            ("nation", "nation"),
            ("region", "region"),
        ):
            if getattr(self, name):
                bodies = bodies.filter(**{lookup: getattr(self, name)})
        if self.vendor:
            bodies = bodies.holding_from([self.vendor])  # type: ignore[attr-defined]
        if self.concern:
            bodies = bodies.filter(pk__in=concern_bodies())
        if self.q:
            bodies = bodies.search(self.q, settings.CAMWATCH_MAX_SEARCH_TERMS)  # type: ignore[attr-defined]
        return bodies

    def as_dict(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "kind": self.kind,
            "group": self.group,
            "nation": self.nation,
            "region": self.region,
            "vendor": self.vendor,
            "concern": self.concern,
            "include_ended": self.include_ended,
        }


@dataclass
class VendorFilters:
    """Vendors are few: the filters apply to the list in Python."""

    q: str = ""
    role: str = ""
    country: str = ""
    made_by: str = ""
    concern: str = ""  # "1" of concern under the site's policy, "0" not
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: QueryDict) -> VendorFilters:
        errors: list[str] = []
        slugs = set(m.Vendor.objects.values_list("slug", flat=True))
        countries = set(m.Vendor.objects.exclude(country="").values_list("country", flat=True))
        return cls(
            q=query.get("q", "").strip()[:200],
            role=_choice(query, "role", set(m.VendorRole.values), errors),
            country=_choice(query, "country", countries, errors),
            made_by=_choice(query, "made_by", slugs, errors),
            concern=_choice(query, "concern", {"0", "1"}, errors),
            errors=errors,
        )

    def apply(self, vendors: list[m.Vendor], of_concern: set[str]) -> list[m.Vendor]:
        terms = words(self.q)
        return [
            vendor
            for vendor in vendors
            if (not self.role or vendor.role == self.role)
            and (not self.country or vendor.country == self.country)
            and (
                not self.made_by or self.made_by in {r.target.slug for r in vendor.relations.all()}
            )
            and (not self.concern or (vendor.slug in of_concern) == (self.concern == "1"))
            and all(term in _vendor_words(vendor) for term in terms)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "role": self.role,
            "country": self.country,
            "made_by": self.made_by,
            "concern": self.concern,
        }


def vendors_and_verdicts(index: ConcernIndex) -> tuple[list[m.Vendor], dict[str, Verdict]]:
    """Every vendor, by name, and the site policy's verdict on each today."""
    everyone = list(m.Vendor.objects.order_by("name").prefetch_related("relations__target"))
    return everyone, {vendor.slug: index.verdict(vendor.slug) for vendor in everyone}


def _vendor_words(vendor: m.Vendor) -> set[str]:
    names = [vendor.name, vendor.legal_name, vendor.slug, *vendor.aliases]
    return {word for name in names for word in words(str(name))}


@dataclass
class HoldingFilters:
    vendor: str = ""
    device_type: str = ""
    method: str = ""
    body: str = ""
    concern: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: QueryDict) -> HoldingFilters:
        errors: list[str] = []
        return cls(
            vendor=_choice(
                query, "vendor", set(m.Vendor.objects.values_list("slug", flat=True)), errors
            ),
            device_type=_choice(
                query,
                "device_type",
                set(m.DeviceType.objects.values_list("slug", flat=True)),
                errors,
            ),
            method=_choice(query, "method", set(m.Method.values), errors),
            body=_choice(query, "body", _body_with("slug"), errors),
            concern=query.get("concern", "").lower() in TRUE_VALUES,
            errors=errors,
        )

    def apply(self, holdings: QuerySet[m.Holding]) -> QuerySet[m.Holding]:
        if self.vendor:
            holdings = holdings.attributed_to([self.vendor])  # type: ignore[attr-defined]
        if self.device_type:
            holdings = holdings.filter(device_type__slug=self.device_type)
        if self.method:
            holdings = holdings.filter(method=self.method)
        if self.body:
            holdings = holdings.filter(body__slug=self.body)
        if self.concern:
            holdings = ConcernIndex.for_site().holdings_of_concern(holdings)
        return holdings

    def as_dict(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "device_type": self.device_type,
            "method": self.method,
            "body": self.body,
            "concern": self.concern,
        }


@dataclass
class ClaimFilters:
    investigation: str = ""
    with_denominator: bool = False
    status: str = ""
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: QueryDict) -> ClaimFilters:
        errors: list[str] = []
        slugs = set(m.Investigation.objects.values_list("slug", flat=True))
        return cls(
            investigation=_choice(query, "investigation", slugs, errors),
            with_denominator=query.get("with_denominator", "").lower() in TRUE_VALUES,
            status=_choice(query, "status", {"match", "mismatch", "not_reproducible"}, errors),
            q=query.get("q", "").strip()[:200],
            errors=errors,
        )

    def apply(self, claims: QuerySet[m.Claim]) -> QuerySet[m.Claim]:
        """All but the status filter, which needs the ledger's verdicts (the view applies it)."""
        if self.investigation:
            claims = claims.filter(investigation__slug=self.investigation)
        if self.with_denominator:
            claims = claims.filter(denominator__isnull=False)
        for term in words(self.q)[: settings.CAMWATCH_MAX_SEARCH_TERMS]:
            claims = claims.filter(Q(text__icontains=term) | Q(subject__icontains=term))
        return claims

    def as_dict(self) -> dict[str, Any]:
        return {
            "investigation": self.investigation,
            "with_denominator": self.with_denominator,
            "status": self.status,
            "q": self.q,
        }

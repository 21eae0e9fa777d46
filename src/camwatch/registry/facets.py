"""Facets, as Datasette shows them: for the records a filter selects, how many have each
value of a column, each value a link that adds (or removes) that filter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import QueryDict

from camwatch.registry import models as m
from camwatch.registry.timelimit import QueryTimeout, time_limit


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    timed_out: bool = False  # counting took longer than CAMWATCH_FACET_TIME_LIMIT_MS

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "values": [vars(value) for value in self.values],
            "timed_out": self.timed_out,
        }


def toggle_url(path: str, query: QueryDict, name: str, value: str) -> str:
    """The same list with the facet value added, or removed if it is already chosen."""
    changed = query.copy()
    changed.pop("page", None)
    if changed.get(name) == value:
        changed.pop(name)
    else:
        changed[name] = value
    encoded = changed.urlencode()
    return f"{path}?{encoded}" if encoded else path


def facet(
    name: str,
    label: str,
    counts: Callable[[], Iterable[tuple[str, str, int]]],
    path: str,
    query: QueryDict,
    limit: int = 12,
) -> Facet:
    """The facet from `counts()`, (value, label, count) rows, counted within the time
    limit; a facet that takes longer is returned empty and marked timed out."""
    try:
        with time_limit(settings.CAMWATCH_FACET_TIME_LIMIT_MS):
            counted = list(counts())
    except QueryTimeout:
        return Facet(name, label, [], timed_out=True)
    chosen = query.get(name, "")
    values = [
        FacetValue(
            value, text or value, count, value == chosen, toggle_url(path, query, name, value)
        )
        for value, text, count in sorted(counted, key=lambda item: (-item[2], item[1] or item[0]))
        if value
    ]
    return Facet(name, label, values[:limit])


def body_facets(bodies: QuerySet[m.PublicBody], path: str, query: QueryDict) -> list[Facet]:
    """Kind, nation, region and vendor counts for the bodies a filter selects."""
    selected = m.PublicBody.objects.filter(pk__in=bodies.order_by().values("pk"))
    nations = dict(m.Nation.choices)

    def grouped(*fields: str) -> Callable[[], list[tuple[str, str, int]]]:
        def counts() -> list[tuple[str, str, int]]:
            rows = selected.values(*fields).annotate(n=Count("pk")).order_by()
            return [(row[fields[0]], row[fields[-1]], row["n"]) for row in rows]

        return counts

    def vendors() -> list[tuple[str, str, int]]:
        rows = (
            m.Holding.objects.filter(body__in=selected, vendor__isnull=False)
            .exclude(count=0)
            .exclude(status="planned")
            .values("vendor__slug", "vendor__name")
            .annotate(n=Count("body", distinct=True))
            .order_by()
        )
        return [(row["vendor__slug"], row["vendor__name"], row["n"]) for row in rows]

    def nation_names() -> list[tuple[str, str, int]]:
        return [(value, nations.get(value, value), n) for value, _, n in grouped("nation")()]

    return [
        facet("kind", "Kind", grouped("kind__slug", "kind__label"), path, query),
        facet("nation", "Nation", nation_names, path, query),
        facet("region", "Region", grouped("region"), path, query),
        facet("vendor", "Vendor recorded", vendors, path, query),
    ]


def vendor_facets(
    vendors: Sequence[m.Vendor], of_concern: set[str], path: str, query: QueryDict
) -> list[Facet]:
    """Role, country, maker and standing under the site's policy, for the vendors a
    filter selects (a short list, counted in Python)."""
    roles = dict(m.VendorRole.choices)

    def counter(values: Callable[[m.Vendor], Iterable[tuple[str, str]]]) -> Callable[[], Any]:
        def counts() -> list[tuple[str, str, int]]:
            found = Counter(pair for vendor in vendors for pair in set(values(vendor)))
            return [(value, text, n) for (value, text), n in found.items()]

        return counts

    def makers(vendor: m.Vendor) -> Iterable[tuple[str, str]]:
        return ((r.target.slug, r.target.name) for r in vendor.relations.all())

    def concern(vendor: m.Vendor) -> Iterable[tuple[str, str]]:
        yes = vendor.slug in of_concern
        return [("1", "of concern") if yes else ("0", "not of concern")]

    return [
        facet(
            "role", "Role", counter(lambda v: [(v.role, roles.get(v.role, v.role))]), path, query
        ),
        facet("country", "Headquarters", counter(lambda v: [(v.country, v.country)]), path, query),
        facet("made_by", "Made by or part of", counter(makers), path, query),
        facet("concern", "Under the site's policy", counter(concern), path, query),
    ]

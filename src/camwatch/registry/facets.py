"""Facets, as Datasette shows them: for the records a filter selects, how many have each
value of a column, each value a link that adds (or removes) that filter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import QueryDict

from camwatch.registry import models as m


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "values": [vars(value) for value in self.values],
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
    counts: Iterable[tuple[str, str, int]],
    path: str,
    query: QueryDict,
    limit: int = 12,
) -> Facet:
    chosen = query.get(name, "")
    values = [
        FacetValue(
            value, text or value, count, value == chosen, toggle_url(path, query, name, value)
        )
        for value, text, count in sorted(counts, key=lambda item: (-item[2], item[1] or item[0]))
        if value
    ]
    return Facet(name, label, values[:limit])


def body_facets(bodies: QuerySet[m.PublicBody], path: str, query: QueryDict) -> list[Facet]:
    """Kind, nation, region and vendor counts for the bodies a filter selects."""
    selected = m.PublicBody.objects.filter(pk__in=bodies.values("pk"))
    nations = dict(m.Nation.choices)

    def grouped(*fields: str) -> list[tuple[str, str, int]]:
        rows = selected.values(*fields).annotate(n=Count("pk")).order_by()
        return [(row[fields[0]], row[fields[-1]], row["n"]) for row in rows]

    vendors = (
        m.Holding.objects.filter(body__in=selected, vendor__isnull=False)
        .exclude(count=0)
        .exclude(status="planned")
        .values("vendor__slug", "vendor__name")
        .annotate(n=Count("body", distinct=True))
        .order_by()
    )
    return [
        facet("kind", "Kind", grouped("kind__slug", "kind__label"), path, query),
        facet(
            "nation",
            "Nation",
            [(value, nations.get(value, value), n) for value, _, n in grouped("nation", "nation")],
            path,
            query,
        ),
        facet("region", "Region", grouped("region", "region"), path, query),
        facet(
            "vendor",
            "Vendor recorded",
            [(row["vendor__slug"], row["vendor__name"], row["n"]) for row in vendors],
            path,
            query,
        ),
    ]

"""/bodies/ and /bodies/<slug>/."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404

from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.registry.charts import Series, step_chart
from camwatch.registry.facets import body_facets
from camwatch.registry.filters import BodyFilters, regions
from camwatch.registry.panels import body_panels
from camwatch.web.formats import FormatView, page_envelope, paginate


class BodyListView(FormatView):
    template_name = "registry/body_list.html"
    csv_name = "bodies"

    def load(self, **kwargs: Any) -> None:
        self.filters = BodyFilters.from_query(self.request.GET)
        self.bodies = self.filters.apply(m.PublicBody.objects.select_related("kind")).order_by(
            "name"
        )
        if self.fmt != "csv":
            self.page = paginate(self.request, self.bodies, self.fmt)
            self.holding_counts = _holding_counts(self.page.object_list)
            for body in self.page.object_list:
                body.holding_count = self.holding_counts.get(body.pk, 0)  # for the template

    def facets(self) -> list[Any]:
        return body_facets(self.bodies, self.request.path, self.request.GET)

    def context(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "bodies": self.page.object_list,
            "facets": self.facets(),
            "filters": self.filters,
            "kinds": m.BodyKind.objects.all(),
            "nations": m.Nation.choices,
            "regions": regions(),
            "vendors": m.Vendor.objects.filter(role=m.VendorRole.MANUFACTURER),
            "title": "Public bodies",
        }

    def row(self, body: m.PublicBody) -> dict[str, Any]:
        return {
            **rows.body_row(body, self.request),
            "holdings": self.holding_counts.get(body.pk, 0),
        }

    def json_data(self) -> Any:
        results = [self.row(body) for body in self.page.object_list]
        return {
            "filters": self.filters.as_dict(),
            "errors": self.filters.errors,
            "facets": [facet.as_dict() for facet in self.facets()],
            **page_envelope(self.request, self.page, results),
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        self.holding_counts = _holding_counts(None)
        return (self.row(body) for body in self.bodies.iterator(chunk_size=500))


def _holding_counts(bodies: Iterable[m.PublicBody] | None) -> dict[int, int]:
    """Holdings per body, for one page of bodies (or all): counted apart from the list
    so that the list itself stays a plain ordered scan of bodies."""
    holdings = m.Holding.objects.all()
    if bodies is not None:
        holdings = holdings.filter(body__in=[body.pk for body in bodies])
    return dict(holdings.values_list("body").annotate(n=Count("pk")).order_by())


class BodyDetailView(FormatView):
    template_name = "registry/body_detail.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        self.body = get_object_or_404(
            m.PublicBody.objects.select_related("kind", "parent", "successor", "source"), slug=slug
        )
        self.csv_name = f"{self.body.slug}-holdings"
        self.holdings = list(
            m.Holding.objects.with_related().filter(body=self.body).order_by("as_of", "key")
        )
        self.targets = list(
            self.body.investigation_targets.select_related("investigation", "source")
        )
        self.group_holdings = list(
            m.Holding.objects.with_related()
            .filter(body__memberships__member=self.body)
            .order_by("body__name", "as_of", "key")
        )

    def context(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "holdings": self.holdings,
            "series_charts": [step_chart(series) for series in count_series(self.holdings)],
            "targets": self.targets,
            "group_holdings": self.group_holdings,
            "groups": self.body.member_of.select_related("group"),
            "members": self.body.memberships.select_related("member"),
            "children": self.body.children.order_by("name"),
            "predecessors": self.body.predecessors.order_by("name"),
            "panels": body_panels(self.body),
            "title": self.body.name,
        }

    def json_data(self) -> Any:
        return {
            **rows.body_row(self.body, self.request),
            "aliases": self.body.aliases,
            "former_codes": self.body.former_codes,
            "parent": self.body.parent.slug if self.body.parent else None,
            "successor": self.body.successor.slug if self.body.successor else None,
            "member_of": [g.group.slug for g in self.body.member_of.select_related("group")],
            "members": [g.member.slug for g in self.body.memberships.select_related("member")],
            "source": self.body.source.key if self.body.source else None,
            "holdings": [rows.holding_detail(h, self.request) for h in self.holdings],
            "holdings_of_groups": [rows.holding_row(h, self.request) for h in self.group_holdings],
            "investigations": [rows.target_row(t, self.request) for t in self.targets],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.holding_row(holding, self.request) for holding in self.holdings)


def count_series(holdings: list[m.Holding]) -> list[Series]:
    """Counts over time for each vendor, device type and scope disclosed more than once."""

    def key(holding: m.Holding) -> tuple[str, str, str]:
        device = holding.device_type.label if holding.device_type_id else "equipment"
        return (holding.vendor_label(), device, holding.scope_name)

    counted = sorted((h for h in holdings if h.count is not None), key=lambda h: (key(h), h.as_of))
    series = []
    for (vendor, device, scope), group in groupby(counted, key=key):
        points = [(holding.as_of, holding.count or 0) for holding in group]
        if len({day for day, _count in points}) > 1:
            label = f"{vendor} {device}" + (f", {scope}" if scope else "")
            series.append(Series(label=label, points=points))
    return series

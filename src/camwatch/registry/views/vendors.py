"""/vendors/ and /vendors/<slug>/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404

from camwatch.registry import concern, rows
from camwatch.registry import models as m
from camwatch.registry.dates import render
from camwatch.registry.facets import vendor_facets
from camwatch.registry.filters import VendorFilters, vendors_and_verdicts
from camwatch.registry.verdicts import ConcernIndex, policy_named
from camwatch.web.formats import FormatView, page_envelope, paginate

# Holdings naming a vendor as one of several: the first few on its page, then a link.
CANDIDATES_SHOWN = 50


def verdict_dict(verdict: concern.Verdict) -> dict[str, Any]:
    return {
        "policy": verdict.policy,
        "on": verdict.on,
        "of_concern": verdict.of_concern,
        "reasons": [
            {
                "vendor": reason.vendor,
                "finding": reason.finding,
                "sources": list(reason.sources),
                "via": [f"{step.vendor} {step.kind} {step.target}" for step in reason.via],
            }
            for reason in verdict.reasons
        ],
    }


def made_by(relation: m.VendorRelation) -> str:
    """e.g. "subsidiary_of:dahua until 2022-11-24"."""
    until = render(relation.end, relation.end_precision)
    return f"{relation.kind}:{relation.target.slug}" + (f" until {until}" if until else "")


class VendorListView(FormatView):
    template_name = "registry/vendor_list.html"
    csv_name = "vendors"

    def load(self, **kwargs: Any) -> None:
        self.index = ConcernIndex.for_site()
        self.filters = VendorFilters.from_query(self.request.GET)
        everyone, self.verdicts = vendors_and_verdicts(self.index)
        self.of_concern = {slug for slug, verdict in self.verdicts.items() if verdict.of_concern}
        self.vendors = self.filters.apply(everyone, self.of_concern)
        self.holding_counts = dict(
            m.Holding.objects.filter(vendor__in=[vendor.pk for vendor in self.vendors])
            .values_list("vendor")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def facets(self) -> list[Any]:
        return vendor_facets(self.vendors, self.of_concern, self.request.path, self.request.GET)

    def row(self, vendor: m.Vendor) -> dict[str, Any]:
        verdict = self.verdicts[vendor.slug]
        return {
            **rows.vendor_row(vendor, self.request),
            "made_by": [made_by(relation) for relation in vendor.relations.all()],
            "holdings": self.holding_counts.get(vendor.pk, 0),
            "of_concern": verdict.of_concern,
            "policy": self.index.policy.slug,
        }

    def context(self) -> dict[str, Any]:
        return {
            "vendors": [
                (vendor, self.verdicts[vendor.slug], self.holding_counts.get(vendor.pk, 0))
                for vendor in self.vendors
            ],
            "policy": self.index.policy,
            "filters": self.filters,
            "facets": self.facets(),
            "roles": m.VendorRole.choices,
            "title": "Vendors",
        }

    def json_data(self) -> Any:
        return {
            "policy": self.index.policy.slug,
            "filters": self.filters.as_dict(),
            "errors": self.filters.errors,
            "facets": [facet.as_dict() for facet in self.facets()],
            "count": len(self.vendors),
            "results": [self.row(v) for v in self.vendors],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (self.row(vendor) for vendor in self.vendors)


class VendorDetailView(FormatView):
    template_name = "registry/vendor_detail.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        self.vendor = get_object_or_404(m.Vendor, slug=slug)
        self.csv_name = f"{self.vendor.slug}-holdings"
        self.index = ConcernIndex.for_site()
        today = dt.date.today()
        self.verdicts = [
            (stored, concern.evaluate(policy_named(stored.slug), slug, self.index.facts, today))
            for stored in m.ConcernPolicy.objects.all()
        ]
        # At national scale a maker has tens of thousands of holdings: the page and its
        # JSON show them a page at a time (like /holdings/), the CSV streams them all.
        self.holdings = (
            m.Holding.objects.with_related()
            .attributed_to([self.vendor.slug])
            .order_by("body__name", "as_of", "key")
        )
        self.candidate_holdings = (
            m.Holding.objects.with_related()
            .filter(vendor_candidates=self.vendor)
            .order_by("body__name", "as_of", "key")
        )
        if self.fmt != "csv":
            self.page = paginate(self.request, self.holdings, self.fmt)
            self.candidates_shown = list(self.candidate_holdings[: CANDIDATES_SHOWN + 1])

    def context(self) -> dict[str, Any]:
        vendor = self.vendor
        return {
            "vendor": vendor,
            "active_verdict": self.index.verdict(vendor.slug),
            "policy": self.index.policy,
            "verdicts": self.verdicts,
            "relations": vendor.relations.select_related("target", "source"),
            "brands": vendor.related_brands.select_related("vendor", "source"),
            "ownership": vendor.ownership.select_related("source").order_by("as_of"),
            "restrictions": vendor.restrictions.select_related("source").order_by("effective"),
            "device_models": vendor.device_models.select_related("device_type"),
            "page": self.page,
            "holdings": self.page.object_list,
            "candidate_holdings": self.candidates_shown[:CANDIDATES_SHOWN],
            "more_candidates": len(self.candidates_shown) > CANDIDATES_SHOWN,
            "title": vendor.name,
        }

    def json_data(self) -> Any:
        return {
            **rows.vendor_row(self.vendor, self.request),
            **rows.vendor_facts(self.vendor),
            "verdicts": [verdict_dict(verdict) for _policy, verdict in self.verdicts],
            "holdings": page_envelope(
                self.request, self.page, [self._row(h, "this vendor") for h in self.page]
            ),
            "candidate_holdings": [
                self._row(h, "one of several named")
                for h in self.candidates_shown[:CANDIDATES_SHOWN]
            ],
        }

    def _row(self, holding: m.Holding, attribution: str) -> dict[str, Any]:
        return {**rows.holding_row(holding, self.request), "attribution": attribution}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        """Holdings attributed to this vendor, then those naming it as one of several."""
        for attribution, holdings in (
            ("this vendor", self.holdings),
            ("one of several named", self.candidate_holdings),
        ):
            for holding in holdings.iterator(chunk_size=500):
                yield self._row(holding, attribution)

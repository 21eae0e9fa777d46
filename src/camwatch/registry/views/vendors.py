"""/vendors/ and /vendors/<slug>/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404

from camwatch.registry import concern, rows
from camwatch.registry import models as m
from camwatch.registry.verdicts import ConcernIndex, policy_named
from camwatch.web.formats import FormatView


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


class VendorListView(FormatView):
    template_name = "registry/vendor_list.html"
    csv_name = "vendors"

    def load(self, **kwargs: Any) -> None:
        self.index = ConcernIndex.for_site()
        self.vendors = list(
            m.Vendor.objects.annotate(holding_count=Count("holdings")).prefetch_related(
                "relations__target"
            )
        )
        self.verdicts = {vendor.slug: self.index.verdict(vendor.slug) for vendor in self.vendors}

    def row(self, vendor: m.Vendor) -> dict[str, Any]:
        verdict = self.verdicts[vendor.slug]
        return {
            **rows.vendor_row(vendor, self.request),
            "made_by": sorted({relation.target.slug for relation in vendor.relations.all()}),
            "holdings": vendor.holding_count,  # type: ignore[attr-defined]
            "of_concern": verdict.of_concern,
            "policy": self.index.policy.slug,
        }

    def context(self) -> dict[str, Any]:
        return {
            "vendors": [(vendor, self.verdicts[vendor.slug]) for vendor in self.vendors],
            "policy": self.index.policy,
            "title": "Vendors",
        }

    def json_data(self) -> Any:
        return {"policy": self.index.policy.slug, "results": [self.row(v) for v in self.vendors]}

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
        self.holdings = list(
            m.Holding.objects.with_related()
            .attributed_to([self.vendor.slug])
            .order_by("body__name", "as_of")
        )
        self.candidate_holdings = list(
            m.Holding.objects.with_related().filter(vendor_candidates=self.vendor)
        )

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
            "holdings": self.holdings,
            "candidate_holdings": self.candidate_holdings,
            "title": vendor.name,
        }

    def json_data(self) -> Any:
        vendor = self.vendor
        return {
            **rows.vendor_row(vendor, self.request),
            "description": vendor.description,
            "relations": [
                {
                    "kind": r.kind,
                    "target": r.target.slug,
                    "confidence": r.confidence,
                    "start": r.start,
                    "end": r.end,
                    "source": r.source.key,
                }
                for r in vendor.relations.select_related("target", "source")
            ],
            "brands": [
                {"vendor": r.vendor.slug, "kind": r.kind, "confidence": r.confidence}
                for r in vendor.related_brands.select_related("vendor")
            ],
            "ownership": [
                {
                    "owner": o.owner,
                    "state_controlled": o.state_controlled,
                    "share_percent": o.share_percent,
                    "as_of": o.as_of,
                    "source": o.source.key,
                }
                for o in vendor.ownership.select_related("source")
            ],
            "restrictions": [
                {
                    "jurisdiction": r.jurisdiction,
                    "instrument": r.instrument,
                    "title": r.title,
                    "effective": r.effective,
                    "ended": r.ended,
                    "source": r.source.key,
                }
                for r in vendor.restrictions.select_related("source")
            ],
            "verdicts": [verdict_dict(verdict) for _policy, verdict in self.verdicts],
            "holdings": [rows.holding_row(h, self.request) for h in self.holdings],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.holding_row(holding, self.request) for holding in self.holdings)

"""/holdings/ and /claims/: every fact and every published figure, filterable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from camwatch.findings.reproduce import by_claim
from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.registry.filters import ClaimFilters, HoldingFilters
from camwatch.web.formats import FormatView, page_envelope, paginate


class HoldingListView(FormatView):
    template_name = "registry/holding_list.html"
    csv_name = "holdings"

    def load(self, **kwargs: Any) -> None:
        self.filters = HoldingFilters.from_query(self.request.GET)
        self.holdings = self.filters.apply(m.Holding.objects.with_related()).order_by(
            "body__name", "as_of", "key"
        )
        if self.fmt != "csv":
            self.page = paginate(self.request, self.holdings, self.fmt)

    def context(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "holdings": self.page.object_list,
            "filters": self.filters,
            "vendors": m.Vendor.objects.all(),
            "device_types": m.DeviceType.objects.all(),
            "methods": m.Method.choices,
            "title": "Holdings",
        }

    def json_data(self) -> Any:
        results = [rows.holding_row(h, self.request) for h in self.page.object_list]
        return {
            "filters": self.filters.as_dict(),
            "errors": self.filters.errors,
            **page_envelope(self.request, self.page, results),
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.holding_row(h, self.request) for h in self.holdings.iterator(chunk_size=500))


class ClaimListView(FormatView):
    template_name = "registry/claim_list.html"
    csv_name = "claims"

    def load(self, **kwargs: Any) -> None:
        self.filters = ClaimFilters.from_query(self.request.GET)
        self.claims = self.filters.apply(
            m.Claim.objects.select_related("investigation", "source", "corrected_by__investigation")
        )
        self.results = by_claim(self.claims)
        if self.filters.status:
            keys = [
                key for key, result in self.results.items() if result.status == self.filters.status
            ]
            self.claims = self.claims.filter(key__in=keys)
        if self.fmt != "csv":
            self.page = paginate(self.request, self.claims, self.fmt)

    def row(self, claim: m.Claim) -> dict[str, Any]:
        result = self.results[claim.key]
        return {
            **rows.claim_row(claim, self.request),
            "status": result.status,
            "recomputed": result.recomputed,
            "cause": result.cause,
        }

    def context(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "claims": [
                (claim, rows.claim_row(claim), self.results[claim.key])
                for claim in self.page.object_list
            ],
            "investigations": m.Investigation.objects.all(),
            "filters": self.filters,
            "title": "Published claims",
        }

    def json_data(self) -> Any:
        results = [self.row(claim) for claim in self.page.object_list]
        return {
            "filters": self.filters.as_dict(),
            "errors": self.filters.errors,
            **page_envelope(self.request, self.page, results),
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (self.row(claim) for claim in self.claims.iterator())

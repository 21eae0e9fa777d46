"""/sources/ and /sources/<key>/."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.shortcuts import get_object_or_404

from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.web.formats import FormatView, page_envelope, paginate


class SourceListView(FormatView):
    template_name = "registry/source_list.html"
    csv_name = "sources"

    def load(self, **kwargs: Any) -> None:
        self.sources = m.Source.objects.all()
        if self.fmt != "csv":
            self.page = paginate(self.request, self.sources, self.fmt)

    def context(self) -> dict[str, Any]:
        return {"page": self.page, "sources": self.page.object_list, "title": "Sources"}

    def json_data(self) -> Any:
        results = [rows.source_row(source, self.request) for source in self.page.object_list]
        return page_envelope(self.request, self.page, results)

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.source_row(source, self.request) for source in self.sources.iterator())


class SourceDetailView(FormatView):
    """The CSV lists the holdings that cite this source."""

    template_name = "registry/source_detail.html"

    def load(self, key: str = "", **kwargs: Any) -> None:
        self.source = get_object_or_404(m.Source, key=key)
        self.csv_name = f"{key}-citations"
        self.holdings = list(
            m.Holding.objects.with_related().filter(citations__source=self.source).distinct()
        )
        self.claims = list(
            self.source.claims.select_related(
                "investigation", "source", "corrected_by__investigation"
            )
        )

    def context(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "citations": self.source.citations.select_related("holding", "holding__body"),
            "holdings": self.holdings,
            "claims": self.claims,
            "investigations": self.source.investigations.all(),
            "bodies_listed": self.source.bodies_listed.count(),
            "title": self.source.title,
        }

    def json_data(self) -> Any:
        return {
            **rows.source_row(self.source, self.request),
            "archive_url": self.source.archive_url,
            "retrieved": self.source.retrieved,
            "attribution": self.source.attribution,
            "sha256": self.source.sha256,
            "quote": self.source.quote,
            "notes": self.source.notes,
            "holdings": [rows.holding_detail(h, self.request) for h in self.holdings],
            "claims": [rows.claim_row(c, self.request) for c in self.claims],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.holding_row(holding, self.request) for holding in self.holdings)

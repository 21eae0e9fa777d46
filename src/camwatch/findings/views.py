"""/findings/ (the dashboard) and /findings/<chart>/, each also as .json and .csv."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import Http404

from camwatch.findings import dashboard
from camwatch.registry import models as m
from camwatch.web.formats import FormatView


def chart_json(chart: dashboard.Chart) -> dict[str, Any]:
    return {
        "slug": chart.slug,
        "title": chart.title,
        "about": chart.about,
        "columns": chart.columns,
        "rows": chart.rows,
        "total_rows": chart.total_rows,
        "sources": chart.sources,
    }


class FindingsView(FormatView):
    """The CSV has each chart's first rows (dashboard.TABLE_ROWS), each with the chart's
    slug; a chart's own page, JSON and CSV have all of them."""

    template_name = "findings/dashboard.html"
    csv_name = "findings"

    def load(self, **kwargs: Any) -> None:
        self.charts = dashboard.build(stale_ok=True)

    def context(self) -> dict[str, Any]:
        return {
            "charts": self.charts,
            "sources": _sources(self.charts),
            "title": "Findings",
            "table_rows": dashboard.TABLE_ROWS,
        }

    def json_data(self) -> Any:
        return {
            "charts": [
                {**chart_json(chart), "rows": chart.rows[: dashboard.TABLE_ROWS]}
                for chart in self.charts
            ]
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        for chart in self.charts:
            for row in chart.rows[: dashboard.TABLE_ROWS]:
                yield {"chart": chart.slug, **{k: row.get(k) for k in _all_columns(self.charts)}}


class FindingDetailView(FormatView):
    template_name = "findings/detail.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        chart = dashboard.chart_named(slug, stale_ok=True)
        if chart is None:
            raise Http404(f"no chart {slug!r}")
        self.chart = chart
        self.csv_name = f"findings-{slug}"

    def context(self) -> dict[str, Any]:
        return {
            "chart": self.chart,
            "sources": _sources([self.chart]),
            "title": self.chart.title,
            "table_rows": dashboard.PAGE_ROWS,
        }

    def json_data(self) -> Any:
        return chart_json(self.chart)

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return iter(self.chart.rows)


def _sources(charts: list[dashboard.Chart]) -> dict[str, m.Source]:
    keys = {key for chart in charts for key in chart.sources}
    return {source.key: source for source in m.Source.objects.filter(key__in=keys)}


def _all_columns(charts: list[dashboard.Chart]) -> list[str]:
    return list(dict.fromkeys(column for chart in charts for column in chart.columns))

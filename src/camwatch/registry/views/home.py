"""/ (and /index.json, /index.csv): headline figures computed from the registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from camwatch.registry import headlines
from camwatch.registry import models as m
from camwatch.registry.dates import render
from camwatch.web.formats import FormatView


class HomeView(FormatView):
    template_name = "registry/home.html"
    csv_name = "headline-figures"

    def load(self, **kwargs: Any) -> None:
        self.headlines = headlines.compute()

    def context(self) -> dict[str, Any]:
        return {
            "headlines": self.headlines,
            "investigations": m.Investigation.objects.all()[:8],
            "title": "Who is watching",
        }

    def json_data(self) -> Any:
        return {
            "policy": self.headlines.policy_name,
            "figures": [self._figure(f) for f in self.headlines.figures],
            "bodies_by_group": dict(self.headlines.by_group),
            "largest_estates": [
                {
                    "body": line.body.slug,
                    "name": line.body.name,
                    "count": line.estate.count,
                    "qualifier": line.estate.qualifier,
                    "as_of": render(line.estate.as_of, line.estate.as_of_precision),
                    "holdings": list(line.estate.holdings),
                }
                for line in self.headlines.estates
            ],
        }

    def _figure(self, figure: headlines.Figure) -> dict[str, Any]:
        return {
            "key": figure.key,
            "value": figure.value,
            "label": figure.label,
            "link": self.request.build_absolute_uri(figure.link),
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (self._figure(figure) for figure in self.headlines.figures)

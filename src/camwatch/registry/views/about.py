"""/about/: method, policies and the licences of the data camwatch redistributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.web.formats import FormatView


class AboutView(FormatView):
    """The CSV lists every source that carries a licence, for attribution."""

    template_name = "registry/about.html"
    csv_name = "data-licences"

    def load(self, **kwargs: Any) -> None:
        self.licensed = list(m.Source.objects.exclude(licence="").order_by("publisher", "title"))
        self.policies = list(m.ConcernPolicy.objects.all())

    def context(self) -> dict[str, Any]:
        return {"licensed": self.licensed, "policies": self.policies, "title": "About the data"}

    def json_data(self) -> Any:
        return {
            "licensed_sources": [
                {**rows.source_row(s, self.request), "attribution": s.attribution}
                for s in self.licensed
            ],
            "policies": [
                {
                    "slug": p.slug,
                    "name": p.name,
                    "description": p.description,
                    "definition": p.definition,
                }
                for p in self.policies
            ],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (
            {**rows.source_row(s, self.request), "attribution": s.attribution}
            for s in self.licensed
        )

"""/sightings/counts/ (per street, area or grid square) and /sightings/unknown-operator/,
each also as .json, .csv and .xlsx (and the cameras as .geojson)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from camwatch.sightings import checks
from camwatch.web.formats import GEO_FORMATS, FormatView, paginate

LABELS = {"street": "street", "area": "area", "square": "1 km grid square"}


class CountsView(FormatView):
    template_name = "sightings/counts.html"
    csv_name = "sightings-counts"

    def load(self, **kwargs: Any) -> None:
        chosen = self.request.GET.get("by", "street")
        self.by = chosen if chosen in checks.GROUPINGS else "street"
        self.rows = checks.counts(self.by)

    def context(self) -> dict[str, Any]:
        return {
            "title": f"Cameras per {LABELS[self.by]}",
            "by": self.by,
            "labels": LABELS,
            "page": paginate(self.request, self.rows, self.fmt),
            "cameras": sum(row.cameras for row in self.rows),
        }

    def json_data(self) -> Any:
        return {"by": self.by, "results": list(self.csv_rows())}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (row.as_dict() for row in self.rows)


class UnknownOperatorView(FormatView):
    template_name = "sightings/unknown_operator.html"
    csv_name = "sightings-unknown-operator"
    formats = GEO_FORMATS

    def load(self, **kwargs: Any) -> None:
        self.found = checks.unknown_operator()

    def context(self) -> dict[str, Any]:
        page = paginate(self.request, self.found, self.fmt)
        rows = [checks.unknown_operator_row(item) for item in page.object_list]
        return {"title": "Cameras with no operator recorded", "page": page, "rows": rows}

    def json_data(self) -> Any:
        return {"results": list(self.csv_rows())}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (checks.unknown_operator_row(item) for item in self.found.iterator(chunk_size=2000))

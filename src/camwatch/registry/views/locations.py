"""/locations/: the places street surveys name, also as GeoJSON where they have a point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.web.formats import GEO_FORMATS, FormatView


class LocationListView(FormatView):
    template_name = "registry/location_list.html"
    csv_name = "locations"
    formats = GEO_FORMATS

    def load(self, **kwargs: Any) -> None:
        self.locations = list(
            m.SurveyLocation.objects.select_related("investigation", "source").order_by(
                "investigation__slug", "locality", "name"
            )
        )

    def context(self) -> dict[str, Any]:
        located = sum(1 for place in self.locations if place.latitude is not None)
        return {"locations": self.locations, "located": located, "title": "Places surveyed"}

    def json_data(self) -> Any:
        return {"results": list(self.csv_rows())}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.location_row(place, self.request) for place in self.locations)

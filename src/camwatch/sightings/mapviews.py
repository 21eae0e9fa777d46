"""/map/: the sightings map page, and the local PMTiles basemap when one is configured.
The clusters come from /api/v1/sightings/clusters and the street-survey places from
/locations.geojson."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from camwatch.registry.models import PublicBody, Vendor
from camwatch.sightings import mapindex
from camwatch.sightings.mapconfig import basemap_kind, map_config, with_basemap_policy
from camwatch.sightings.models import CameraType
from camwatch.sightings.views import can_review

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _choices() -> dict[str, Any]:
    """Filter options: only the vendors and operators that some sighting has."""
    index = mapindex.current()
    vendors = Vendor.objects.filter(pk__in=index.present("vendor")).order_by("name")
    bodies = PublicBody.objects.filter(pk__in=index.present("operator")).order_by("name")
    return {
        "vendors": [(v.slug, v.name) for v in vendors],
        "operators": [(b.slug, b.name) for b in bodies],
        "types": CameraType.choices,
    }


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    config = {
        **map_config(),
        "clusters": reverse("api-v1:sighting_clusters"),
        "sighting": reverse("api-v1:get_sighting", args=["0"]).rstrip("0"),
        "surveys": reverse("location-list.geojson"),
        "source": reverse("source-detail", args=["_"]).rstrip("_/") + "/",
    }
    context = {
        "title": "Map of camera sightings",
        "config": config,
        "reviewer": can_review(request.user),
        "filters": request.GET,
        **_choices(),
    }
    return with_basemap_policy(render(request, "sightings/map.html", context))


@require_GET
def basemap(request: HttpRequest) -> HttpResponse:
    """The configured local .pmtiles file, with the HTTP range requests PMTiles reads by."""
    if basemap_kind(settings.CAMWATCH_MAP_BASEMAP) != "pmtiles":
        raise Http404("no local basemap is configured")
    path = Path(settings.CAMWATCH_MAP_BASEMAP)
    if not path.is_file():
        raise Http404("the configured basemap file is missing")
    size = path.stat().st_size
    wanted = RANGE.match(request.headers.get("Range", "").strip())
    if not wanted:
        response = FileResponse(path.open("rb"), content_type="application/octet-stream")
        response["Accept-Ranges"] = "bytes"
        return response
    return _partial(path, size, wanted.group(1), wanted.group(2))


def _partial(path: Path, size: int, first: str, last: str) -> HttpResponse:
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(last or 0), 0), size - 1
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with path.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type="application/octet-stream")
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response

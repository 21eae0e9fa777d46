"""What every page with a map needs: the MapLibre worker, the boundaries fallback and the
configured basemap (CAMWATCH_MAP_BASEMAP), and a content security policy that lets the
page reach that basemap and nothing else."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse

# Shown on the map when it draws the bundled boundaries (sightings/boundaries.py says
# where each nation's outline comes from and under which licence).
BOUNDARIES_CREDIT = (
    "Contains OS data © Crown copyright and database right; © Crown copyright, OSNI "
    "(Land &amp; Property Services); Open Government Licence v3.0. Made with Natural Earth."
)


def basemap_kind(basemap: str) -> str:
    """How the map page uses the CAMWATCH_MAP_BASEMAP setting."""
    if not basemap:
        return "boundaries"
    if basemap.lower().endswith(".pmtiles") and "://" not in basemap:
        return "pmtiles"
    if "{z}" in basemap:
        return "raster"
    return "style"


def _basemap_url(kind: str) -> str:
    if kind == "pmtiles":
        return reverse("map-basemap")
    return str(settings.CAMWATCH_MAP_BASEMAP)


def map_config() -> dict[str, Any]:
    kind = basemap_kind(settings.CAMWATCH_MAP_BASEMAP)
    credit = BOUNDARIES_CREDIT if kind == "boundaries" else settings.CAMWATCH_MAP_ATTRIBUTION
    return {
        "worker": static("camwatch/build/maplibre-worker.js"),
        "boundaries": static("camwatch/build/uk-boundaries.geojson"),
        "basemap": {"kind": kind, "url": _basemap_url(kind), "attribution": credit},
    }


def with_basemap_policy(response: HttpResponse) -> HttpResponse:
    if basemap_kind(settings.CAMWATCH_MAP_BASEMAP) in ("raster", "style"):
        response["Content-Security-Policy"] = policy_allowing(settings.CAMWATCH_MAP_BASEMAP)
    return response


def policy_allowing(url: str) -> str:
    """The site's policy, plus the configured basemap's origin for fetches and images:
    on this page only, since no other page loads anything from elsewhere."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    directives = dict(
        ([*d.split(None, 1), ""])[:2]
        for d in settings.CONTENT_SECURITY_POLICY.split(";")
        if d.strip()
    )
    for name in ("connect-src", "img-src"):
        current = directives.get(name) or directives.get("default-src", "'self'")
        directives[name] = f"{current} {origin}"
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())

"""/api/v1/sightings and /api/v1/signs: verified cameras and warning signs, filterable by
bounding box, vendor and type. Awaiting or rejected sightings are not public, and a
contributor is named only if they chose to be."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from camwatch.sightings import mapindex
from camwatch.sightings.clusters import ClusterQueryError
from camwatch.sightings.exports import public_row
from camwatch.sightings.models import CameraType, Sighting, Sign, Status
from camwatch.sightings.views import can_review

MAX_LATITUDE = 90.0
MAX_LONGITUDE = 180.0
MAX_ID_DIGITS = 18  # a 64-bit primary key
MAX_ZOOM = 24


class SightingOut(Schema):
    id: int
    latitude: float
    longitude: float
    accuracy_m: float | None
    observed_at: str | None
    camera_type: str
    mount: str
    direction_deg: float | None
    direction_text: str
    height_m: float | None
    vendor: str | None
    manufacturer_as_seen: str
    brand_as_seen: str
    model_as_seen: str
    operator_name: str
    operator_body: str | None
    contributor: str | None
    osm_id: int | None
    source: str | None
    street: str
    area: str
    photos: list[str]
    tags: dict[str, str]


class ClustersOut(Schema):
    type: str
    zoom: int
    total: int
    in_view: int
    features: list[dict[str, Any]]


class SignOut(Schema):
    id: int
    latitude: float
    longitude: float
    text: str
    names_operator: bool | None
    names_purpose: bool | None
    names_contact: bool | None
    osm_id: int | None
    source: str | None


def parse_bbox(bbox: str) -> tuple[float, float, float, float]:
    """`bbox=west,south,east,north` in degrees (WGS84), as in GeoJSON and OSM."""
    try:
        west, south, east, north = (float(part) for part in bbox.split(","))
    except ValueError as error:
        raise HttpError(422, "bbox must be four numbers: west,south,east,north") from error
    inside = all(abs(v) <= MAX_LONGITUDE for v in (west, east)) and all(
        abs(v) <= MAX_LATITUDE for v in (south, north)
    )
    if not inside or south > north or west > east:
        raise HttpError(422, "bbox must be west,south,east,north within -180..180 and -90..90")
    return west, south, east, north


def bbox_filter(queryset: Any, bbox: str) -> Any:
    if not bbox:
        return queryset
    west, south, east, north = parse_bbox(bbox)
    return queryset.filter(
        longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
    )


def sighting_row(item: Sighting) -> dict[str, Any]:
    """The exports' public fields (the schema keeps its own), the tags, and the contributor
    only when they chose to be named."""
    named = item.contributor_public and item.contributor_id
    contributor = item.contributor.get_username() if named else None
    photos = [reverse("sighting-photo", args=[photo.pk]) for photo in item.photos.all()]
    return {**public_row(item), "contributor": contributor, "photos": photos, "tags": item.tags}


def sign_row(item: Sign) -> dict[str, Any]:
    return {
        **public_row(item),
        "names_operator": item.names_operator,
        "names_purpose": item.names_purpose,
        "names_contact": item.names_contact,
    }


def add_clusters_route(sightings: Router, bad_filter: dict[int, Any]) -> None:
    """Registered before /{sighting_id}, which would otherwise take "clusters" as an id."""

    @sightings.get("/clusters", response={200: ClustersOut, 403: bad_filter[422], **bad_filter})
    def sighting_clusters(
        request: HttpRequest,
        bbox: str,
        zoom: int,
        vendor: str = "",
        operator: str = "",
        camera_type: str = "",
        concern: bool = False,
        pending: bool = False,
    ) -> Any:
        """The map's clusters: one per non-empty 64 px cell of the `bbox` at `zoom`, with
        its count and how many are of a vendor of concern; a cell of one camera (or, from
        CAMWATCH_MAP_EXPAND_ZOOM, of a few) gives each camera with its `id`. Filters:
        `vendor` (slug), `operator` (body slug, or `unknown`), `camera_type`, `concern`;
        `pending` adds sightings awaiting review, for reviewers only."""
        if not 0 <= zoom <= MAX_ZOOM:
            raise HttpError(422, f"zoom must be 0..{MAX_ZOOM}")
        if pending and not can_review(request.user):
            raise HttpError(403, "only reviewers may see sightings awaiting review")
        wanted = mapindex.MapFilter(vendor, operator, camera_type, concern, pending)
        try:
            found, total = mapindex.clusters(parse_bbox(bbox), zoom, wanted)
        except (mapindex.MapFilterError, ClusterQueryError) as error:
            raise HttpError(422, str(error)) from error
        return mapindex.geojson(found, total, zoom)


def routers(
    pages: Any, mapped: Any, bad_filter: dict[int, Any], not_found: dict[int, Any]
) -> tuple[Router, Router]:
    sightings = Router(tags=["sightings"])
    signs = Router(tags=["sightings"])
    public = (
        Sighting.objects.filter(status=Status.VERIFIED)
        .select_related("vendor", "operator_body", "source", "contributor")
        .prefetch_related("photos")
    )

    @sightings.get("", response={200: list[SightingOut], **bad_filter})
    @paginate(pages)
    def list_sightings(
        request: HttpRequest, bbox: str = "", vendor: str = "", camera_type: str = ""
    ) -> Any:
        """Verified camera sightings; `bbox=west,south,east,north`, `vendor` (slug) and
        `camera_type` narrow them."""
        found = bbox_filter(public, bbox)
        if vendor:
            found = found.filter(vendor__slug=vendor)
        if camera_type:
            if camera_type not in CameraType.values:
                raise HttpError(422, f"camera_type must be one of {', '.join(CameraType.values)}")
            found = found.filter(camera_type=camera_type)
        return mapped(found.order_by("pk"), sighting_row)

    add_clusters_route(sightings, bad_filter)

    @sightings.get("/{sighting_id}", response={200: SightingOut, **not_found})
    def get_sighting(request: HttpRequest, sighting_id: str) -> Any:
        """One verified sighting by its id (anything else is not found, like a slug)."""
        if (
            not (sighting_id.isascii() and sighting_id.isdigit())
            or len(sighting_id) > MAX_ID_DIGITS
        ):
            raise Http404("no such sighting")
        return sighting_row(get_object_or_404(public, pk=int(sighting_id)))

    @signs.get("", response={200: list[SignOut], **bad_filter})
    @paginate(pages)
    def list_signs(request: HttpRequest, bbox: str = "") -> Any:
        """Verified surveillance warning signs; `bbox=west,south,east,north` narrows them."""
        found = bbox_filter(
            Sign.objects.filter(status=Status.VERIFIED).select_related("source"), bbox
        )
        return mapped(found.order_by("pk"), sign_row)

    return sightings, signs

"""/api/v1/: read-only endpoints for bodies, vendors, holdings, sources, investigations,
claims and the consistency checks. Filters are the site's own (registry/filters.py),
so an API query and the same query on a page select the same records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

import camwatch
from camwatch.api import schemas
from camwatch.api.money import routers as money_routers
from camwatch.api.sightings import routers as sighting_routers
from camwatch.findings.checks import run_checks
from camwatch.findings.reproduce import by_claim
from camwatch.registry import concern, rows
from camwatch.registry import models as m
from camwatch.registry.filters import (
    BodyFilters,
    ClaimFilters,
    HoldingFilters,
    VendorFilters,
    vendors_and_verdicts,
)
from camwatch.registry.verdicts import ConcernIndex, policy_named
from camwatch.registry.views.vendors import verdict_dict


class CamwatchAPI(NinjaAPI):
    """The API, whose schema also documents what the HTTP server in front of it answers."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("414", URI_TOO_LONG)
        return schema


# gunicorn refuses a request line over CAMWATCH_MAX_REQUEST_LINE bytes before Django sees it.
URI_TOO_LONG = {
    "description": "The request line (address and query) is longer than the server accepts "
    "(CAMWATCH_MAX_REQUEST_LINE bytes).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

api = CamwatchAPI(
    title="camwatch API",
    version="1",
    description=(
        "Read-only access to camwatch's evidence registry: UK public bodies, the surveillance "
        "equipment they hold and from which vendors, the sources of every fact, and the "
        "investigations' published claims beside their recomputation."
    ),
    urls_namespace="api-v1",
    # The schema and its docs page are read-only like the rest: 405 to anything but GET/HEAD.
    docs_decorator=require_safe,
)
NOT_FOUND = {404: schemas.Error}
BAD_FILTER = {422: schemas.Error}


class Pages(LimitOffsetPagination):
    """limit (default CAMWATCH_PAGE_SIZE, at most CAMWATCH_MAX_PAGE_SIZE) and offset."""

    class Input(Schema):
        limit: int = Field(settings.CAMWATCH_PAGE_SIZE, ge=1, le=settings.CAMWATCH_MAX_PAGE_SIZE)
        # An offset past any real registry; larger numbers are refused, not overflowed.
        offset: int = Field(0, ge=0, le=1_000_000_000)


class Mapped:
    """A query set whose page of results becomes rows only when sliced, so that a page of
    fifty costs fifty rows however many records match."""

    def __init__(self, queryset: Any, row: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset = queryset
        self.row = row

    def all(self) -> Mapped:
        return self

    def count(self) -> int:
        if isinstance(self.queryset, list):
            return len(self.queryset)
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.row(item) for item in self.queryset[page]]


def _checked(filters: Any) -> Any:
    if filters.errors:
        raise HttpError(422, "; ".join(filters.errors))
    return filters


bodies = Router(tags=["bodies"])


@bodies.get("", response={200: list[schemas.BodyOut], **BAD_FILTER})
@paginate(Pages)
def list_bodies(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    group: str = "",
    nation: str = "",
    region: str = "",
    vendor: str = "",
    concern: bool = False,
    include_ended: bool = False,
) -> Any:
    """Public bodies: search by name or code, filter by kind, sector, nation, region, and
    vendor recorded (or equipment of concern under the site's policy)."""
    filters = _checked(BodyFilters.from_query(request.GET))
    found = filters.apply(m.PublicBody.objects.select_related("kind").order_by("name"))
    return Mapped(found, lambda body: rows.body_row(body, request))


@bodies.get("/{slug}", response={200: schemas.BodyDetailOut, **NOT_FOUND})
def get_body(request: HttpRequest, slug: str) -> Any:
    body = get_object_or_404(
        m.PublicBody.objects.select_related("kind", "parent", "successor"), slug=slug
    )
    holdings = m.Holding.objects.with_related().filter(body=body).order_by("as_of", "key")
    return {
        **rows.body_row(body, request),
        "aliases": body.aliases,
        "former_codes": body.former_codes,
        "parent": body.parent.slug if body.parent else None,
        "successor": body.successor.slug if body.successor else None,
        "member_of": [g.group.slug for g in body.member_of.select_related("group")],
        "members": [g.member.slug for g in body.memberships.select_related("member")],
        "source": body.source.key if body.source_id else None,
        "holdings": [rows.holding_detail(h, request) for h in holdings],
        "investigations": [
            rows.target_row(t, request)
            for t in body.investigation_targets.select_related("investigation", "source", "body")
        ],
    }


vendors = Router(tags=["vendors"])


@vendors.get("", response={200: list[schemas.VendorOut], **BAD_FILTER})
@paginate(Pages)
def list_vendors(
    request: HttpRequest,
    q: str = "",
    role: str = "",
    country: str = "",
    made_by: str = "",
    concern: str = "",
) -> Any:
    """Manufacturers and the brands their equipment is sold under: search by name, filter
    by role, headquarters, maker (`made_by`, a vendor's slug) and standing under the
    site's policy (`concern`: 1 or 0)."""
    filters = _checked(VendorFilters.from_query(request.GET))
    everyone, verdicts = vendors_and_verdicts(ConcernIndex.for_site())
    found = filters.apply(everyone, {slug for slug, v in verdicts.items() if v.of_concern})
    return Mapped(found, lambda vendor: rows.vendor_row(vendor, request))


@vendors.get("/{slug}", response={200: schemas.VendorDetailOut, **NOT_FOUND})
def get_vendor(request: HttpRequest, slug: str) -> Any:
    """A vendor's facts and every policy's verdict on it today, with reasons."""
    vendor = get_object_or_404(m.Vendor, slug=slug)
    facts = ConcernIndex.for_site().facts
    verdicts = [
        verdict_dict(concern.evaluate(policy_named(p.slug), slug, facts, dt.date.today()))
        for p in m.ConcernPolicy.objects.all()
    ]
    return {**rows.vendor_row(vendor, request), **rows.vendor_facts(vendor), "verdicts": verdicts}


holdings = Router(tags=["holdings"])


@holdings.get("", response={200: list[schemas.HoldingOut], **BAD_FILTER})
@paginate(Pages)
def list_holdings(
    request: HttpRequest,
    vendor: str = "",
    device_type: str = "",
    method: str = "",
    body: str = "",
    concern: bool = False,
) -> Any:
    """Holdings: each a sourced fact that a body has or had equipment from a vendor."""
    filters = _checked(HoldingFilters.from_query(request.GET))
    found = filters.apply(m.Holding.objects.with_related()).order_by("body__name", "as_of", "key")
    return Mapped(found, lambda holding: rows.holding_row(holding, request))


@holdings.get("/{key}", response={200: schemas.HoldingDetailOut, **NOT_FOUND})
def get_holding(request: HttpRequest, key: str) -> Any:
    holding = get_object_or_404(m.Holding.objects.with_related(), key=key)
    return rows.holding_detail(holding, request)


sources = Router(tags=["sources"])


@sources.get("", response={200: list[schemas.SourceOut], **BAD_FILTER})
@paginate(Pages)
def list_sources(request: HttpRequest) -> Any:
    return Mapped(m.Source.objects.order_by("key"), lambda source: rows.source_row(source, request))


@sources.get("/{key}", response={200: schemas.SourceOut, **NOT_FOUND})
def get_source(request: HttpRequest, key: str) -> Any:
    return rows.source_row(get_object_or_404(m.Source, key=key), request)


investigations = Router(tags=["investigations"])


@investigations.get("", response={200: list[schemas.InvestigationOut], **BAD_FILTER})
@paginate(Pages)
def list_investigations(request: HttpRequest) -> Any:
    found = m.Investigation.objects.order_by("-published", "title")
    return Mapped(found, lambda item: rows.investigation_row(item, request))


@investigations.get("/{slug}", response={200: schemas.InvestigationDetailOut, **NOT_FOUND})
def get_investigation(request: HttpRequest, slug: str) -> Any:
    investigation = get_object_or_404(m.Investigation, slug=slug)
    claims = list(investigation.claims.select_related("investigation", "source", "corrected_by"))
    return {
        **rows.investigation_row(investigation, request),
        "summary": investigation.summary,
        "method": investigation.method,
        "questions": investigation.questions,
        "target_description": investigation.target_description,
        "notes": investigation.notes,
        "sources": [source.key for source in investigation.sources.all()],
        "targets": [
            rows.target_row(t, request)
            for t in investigation.targets.select_related("body", "source", "investigation")
        ],
        "claims": _claims(claims, request),
    }


claims = Router(tags=["claims"])


def _claims(found: list[m.Claim], request: HttpRequest) -> list[dict[str, Any]]:
    results = by_claim(found)
    return [
        {**rows.claim_row(claim, request), "reproduction": results[claim.key].as_dict()}
        for claim in found
    ]


@claims.get("", response={200: list[schemas.ClaimOut], **BAD_FILTER})
@paginate(Pages)
def list_claims(
    request: HttpRequest,
    investigation: str = "",
    with_denominator: bool = False,
    status: str = "",
    q: str = "",
) -> Any:
    """Published claims as printed, each with the ledger's verdict on it."""
    filters = _checked(ClaimFilters.from_query(request.GET))
    found = list(
        filters.apply(m.Claim.objects.select_related("investigation", "source", "corrected_by"))
    )
    items = _claims(found, request)
    return [
        item
        for item in items
        if not filters.status or item["reproduction"]["status"] == filters.status
    ]


@claims.get("/{key}", response={200: schemas.ClaimOut, **NOT_FOUND})
def get_claim(request: HttpRequest, key: str) -> Any:
    claim = get_object_or_404(
        m.Claim.objects.select_related("investigation", "source", "corrected_by"), key=key
    )
    return _claims([claim], request)[0]


findings = Router(tags=["findings"])


@findings.get("/checks", response=list[schemas.FindingOut])
def list_checks(request: HttpRequest) -> Any:
    """The consistency checks' findings, each with the records involved."""
    return [finding.as_dict() for finding in run_checks()]


@api.get("/", tags=["meta"], response=dict[str, str])
def index(request: HttpRequest) -> Any:
    return {
        "name": "camwatch",
        "version": camwatch.__version__,
        "openapi": request.build_absolute_uri("openapi.json"),
    }


api.add_router("/bodies", bodies)
api.add_router("/vendors", vendors)
api.add_router("/holdings", holdings)
api.add_router("/sources", sources)
api.add_router("/investigations", investigations)
api.add_router("/claims", claims)
api.add_router("/findings", findings)
sightings, signs = sighting_routers(Pages, Mapped, BAD_FILTER, NOT_FOUND)
api.add_router("/sightings", sightings)
api.add_router("/signs", signs)
for prefix, router in money_routers(Pages, Mapped, BAD_FILTER, NOT_FOUND).items():
    api.add_router(prefix, router)

"""/api/v1/contracts, /organisations, /policies and /money: the money trail, read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from camwatch.money import models as mm
from camwatch.money import queries, rows
from camwatch.money.summary import money_summary


class ContractOut(Schema):
    key: str
    url: str | None
    ocid: str
    title: str
    buyer: str | None
    buyer_name: str
    supplier: str | None
    supplier_body: str | None
    supplier_name: str
    integrator: str | None
    manufacturers: list[str]
    value: float | None
    currency: str
    value_kind: str
    start: str
    end: str
    reference: str
    cpv_codes: list[str]
    reasons: list[str]
    origin: str
    source: str
    quote: str


class SuppliesOut(Schema):
    vendor: str
    relation: str
    confidence: str
    start: str
    end: str
    source: str
    quote: str


class OrganisationOut(Schema):
    slug: str
    url: str | None
    name: str
    kind: str
    company_number: str
    country: str
    aliases: list[str]
    origin: str
    supplies: list[SuppliesOut]


class PolicyOut(Schema):
    key: str
    body: str
    body_name: str
    stance: str
    vendors: list[str]
    stated: str
    effective: str
    deadline: str
    scope: str
    source: str
    quote: str
    contradicted: bool


class MoneySummaryOut(Schema):
    caveat: str
    concern_policy: str
    counts: dict[str, int]
    spend_by_body: list[dict[str, Any]]
    spend_by_sector: list[dict[str, Any]]
    spend_by_year: list[dict[str, Any]]
    league_table: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    removal_progress: list[dict[str, Any]]


def routers(pages: Any, mapped: Any, bad_filter: Any, not_found: Any) -> dict[str, Router]:
    """The routers, given the API's paginator and error shapes (api/v1.py)."""
    contracts = Router(tags=["money"])
    organisations = Router(tags=["money"])
    policies = Router(tags=["money"])
    summary = Router(tags=["money"])

    @contracts.get("", response={200: list[ContractOut], **bad_filter})
    @paginate(pages)
    def list_contracts(request: HttpRequest, buyer: str = "", supplier: str = "") -> Any:
        """Contracts for surveillance systems: buyer, supplier, integrator, manufacturers,
        value and period, each with its source. Filter by buyer or supplier slug."""
        found = queries.contracts_with_related().order_by("start", "key")
        if buyer:
            found = found.filter(buyer__slug=buyer)
        if supplier:
            found = found.filter(supplier__slug=supplier)
        return mapped(found, lambda c: rows.contract_row(c, request))

    @contracts.get("/{key}", response={200: ContractOut, **not_found})
    def get_contract(request: HttpRequest, key: str) -> Any:
        return rows.contract_row(
            get_object_or_404(queries.contracts_with_related(), key=key), request
        )

    @organisations.get("", response={200: list[OrganisationOut], **bad_filter})
    @paginate(pages)
    def list_organisations(request: HttpRequest) -> Any:
        """Integrators, installers and other suppliers, with the manufacturers they supply."""
        found = mm.Organisation.objects.prefetch_related(
            "vendor_relations__vendor", "vendor_relations__source"
        )
        return mapped(found.order_by("name"), lambda o: rows.organisation_row(o, request))

    @organisations.get("/{slug}", response={200: OrganisationOut, **not_found})
    def get_organisation(request: HttpRequest, slug: str) -> Any:
        return rows.organisation_row(get_object_or_404(mm.Organisation, slug=slug), request)

    @policies.get("", response={200: list[PolicyOut], **bad_filter})
    @paginate(pages)
    def list_policies(request: HttpRequest, body: str = "") -> Any:
        """Bodies' stated policies on vendors' equipment, and whether their own records
        contradict them."""
        found = mm.StatedPolicy.objects.select_related("body", "source").prefetch_related("vendors")
        if body:
            found = found.filter(body__slug=body)
        broken = {c.policy.key for c in queries.policy_report().contradictions}
        return mapped(
            found.order_by("body__name", "stated"), lambda p: rows.policy_row(p, p.key in broken)
        )

    @summary.get("/summary", response=MoneySummaryOut)
    def get_summary(request: HttpRequest) -> Any:
        """Spend by body, sector and year; integrators; contradictions; removal progress."""
        return money_summary()

    return {
        "/contracts": contracts,
        "/organisations": organisations,
        "/policies": policies,
        "/money": summary,
    }

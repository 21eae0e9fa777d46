"""Records as plain dicts: one function per resource, shared by the JSON and CSV views so
that the two can never disagree. Values are JSON-ready scalars or lists; the CSV writer
joins lists with "; "."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from camwatch.registry import models as m
from camwatch.registry.dates import render


def _url(request: HttpRequest | None, obj: Any) -> str:
    path = obj.get_absolute_url()
    return request.build_absolute_uri(path) if request else path


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def body_row(body: m.PublicBody, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "slug": body.slug,
        "name": body.name,
        "kind": body.kind.slug,
        "kind_label": body.kind.label,
        "nation": body.nation,
        "region": body.region,
        "official_code": body.official_code,
        "foi_regime": body.foi_regime,
        "website": body.website,
        "whatdotheyknow_slug": body.whatdotheyknow_slug,
        "end_date": body.end_date,
        "url": _url(request, body),
    }


def source_row(source: m.Source, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "key": source.key,
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "published": render(source.published, source.published_precision),
        "source_url": source.url,
        "licence": source.licence,
        "url": _url(request, source),
    }


def holding_row(holding: m.Holding, request: HttpRequest | None = None) -> dict[str, Any]:
    candidates = [vendor.slug for vendor in holding.vendor_candidates.all()]
    return {
        "key": holding.key,
        "body": holding.body.slug,
        "body_name": holding.body.name,
        "summary": holding.summary(),
        "vendor": holding.vendor.slug if holding.vendor_id else None,
        "vendor_candidates": candidates,
        "device_type": holding.device_type.slug if holding.device_type_id else None,
        "device_model": holding.device_model.code if holding.device_model_id else None,
        "count": holding.count,
        "count_qualifier": holding.count_qualifier,
        "status": holding.status,
        "as_of": render(holding.as_of, holding.as_of_precision),
        "scope_kind": holding.scope_kind,
        "scope_name": holding.scope_name,
        "method": holding.method,
        "confidence": holding.confidence,
        "capabilities": [
            f"{item.capability.slug}:{item.status}" for item in holding.capabilities.all()
        ],
        "investigation": holding.investigation.slug if holding.investigation_id else None,
        "sources": [citation.source.key for citation in holding.citations.all()],
        "source_urls": [_url(request, citation.source) for citation in holding.citations.all()],
        "body_url": _url(request, holding.body),
    }


def holding_detail(holding: m.Holding, request: HttpRequest | None = None) -> dict[str, Any]:
    """A holding with the passages its sources are cited for."""
    return {
        **holding_row(holding, request),
        "description": holding.description,
        "notes": holding.notes,
        "citations": [
            {
                "source": citation.source.key,
                "title": citation.source.title,
                "quote": citation.quote,
                "locator": citation.locator,
                "url": _url(request, citation.source),
            }
            for citation in holding.citations.all()
        ],
    }


def claim_row(claim: m.Claim, request: HttpRequest | None = None) -> dict[str, Any]:
    arithmetic = None
    if claim.numerator is not None and claim.denominator:
        arithmetic = round(100 * claim.numerator / claim.denominator, 1)
    return {
        "key": claim.key,
        "investigation": claim.investigation.slug,
        "text": claim.text,
        "verbatim": claim.verbatim,
        "subject": claim.subject,
        "value": _number(claim.value),
        "numerator": claim.numerator,
        "denominator": claim.denominator,
        "denominator_basis": claim.denominator_basis,
        "percent_printed": _number(claim.percent_printed),
        "percent_from_own_figures": arithmetic,
        "published": render(claim.published, claim.published_precision),
        "source": claim.source.key,
        "source_url": _url(request, claim.source),
        "corrected_by": claim.correction.key if claim.correction else None,
        "notes": claim.notes,
    }


def target_row(target: m.InvestigationTarget, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "investigation": target.investigation.slug,
        "body": target.body.slug,
        "body_name": target.body.name,
        "outcome": target.outcome,
        "exemptions": target.exemptions,
        "responded": render(target.responded, target.responded_precision),
        "source": target.source.key if target.source_id else None,
        "quote": target.quote,
        "body_url": _url(request, target.body),
    }


def investigation_row(
    investigation: m.Investigation, request: HttpRequest | None = None
) -> dict[str, Any]:
    return {
        "slug": investigation.slug,
        "title": investigation.title,
        "kind": investigation.kind,
        "conducted_by": investigation.conducted_by,
        "started": render(investigation.started, investigation.started_precision),
        "published": render(investigation.published, investigation.published_precision),
        "stated_target_count": investigation.stated_target_count,
        "url": _url(request, investigation),
    }


def vendor_row(vendor: m.Vendor, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "slug": vendor.slug,
        "name": vendor.name,
        "role": vendor.role,
        "legal_name": vendor.legal_name,
        "country": vendor.country,
        "aliases": vendor.aliases,
        "url": _url(request, vendor),
    }


def vendor_facts(vendor: m.Vendor) -> dict[str, Any]:
    """The register's facts on a vendor, each with its source and recorded precision."""
    return {
        "description": vendor.description,
        "relations": [
            {
                "kind": r.kind,
                "target": r.target.slug,
                "confidence": r.confidence,
                "start": render(r.start, r.start_precision),
                "end": render(r.end, r.end_precision),
                "source": r.source.key,
            }
            for r in vendor.relations.select_related("target", "source")
        ],
        "brands": [
            {"vendor": r.vendor.slug, "kind": r.kind, "confidence": r.confidence}
            for r in vendor.related_brands.select_related("vendor")
        ],
        "ownership": [
            {
                "owner": o.owner,
                "state_controlled": o.state_controlled,
                "share_percent": _number(o.share_percent),
                "as_of": render(o.as_of, o.as_of_precision),
                "source": o.source.key,
            }
            for o in vendor.ownership.select_related("source")
        ],
        "restrictions": [
            {
                "jurisdiction": r.jurisdiction,
                "instrument": r.instrument,
                "title": r.title,
                "effective": render(r.effective, r.effective_precision),
                "announced": r.announced,
                "ended": r.ended,
                "source": r.source.key,
            }
            for r in vendor.restrictions.select_related("source")
        ],
    }


def location_row(location: m.SurveyLocation, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "investigation": location.investigation.slug,
        "investigation_title": location.investigation.title,
        "name": location.name,
        "locality": location.locality,
        "count": location.count,
        "latitude": _number(location.latitude),
        "longitude": _number(location.longitude),
        "coordinates_method": location.coordinates_method,
        "source": location.source.key,
        "source_title": location.source.title,
        "quote": location.quote,
        "notes": location.notes,
        "investigation_url": _url(request, location.investigation),
    }

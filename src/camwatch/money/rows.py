"""One flat row per record, shared by the JSON, CSV and XLSX forms of each page and the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from camwatch.money import models as mm
from camwatch.money import trail
from camwatch.registry.dates import render


def _url(request: HttpRequest | None, obj: Any) -> str | None:
    if obj is None:
        return None
    address = obj.get_absolute_url()
    return request.build_absolute_uri(address) if request else address


def contract_row(c: mm.Contract, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "key": c.key,
        "url": _url(request, c),
        "ocid": c.ocid,
        "title": c.title,
        "buyer": c.buyer.slug if c.buyer else None,
        "buyer_name": c.buyer_name or (c.buyer.name if c.buyer else ""),
        "supplier": c.supplier.slug if c.supplier else None,
        "supplier_body": c.supplier_body.slug if c.supplier_body else None,
        "supplier_name": c.supplier_label(),
        "integrator": c.integrator.slug if c.integrator else None,
        "manufacturers": [v.slug for v in c.manufacturers.all()],
        "value": c.value,
        "currency": c.currency,
        "value_kind": c.value_kind,
        "start": render(c.start, c.start_precision),
        "end": render(c.end, c.end_precision),
        "reference": c.reference,
        "cpv_codes": c.cpv_codes,
        "reasons": c.reasons,
        "origin": c.origin,
        "source": c.source.key,
        "quote": c.quote,
    }


def organisation_row(o: mm.Organisation, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "slug": o.slug,
        "url": _url(request, o),
        "name": o.name,
        "kind": o.kind,
        "company_number": o.company_number,
        "country": o.country,
        "aliases": o.aliases,
        "origin": o.origin,
        "supplies": [
            {
                "vendor": r.vendor.slug,
                "relation": r.relation,
                "confidence": r.confidence,
                "start": render(r.start, r.start_precision),
                "end": render(r.end, r.end_precision),
                "source": r.source.key,
                "quote": r.quote,
            }
            for r in o.vendor_relations.all()
        ],
    }


def policy_row(p: mm.StatedPolicy, contradicted: bool | None = None) -> dict[str, Any]:
    row = {
        "key": p.key,
        "body": p.body.slug,
        "body_name": p.body.name,
        "stance": p.stance,
        "vendors": [v.slug for v in p.vendors.all()],
        "stated": render(p.stated, p.stated_precision),
        "effective": render(p.effective, p.effective_precision),
        "deadline": render(p.deadline, p.deadline_precision),
        "scope": p.scope,
        "source": p.source.key,
        "quote": p.quote,
    }
    if contradicted is not None:
        row["contradicted"] = contradicted
    return row


def payment_row(p: mm.Payment) -> dict[str, Any]:
    return {
        "body": p.body.slug,
        "date": render(p.date, p.date_precision),
        "end": render(p.end, p.end_precision),
        "supplier": p.supplier.slug if p.supplier else None,
        "supplier_name": p.supplier_label(),
        "amount": p.amount,
        "currency": p.currency,
        "description": p.description,
        "expense_type": p.expense_type,
        "surveillance": p.surveillance,
        "source": p.source.key,
        "locator": p.locator,
    }


def contradiction_row(c: trail.Contradiction) -> dict[str, Any]:
    return {
        "policy": c.policy.key,
        "body": c.policy.body,
        "stance": c.policy.stance,
        "stated": c.policy.stated.isoformat(),
        "record_kind": "holding" if isinstance(c.record, trail.HoldingFact) else "contract",
        "record": c.record.key,
        "reason": c.reason,
    }


def progress_row(p: trail.Progress) -> dict[str, Any]:
    return {
        "policy": p.policy.key,
        "body": p.policy.body,
        "stance": p.policy.stance,
        "state": p.state,
        "latest": p.latest.isoformat() if p.latest else None,
        "timeline": [
            {"holding": h.key, "as_of": h.as_of.isoformat(), "count": h.count, "status": h.status}
            for h in p.timeline
        ],
    }


def league_row(r: trail.LeagueRow) -> dict[str, Any]:
    return {
        "supplier": r.supplier,
        "buyers": r.buyers,
        "contracts": r.contracts,
        "value": dict(sorted(r.value.items())),
        "manufacturers": list(r.manufacturers),
        "of_concern": list(r.of_concern),
    }

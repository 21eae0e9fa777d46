"""Writing the money sections of the bundled data (see registry/loader/extensions.py)."""

from __future__ import annotations

from typing import Any

from camwatch.money import models as mm
from camwatch.money import schema
from camwatch.registry import models as m
from camwatch.registry.loader.apply import Applier, _date
from camwatch.registry.loader.bundle import Entry
from camwatch.registry.loader.extensions import Extension
from camwatch.registry.loader.tables import sync_m2m

SECTIONS: dict[str, type[schema.Record]] = {
    "organisations": schema.OrganisationRecord,
    "contracts": schema.ContractRecord,
    "payments": schema.PaymentRecord,
    "stated_policies": schema.StatedPolicyRecord,
}


def apply(applier: Applier) -> None:
    _organisations(applier)
    _contracts(applier)
    _payments(applier)
    _stated_policies(applier)


EXTENSION = Extension(
    name="money",
    sections=SECTIONS,
    unique_keys={
        "organisations": lambda r: r.slug,
        "contracts": lambda r: r.key,
        "payments": lambda r: r.key,
        "stated_policies": lambda r: r.key,
    },
    apply=apply,
)


def _organisations(applier: Applier) -> None:
    table = applier.table(mm.Organisation, "slug")
    for entry in applier.bundle.section("organisations"):
        record: schema.OrganisationRecord = entry.record
        values = {
            "name": record.name,
            "kind": record.kind,
            "company_number": record.company_number,
            "country": record.country or "",
            "website": record.website or "",
            "aliases": record.aliases,
            "description": record.description,
            "source": applier.optional_ref(entry, m.Source, record.source, "source"),
            "origin": mm.Origin.BUNDLED,
        }
        organisation = table.put(entry, {"slug": record.slug}, values)
        _supplies(applier, entry, organisation)


def _supplies(applier: Applier, entry: Entry[Any], organisation: mm.Organisation) -> None:
    table = applier.table(mm.OrganisationVendor, "organisation", "relation", "vendor")
    keep = set()
    for item in entry.record.supplies:
        vendor = applier.ref(entry, m.Vendor, item.vendor, "supplies.vendor")
        key = {"organisation": organisation, "relation": item.relation, "vendor": vendor}
        values = {
            "confidence": item.confidence,
            **_date(item.start, "start"),
            **_date(item.end, "end"),
            "source": applier.ref(entry, m.Source, item.source, "supplies.source"),
            "quote": item.quote,
        }
        table.put(entry, key, values)
        keep.add(table.marker(**key))
    table.prune(keep, organisation=organisation)


def _contracts(applier: Applier) -> None:
    table = applier.table(mm.Contract, "key")
    for entry in applier.bundle.section("contracts"):
        record: schema.ContractRecord = entry.record
        buyer = applier.ref(entry, m.PublicBody, record.buyer, "buyer")
        supplier = applier.optional_ref(entry, mm.Organisation, record.supplier, "supplier")
        supplier_body = applier.optional_ref(
            entry, m.PublicBody, record.supplier_body, "supplier_body"
        )
        values = {
            "buyer": buyer,
            "buyer_name": buyer.name,
            "supplier": supplier,
            "supplier_body": supplier_body,
            "supplier_name": str(supplier or supplier_body or ""),
            "integrator": applier.optional_ref(
                entry, mm.Organisation, record.integrator, "integrator"
            ),
            **record.model_dump(
                include={"title", "description", "value", "currency", "value_kind", "reference"}
            ),
            "cpv_codes": record.cpv_codes,
            **_date(record.start, "start"),
            **_date(record.end, "end"),
            "source": applier.ref(entry, m.Source, record.source, "source"),
            "quote": record.quote,
            "notes": record.notes,
            "origin": mm.Origin.BUNDLED,
        }
        contract = table.put(entry, {"key": record.key}, values)
        wanted = [applier.ref(entry, m.Vendor, s, "manufacturers") for s in record.manufacturers]
        sync_m2m(contract.manufacturers, wanted, applier.report, "contract manufacturers")


def _payments(applier: Applier) -> None:
    table = applier.table(mm.Payment, "fingerprint")
    for entry in applier.bundle.section("payments"):
        record: schema.PaymentRecord = entry.record
        supplier = applier.optional_ref(entry, mm.Organisation, record.supplier, "supplier")
        values = {
            "body": applier.ref(entry, m.PublicBody, record.body, "body"),
            "supplier": supplier,
            "supplier_name": record.supplier_name or str(supplier or ""),
            **_date(record.date, "date"),
            **_date(record.end, "end"),
            "amount": record.amount,
            "currency": record.currency,
            "description": record.description,
            "surveillance": record.surveillance,
            "source": applier.ref(entry, m.Source, record.source, "source"),
            "quote": record.quote,
            "origin": mm.Origin.BUNDLED,
        }
        table.put(entry, {"fingerprint": f"bundled:{record.key}"}, values)


def _stated_policies(applier: Applier) -> None:
    table = applier.table(mm.StatedPolicy, "key")
    for entry in applier.bundle.section("stated_policies"):
        record: schema.StatedPolicyRecord = entry.record
        values = {
            "body": applier.ref(entry, m.PublicBody, record.body, "body"),
            "stance": record.stance,
            **_date(record.stated, "stated"),
            **_date(record.effective, "effective"),
            **_date(record.deadline, "deadline"),
            "scope": record.scope,
            "source": applier.ref(entry, m.Source, record.source, "source"),
            "quote": record.quote,
            "notes": record.notes,
        }
        policy = table.put(entry, {"key": record.key}, values)
        wanted = [applier.ref(entry, m.Vendor, slug, "vendors") for slug in record.vendors]
        sync_m2m(policy.vendors, wanted, applier.report, "stated policy vendors")

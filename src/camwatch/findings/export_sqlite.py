"""`camwatch export sqlite FILE`: the registry as one SQLite file that Datasette opens,
with table and column descriptions, sources and licences in FILE.metadata.json.

Rows come from registry/rows.py, the functions behind the site's .json and .csv, so the
file says what the site says. Lists are stored as JSON text. Full-text indexes (FTS5)
on bodies, claims and sources let Datasette search them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from camwatch.findings.reproduce import by_claim
from camwatch.registry import models as m
from camwatch.registry import rows
from camwatch.registry.dates import render
from camwatch.registry.verdicts import ConcernIndex


@dataclass
class Table:
    name: str
    description: str
    key: str
    columns: dict[str, str]
    rows: Callable[[], Iterable[Mapping[str, Any]]]
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    search: tuple[str, ...] = ()
    license: str = ""


def _bodies() -> Iterable[dict[str, Any]]:
    for body in m.PublicBody.objects.select_related("kind", "parent", "successor", "source"):
        yield {
            **rows.body_row(body),
            "aliases": body.aliases,
            "former_codes": body.former_codes,
            "parent": body.parent.slug if body.parent else None,
            "successor": body.successor.slug if body.successor else None,
            "source": body.source.key if body.source else None,
        }


def _vendors() -> Iterable[dict[str, Any]]:
    index = ConcernIndex.for_site()
    for vendor in m.Vendor.objects.all():
        verdict = index.verdict(vendor.slug)
        yield {
            **rows.vendor_row(vendor),
            "description": vendor.description,
            "of_concern": verdict.of_concern,
            "policy": index.policy.slug,
            "reasons": [reason.finding for reason in verdict.reasons],
        }


def _relations() -> Iterable[dict[str, Any]]:
    for r in m.VendorRelation.objects.select_related("vendor", "target", "source"):
        yield {
            "vendor": r.vendor.slug,
            "kind": r.kind,
            "target": r.target.slug,
            "confidence": r.confidence,
            "start": render(r.start, r.start_precision),
            "end": render(r.end, r.end_precision),
            "source": r.source.key,
        }


def _restrictions() -> Iterable[dict[str, Any]]:
    for r in m.Restriction.objects.select_related("vendor", "source"):
        yield {
            "vendor": r.vendor.slug,
            "jurisdiction": r.jurisdiction,
            "instrument": r.instrument,
            "title": r.title,
            "effective": render(r.effective, r.effective_precision),
            "ended": r.ended,
            "source": r.source.key,
        }


def _citations() -> Iterable[dict[str, Any]]:
    for c in m.HoldingSource.objects.select_related("holding", "source"):
        yield {
            "holding": c.holding.key,
            "source": c.source.key,
            "quote": c.quote,
            "locator": c.locator,
        }


def _sources() -> Iterable[dict[str, Any]]:
    for source in m.Source.objects.all():
        yield {
            **rows.source_row(source),
            "attribution": source.attribution,
            "quote": source.quote,
            "notes": source.notes,
        }


def _claims() -> Iterable[dict[str, Any]]:
    claims = list(m.Claim.objects.select_related("investigation", "source", "corrected_by"))
    results = by_claim(claims)
    for claim in claims:
        result = results[claim.key]
        yield {
            **rows.claim_row(claim),
            "recomputed": result.recomputed,
            "status": result.status,
            "cause": result.cause,
            "detail": result.detail,
        }


def tables() -> list[Table]:
    body_columns = {
        "slug": "Stable identifier",
        "name": "Name",
        "kind": "Kind of body",
        "official_code": "GSS code for councils",
        "nation": "Nation",
        "region": "Region",
        "end_date": "Abolished on",
        "source": "Where the body is listed from",
    }
    return [
        Table(
            "bodies",
            "UK public bodies: every principal council (ONS), police forces and the "
            "other bodies the sources name.",
            "slug",
            body_columns,
            _bodies,
            {"source": ("sources", "key")},
            ("name", "official_code", "aliases"),
            "Open Government Licence v3.0 (ONS reference lists)",
        ),
        Table(
            "vendors",
            "Manufacturers and brands, with the site's concern verdict today.",
            "slug",
            {
                "role": "manufacturer or brand",
                "of_concern": "Under the site's policy, today",
                "policy": "The concern policy applied",
                "reasons": "Why (JSON list)",
            },
            _vendors,
        ),
        Table(
            "vendor_relations",
            "Brand, subsidiary, joint-venture and OEM relations, dated, "
            "with a confidence and a source.",
            "",
            {"kind": "vendor KIND target"},
            _relations,
            {
                "vendor": ("vendors", "slug"),
                "target": ("vendors", "slug"),
                "source": ("sources", "key"),
            },
        ),
        Table(
            "restrictions",
            "Dated restrictions on vendors, by jurisdiction and instrument.",
            "",
            {"instrument": "e.g. us-entity-list, ndaa-889"},
            _restrictions,
            {"vendor": ("vendors", "slug"), "source": ("sources", "key")},
        ),
        Table(
            "holdings",
            "Each a sourced fact: a body has or had N devices of a type from a "
            "vendor, as of a date.",
            "key",
            {
                "count": "Number of devices, as the source gives it",
                "count_qualifier": "exact, at_least, more_than, approximately, at_most",
                "as_of": "As precise as the source: YYYY, YYYY-MM or YYYY-MM-DD",
                "vendor_candidates": "When the source says 'one of these' (JSON list)",
            },
            lambda: (rows.holding_row(h) for h in m.Holding.objects.with_related()),
            {"body": ("bodies", "slug"), "vendor": ("vendors", "slug")},
        ),
        Table(
            "holding_citations",
            "The passage each holding relies on, per source.",
            "",
            {"quote": "The passage relied on"},
            _citations,
            {"holding": ("holdings", "key"), "source": ("sources", "key")},
        ),
        Table(
            "sources",
            "Every source cited, with its licence where it has one.",
            "key",
            {"source_url": "The source's own address", "licence": "Licence, where recorded"},
            _sources,
            search=("title", "publisher"),
        ),
        Table(
            "investigations",
            "Surveys, FOI campaigns, street surveys and network scans.",
            "slug",
            {"stated_target_count": "How many bodies the investigation says it asked"},
            lambda: (rows.investigation_row(i) for i in m.Investigation.objects.all()),
        ),
        Table(
            "targets",
            "Who each investigation asked, and the outcome.",
            "",
            {"outcome": "provided, withheld, no_response, refused, after_publication, unknown..."},
            lambda: (
                rows.target_row(t)
                for t in m.InvestigationTarget.objects.select_related(
                    "investigation", "body", "source"
                )
            ),
            {"investigation": ("investigations", "slug"), "body": ("bodies", "slug")},
        ),
        Table(
            "claims",
            "Published claims as printed, each beside its recomputation from the "
            "registry (status: match, mismatch, not_reproducible).",
            "key",
            {
                "text": "As printed (see verbatim)",
                "percent_printed": "As printed",
                "status": "The ledger's verdict",
                "cause": "The likely cause of a mismatch",
            },
            _claims,
            {"investigation": ("investigations", "slug"), "source": ("sources", "key")},
            ("text", "subject"),
        ),
        *_money_tables(),
    ]


def _money_tables() -> list[Table]:
    """The money trail (money/rows.py, the rows behind its pages and API)."""
    from camwatch.money import models as mm
    from camwatch.money import queries
    from camwatch.money import rows as money_rows

    return [
        Table(
            "organisations",
            "Integrators, installers and other suppliers that are not public bodies, with "
            "the manufacturers they are known to supply (JSON list, each with its source).",
            "slug",
            {"kind": "integrator, installer, maintainer, distributor or supplier"},
            lambda: (
                money_rows.organisation_row(o)
                for o in mm.Organisation.objects.prefetch_related("vendor_relations__vendor")
            ),
            search=("name", "aliases"),
        ),
        Table(
            "contracts",
            "Contracts for surveillance systems: buyer, supplier, integrator, manufacturers, "
            "value and period. A value is the whole contract's, not the hardware's.",
            "key",
            {
                "value": "The whole contract's value as published",
                "buyer_name": "As published",
                "reasons": "Why an imported notice counts as surveillance (JSON list)",
            },
            lambda: (money_rows.contract_row(c) for c in queries.contracts_with_related()),
            {
                "buyer": ("bodies", "slug"),
                "supplier": ("organisations", "slug"),
                "integrator": ("organisations", "slug"),
                "source": ("sources", "key"),
            },
            ("title", "buyer_name", "supplier_name"),
        ),
        Table(
            "payments",
            "Money bodies paid: lines of spending files, and totals sources report.",
            "",
            {"amount": "Negative for a credit", "locator": "The line in the file"},
            lambda: (
                money_rows.payment_row(p)
                for p in mm.Payment.objects.select_related("body", "supplier", "source")
            ),
            {"body": ("bodies", "slug"), "supplier": ("organisations", "slug")},
        ),
        Table(
            "stated_policies",
            "What bodies have said about vendors' equipment (ban, replace, ...), dated.",
            "key",
            {"stance": "ban, replace, no_new_purchases, keep or adopt"},
            lambda: (
                money_rows.policy_row(p)
                for p in mm.StatedPolicy.objects.select_related("body", "source").prefetch_related(
                    "vendors"
                )
            ),
            {"body": ("bodies", "slug"), "source": ("sources", "key")},
        ),
    ]


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    if isinstance(value, bool) or value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)  # a number, so that Datasette sorts and sums it as one
    return str(value)


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _q(name: str) -> str:
    """A table or column name, quoted; names come from this module, never from input."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def _write_table(db: sqlite3.Connection, table: Table) -> None:
    records = [{k: _value(v) for k, v in row.items()} for row in table.rows()]
    columns = list(records[0]) if records else list(table.columns)
    definitions = []
    for column in columns:
        definition = _q(column) + (" PRIMARY KEY" if column == table.key else "")
        if column in table.foreign_keys:
            other, other_key = table.foreign_keys[column]
            definition += f" REFERENCES {_q(other)}({_q(other_key)})"
        definitions.append(definition)
    db.execute(f"CREATE TABLE {_q(table.name)} ({', '.join(definitions)})")
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f"INSERT INTO {_q(table.name)} VALUES ({marks})",  # noqa: S608 - names from _q
        ([record.get(column) for column in columns] for record in records),
    )
    if table.search:
        fts = _q(f"{table.name}_fts")
        fields = ", ".join(_q(column) for column in table.search)
        db.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({fields}, content={_q(table.name)})")
        db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608 - names from _q


def metadata(path: Path, chosen: list[Table]) -> dict[str, Any]:
    return {
        "title": "camwatch",
        "description": (
            "Which UK public bodies run which surveillance cameras and recorders, from which "
            "vendors, each fact cited to its source."
        ),
        "source": "camwatch registry",
        "databases": {
            path.stem: {
                "tables": {
                    table.name: {
                        "description": table.description,
                        "columns": table.columns,
                        **({"license": table.license} if table.license else {}),
                        "source": "camwatch registry (see the sources table for each record)",
                    }
                    for table in chosen
                }
            }
        },
    }


def export_sqlite(path: Path) -> tuple[Path, dict[str, int]]:
    """Write the SQLite file (replacing it) and its Datasette metadata; return the
    metadata's path and the row count of each table."""
    chosen = tables()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(partial) as db:
        for table in chosen:
            _write_table(db, table)
        counts = {
            t.name: db.execute(f"SELECT COUNT(*) FROM {_q(t.name)}").fetchone()[0]  # noqa: S608
            for t in chosen
        }
    db.close()
    partial.replace(path)  # a reader never sees a half-written file
    meta = path.with_name(path.name + ".metadata.json")
    meta.write_text(json.dumps(metadata(path, chosen), indent=2) + "\n", encoding="utf-8")
    return meta, counts

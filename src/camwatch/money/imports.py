"""Procurement notices (OCDS) and councils' spending files into the money tables.

Each import runs in one transaction: a file with a bad record changes nothing unless
`skip_bad` is given, in which case the bad records are reported by position and the rest
is imported. Re-importing a file changes nothing: contracts are keyed by their OCID and
payments by a fingerprint of the line (and its occurrence, for lines that repeat).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from camwatch.coding.lexicon import lexicon
from camwatch.money import classify, ocds, spend
from camwatch.money import models as mm
from camwatch.money.names import Matchers
from camwatch.registry import models as m
from camwatch.registry.loader.errors import DataFileError, DataFileErrors
from camwatch.registry.loader.files import file_sha256


@dataclass
class ImportReport:
    file: str
    source: str = ""
    read: int = 0
    related: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    matching: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source,
            "read": self.read,
            "related": self.related,
            **{k: self.outcomes.get(k, 0) for k in ("created", "updated", "unchanged")},
            "skipped": self.skipped,
            "matching": self.matching,
        }


def file_source(path: Path, kind: str, title: str, digest: str) -> m.Source:
    """One Source per distinct file, keyed by its content: the same file imported twice is
    the same source."""
    source, _created = m.Source.all_objects.get_or_create(
        key=f"{kind}-{digest[:16]}",
        defaults={
            "kind": m.SourceKind.DATASET,
            "title": f"{title}: {path.name}"[:500],
            "sha256": digest,
            "notes": f"Imported by camwatch money from {path.name}.",
        },
    )
    return source


def put(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, str]:
    """Create, update only what changed, or leave alone: no history row for a no-op."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, "updated"


# -- OCDS ---------------------------------------------------------------------------------


def import_ocds(path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Read a release or record package, keep the surveillance-related notices (by CPV
    code or text), and store them as contracts, their buyers and suppliers matched."""
    rules = classify.default_rules()
    problems: list[DataFileError] | None = [] if skip_bad else None  # None: the first raises
    report = ImportReport(file=str(path))
    try:
        notices = ocds.merge_releases(
            ocds.read_notices(path, max_bytes=settings.CAMWATCH_MAX_IMPORT_BYTES, problems=problems)
        )
    except DataFileError as error:
        raise DataFileErrors([error]) from error
    report.read = len(notices)
    report.skipped = [str(problem) for problem in problems or []]
    related = []
    for notice in notices:
        verdict = classify.classify(
            notice.cpv_codes, f"{notice.title}\n{notice.description}", rules
        )
        if verdict.related:
            related.append((notice, verdict))
    report.related = len(related)
    with transaction.atomic():
        source = file_source(path, "ocds", "OCDS package", file_sha256(path))
        report.source = source.key
        matchers = Matchers()
        vendors = VendorNames()
        for notice, verdict in related:
            _, outcome = _put_notice(notice, verdict, source, matchers, vendors)
            report.outcomes[outcome] += 1
        report.matching = {
            "buyers": matchers.buyers.as_dict(),
            "suppliers": matchers.suppliers.as_dict(),
        }
    return report


def _put_notice(
    notice: ocds.Notice,
    verdict: classify.Verdict,
    source: m.Source,
    matchers: Matchers,
    vendors: VendorNames,
) -> tuple[mm.Contract, str]:
    buyer_name = notice.buyer.name if notice.buyer else ""
    supplier = notice.suppliers[0] if notice.suppliers else None
    values = {
        "key": slugify(notice.ocid)[:160] or hashlib.sha256(notice.ocid.encode()).hexdigest(),
        "buyer": matchers.buyer(buyer_name),
        "buyer_name": buyer_name[:300],
        "supplier": matchers.supplier(supplier.name, supplier.identifier) if supplier else None,
        "supplier_name": supplier.name[:300] if supplier else "",
        "title": (notice.title or notice.description or notice.ocid)[:500],
        "description": notice.description,
        "value": notice.value,
        "currency": notice.currency or "GBP",
        "start": notice.start,
        "start_precision": "day" if notice.start else "",
        "end": notice.end,
        "end_precision": "day" if notice.end else "",
        "reference": notice.reference[:200],
        "cpv_codes": list(notice.cpv_codes),
        "reasons": list(verdict.reasons),
        "source": source,
        "origin": mm.Origin.OCDS,
    }
    contract, outcome = put(mm.Contract, {"ocid": notice.ocid}, values)
    named = vendors.find(f"{notice.title}\n{notice.description}")
    if named and set(contract.manufacturers.values_list("pk", flat=True)) != {v.pk for v in named}:
        contract.manufacturers.set(named)
        outcome = "updated" if outcome == "unchanged" else outcome
    return contract, outcome


class VendorNames:
    """Manufacturers named in a notice's text, found by the response coding's lexicon of
    the vendor register (names and aliases, spacing and case forgiven, names that are also
    ordinary words only as the register writes them), as stored rows."""

    def __init__(self) -> None:
        self.lexicon = lexicon()
        self.by_slug = {vendor.slug: vendor for vendor in m.Vendor.objects.all()}

    def find(self, text: str) -> list[m.Vendor]:
        slugs = {mention.vendor for mention in self.lexicon.mentions(text)}
        found = (self.by_slug[slug] for slug in slugs if slug in self.by_slug)
        return sorted(found, key=lambda vendor: vendor.pk)


# -- spending files ---------------------------------------------------------------------


def import_spend(
    path: Path,
    *,
    body: str,
    profile: str,
    profiles_file: Path | None = None,
    skip_bad: bool = False,
    keep_all: bool = False,
) -> ImportReport:
    """Import a council's spending-over-£500 file with a named column profile. Lines paid
    to a known supplier of surveillance (an organisation with known manufacturer relations)
    or whose text reads as surveillance are kept; with `keep_all`, every line is."""
    payer = m.PublicBody.objects.filter(slug=body).first()
    if payer is None:
        raise DataFileErrors([DataFileError(path, f"unknown public body {body!r}", field="--body")])
    chosen = _profile(path, profile, profiles_file)
    problems: list[DataFileError] | None = [] if skip_bad else None  # None: the first raises
    report = ImportReport(file=str(path))
    try:
        lines = list(
            spend.read_spend(
                path, chosen, max_bytes=settings.CAMWATCH_MAX_IMPORT_BYTES, problems=problems
            )
        )
    except DataFileError as error:
        raise DataFileErrors([error]) from error
    report.read = len(lines)
    report.skipped = [str(problem) for problem in problems or []]
    with transaction.atomic():
        source = file_source(path, "spend", f"Spending file of {payer.name}", file_sha256(path))
        report.source = source.key
        _put_lines(lines, payer, chosen, source, report, keep_all)
    return report


def _profile(path: Path, name: str, profiles_file: Path | None) -> spend.SpendProfile:
    """The bundled profiles, then the site's saved ones (CAMWATCH_SPEND_PROFILES), then
    those of `--profiles`: a later profile of the same name replaces an earlier one."""
    profiles = spend.load_profiles()
    for extra in (settings.CAMWATCH_SPEND_PROFILES, profiles_file):
        if extra:
            try:
                profiles.update(spend.load_profiles(Path(extra)))
            except DataFileError as error:
                raise DataFileErrors([error]) from error
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        message = f"unknown spending profile {name!r} (known: {known})"
        raise DataFileErrors([DataFileError(path, message, field="--profile")])
    return profiles[name]


def _put_lines(
    lines: list[spend.SpendLine],
    payer: m.PublicBody,
    profile: spend.SpendProfile,
    source: m.Source,
    report: ImportReport,
    keep_all: bool,
) -> None:
    rules = classify.default_rules()
    matchers = Matchers()
    known_suppliers = set(mm.OrganisationVendor.objects.values_list("organisation", flat=True))
    seen: Counter[str] = Counter()
    for line in lines:
        text = " ".join((line.description, line.expense_type, line.service, line.supplier))
        related = classify.classify((), text, rules).related
        supplier = matchers.supplier(line.supplier, create=False)
        kept = related or (supplier is not None and supplier.pk in known_suppliers)
        if not (kept or keep_all):
            continue
        report.related += 1
        print_ = spend.line_fingerprint(line)
        seen[print_] += 1  # identical lines in one file are separate payments
        fingerprint = hashlib.sha256(f"{payer.slug}|{print_}|{seen[print_]}".encode()).hexdigest()
        values = _payment_values(line, payer, profile, source, supplier, related)
        _, outcome = put(mm.Payment, {"fingerprint": fingerprint}, values)
        report.outcomes[outcome] += 1
    report.matching = {"suppliers": matchers.suppliers.as_dict()}


def _payment_values(
    line: spend.SpendLine,
    payer: m.PublicBody,
    profile: spend.SpendProfile,
    source: m.Source,
    supplier: mm.Organisation | None,
    related: bool,
) -> dict[str, Any]:
    return {
        "body": payer,
        "supplier": supplier,
        "supplier_name": line.supplier[:300],
        "date": line.date,
        "date_precision": "day",
        "amount": line.amount,
        "currency": profile.currency,
        "description": line.description[:500],
        "expense_type": line.expense_type[:200],
        "service": line.service[:200],
        "reference": line.reference[:200],
        "surveillance": related,
        "source": source,
        "locator": f"line {line.line}",
        "origin": mm.Origin.SPEND,
    }

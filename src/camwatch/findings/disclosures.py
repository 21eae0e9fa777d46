"""Importing your own disclosures (CSV or JSON) to check them with camwatch.

One row is one holding: a body, a vendor, a count, a date and the source it comes
from. Rows name bodies, vendors and device types the way people write them (a slug,
a GSS code, a name or an alias); each is resolved against the registry, and every
problem is reported with the file, the line (or item) and the field. The rows become
ordinary sources and holdings, written by the loader in one transaction, so an
import is all-or-nothing and running it twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from camwatch.registry import models as m
from camwatch.registry.loader import schema
from camwatch.registry.loader.bundle import Bundle, Entry
from camwatch.registry.loader.errors import DataFileError, DataFileErrors
from camwatch.registry.loader.run import check_unique, write_bundle
from camwatch.registry.loader.tables import LoadReport
from camwatch.registry.textsearch import words


class DisclosureRow(BaseModel):
    """The columns of a disclosures file (CSV header or JSON keys)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1)
    vendor: str = ""
    vendor_candidates: str = ""
    device_type: str = ""
    count: int | None = Field(default=None, ge=0)
    count_qualifier: schema.Qualifier | None = None
    as_of: schema.Partial
    scope_kind: Literal["whole_body", "town", "site", "system", "unspecified"] = "whole_body"
    scope_name: str = ""
    status: Literal["in_use", "past", "planned"] = "in_use"
    method: Literal[
        "foi_response", "survey_return", "published_report", "field_sighting", "network_audit"
    ] = "foi_response"
    confidence: Literal["high", "medium", "low"] = "medium"
    source_key: str = ""
    source_title: str = ""
    source_url: schema.Url | None = None
    source_published: schema.Partial | None = None
    quote: str = ""
    locator: str = ""
    key: str = ""
    notes: str = ""

    @field_validator("count", "source_url", "source_published", "count_qualifier", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class _Resolver:
    """Names as people write them, resolved against the registry, ambiguity refused."""

    def __init__(self) -> None:
        self.bodies = self._index(
            (b.slug, [b.slug, b.name, b.official_code, *b.aliases, *b.former_codes])
            for b in m.PublicBody.objects.all()
        )
        self.vendors = self._index(
            (v.slug, [v.slug, v.name, v.legal_name, *v.aliases]) for v in m.Vendor.objects.all()
        )
        self.device_types = self._index(
            (t.slug, [t.slug, t.label, t.label_plural]) for t in m.DeviceType.objects.all()
        )

    @staticmethod
    def _index(items: Any) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for slug, names in items:
            for name in names:
                if name:
                    index.setdefault(" ".join(words(name)), set()).add(slug)
        return index

    @staticmethod
    def find(index: dict[str, set[str]], text: str, what: str) -> str:
        found = index.get(" ".join(words(text)), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise ValueError(f"{text!r} could be any of {', '.join(sorted(found))}: use a slug")
        raise ValueError(f"no {what} called {text!r}")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or item number, row) from a CSV or JSON disclosures file."""
    size = path.stat().st_size
    limit = settings.CAMWATCH_MAX_DATA_FILE_BYTES
    if size > limit:
        raise DataFileErrors(
            [DataFileError(path, f"is {size:,} bytes, over the limit of {limit:,}")]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileErrors(
            [DataFileError(path, f"is not UTF-8 text ({error.reason} at byte {error.start})")]
        ) from error
    if path.suffix.lower() == ".json":
        yield from _json_rows(path, text)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if None in row:
                raise DataFileErrors(
                    [DataFileError(path, "has more cells than the header", reader.line_num)]
                )
            yield reader.line_num, {k: v for k, v in row.items() if v != ""}
    except csv.Error as error:  # e.g. a cell over csv.field_size_limit() (131,072)
        raise DataFileErrors(
            [DataFileError(path, f"is not valid CSV: {error}", reader.line_num)]
        ) from error


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileErrors(
            [DataFileError(path, f"is not valid JSON: {error.msg}", error.lineno)]
        ) from error
    except (ValueError, RecursionError) as error:  # a 5,000-digit number; [[[... too deep
        raise DataFileErrors([DataFileError(path, f"is not valid JSON: {error}")]) from error
    items = data.get("disclosures") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DataFileErrors(
            [DataFileError(path, 'must be a list of objects (or {"disclosures": [...]})')]
        )
    yield from enumerate(items, start=1)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _records(
    row: DisclosureRow, resolver: _Resolver
) -> tuple[schema.SourceRecord | None, schema.HoldingRecord]:
    source = None
    source_key = row.source_key
    if not source_key:
        if not row.source_title:
            raise ValueError("give source_key, or source_title (and source_url) for a new source")
        source_key = f"import-{_digest(row.source_title, row.source_url or '')}"
        source = schema.SourceRecord(
            key=source_key,
            kind="foi-response",
            title=row.source_title,
            url=row.source_url,
            published=row.source_published,
        )
    holding = _holding(row, resolver, source_key)
    return source, holding


def _holding(row: DisclosureRow, resolver: _Resolver, source_key: str) -> schema.HoldingRecord:
    body = resolver.find(resolver.bodies, row.body, "public body")
    vendor = resolver.find(resolver.vendors, row.vendor, "vendor") if row.vendor else None
    candidates = [
        resolver.find(resolver.vendors, name, "vendor")
        for name in row.vendor_candidates.split(";")
        if name.strip()
    ]
    device_type = (
        resolver.find(resolver.device_types, row.device_type, "device type")
        if row.device_type
        else None
    )
    identity = (
        body,
        vendor,
        sorted(candidates),
        device_type,
        row.as_of.isoformat(),
        row.scope_kind,
        row.scope_name,
        source_key,
    )
    return schema.HoldingRecord(
        key=row.key or f"import-{_digest(*identity)}",
        body=body,
        vendor=vendor,
        vendor_candidates=candidates,
        device_type=device_type,
        count=row.count,
        count_qualifier=row.count_qualifier,
        status=row.status,
        as_of=row.as_of,
        scope_kind=row.scope_kind,
        scope_name=row.scope_name,
        method=row.method,
        confidence=row.confidence,
        notes=row.notes,
        sources=[schema.CitationRecord(source=source_key, quote=row.quote, locator=row.locator)],
    )


def read_disclosures(path: Path) -> Bundle:
    """Every row checked and resolved; all problems reported together."""
    resolver = _Resolver()
    bundle = Bundle()
    errors: list[DataFileError] = []
    sources: dict[str, schema.SourceRecord] = {}
    for line, raw in read_rows(path):
        label = f"body={raw.get('body', '?')}"
        try:
            row = DisclosureRow.model_validate(raw)
            source, holding = _records(row, resolver)
        except ValidationError as error:
            for problem in error.errors():
                field = ".".join(str(p) for p in problem["loc"]) or None
                errors.append(DataFileError(path, problem["msg"], line, label, field))
            continue
        except ValueError as error:
            errors.append(DataFileError(path, str(error), line, label))
            continue
        if source is not None and source.key not in sources:
            sources[source.key] = source
            bundle.sources.append(Entry(source, path, line))
        bundle.holdings.append(Entry(holding, path, line))
    if errors:
        raise DataFileErrors(errors)
    if not bundle.holdings:
        raise DataFileErrors([DataFileError(path, "has no disclosure rows")])
    check_unique(bundle)
    return bundle


def import_disclosures(path: Path, *, dry_run: bool = False) -> LoadReport:
    """Import a disclosures file in one transaction; a rerun changes nothing."""
    return write_bundle(read_disclosures(path), dry_run=dry_run)

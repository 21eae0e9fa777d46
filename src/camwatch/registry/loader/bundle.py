"""A data folder read into typed records, each remembering its file and line.

Every YAML file under the folder is a mapping of sections (`sources:`, `bodies:`,
`holdings:` ...). A file with an `investigation:` section owns the targets, claims,
locations and holdings beside it. Councils come from the ONS packages plus the
`council_reference` section (see reference.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from camwatch.registry.loader import schema
from camwatch.registry.loader.errors import DataFileError, DataFileErrors
from camwatch.registry.loader.extensions import extra_sections
from camwatch.registry.loader.files import LINE_KEY, line_of, read_yaml, strip_lines

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Entry(Generic[R]):
    record: R
    path: Path
    line: int
    investigation: str | None = None

    def error(self, message: str, field: str | None = None) -> DataFileError:
        label = self.record.describe() if isinstance(self.record, schema.Record) else None
        return DataFileError(self.path, message, self.line, label, field)


@dataclass
class Bundle:
    body_kinds: list[Entry[schema.BodyKindRecord]] = field(default_factory=list)
    device_types: list[Entry[schema.DeviceTypeRecord]] = field(default_factory=list)
    capabilities: list[Entry[schema.TermRecord]] = field(default_factory=list)
    sources: list[Entry[schema.SourceRecord]] = field(default_factory=list)
    bodies: list[Entry[schema.BodyRecord]] = field(default_factory=list)
    vendors: list[Entry[schema.VendorRecord]] = field(default_factory=list)
    device_models: list[Entry[schema.DeviceModelRecord]] = field(default_factory=list)
    policies: list[Entry[schema.PolicyRecord]] = field(default_factory=list)
    investigations: list[Entry[schema.InvestigationRecord]] = field(default_factory=list)
    targets: list[Entry[schema.TargetRecord]] = field(default_factory=list)
    holdings: list[Entry[schema.HoldingRecord]] = field(default_factory=list)
    claims: list[Entry[schema.ClaimRecord]] = field(default_factory=list)
    locations: list[Entry[schema.LocationRecord]] = field(default_factory=list)
    council_reference: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    # sections that other apps register (extensions.py), by section name
    extra: dict[str, list[Entry[Any]]] = field(default_factory=dict)

    def section(self, name: str) -> list[Entry[Any]]:
        """The entries of a registry section or of a registered extension's section."""
        if name in self.extra or not hasattr(self, name):
            return self.extra.setdefault(name, [])
        found: list[Entry[Any]] = getattr(self, name)
        return found

    def total(self) -> int:
        own = sum(len(value) for name, value in vars(self).items() if name != "extra")
        return own + sum(len(entries) for entries in self.extra.values())


SECTIONS: dict[str, type[schema.Record]] = {
    "body_kinds": schema.BodyKindRecord,
    "device_types": schema.DeviceTypeRecord,
    "capabilities": schema.TermRecord,
    "sources": schema.SourceRecord,
    "bodies": schema.BodyRecord,
    "vendors": schema.VendorRecord,
    "device_models": schema.DeviceModelRecord,
    "policies": schema.PolicyRecord,
    "targets": schema.TargetRecord,
    "holdings": schema.HoldingRecord,
    "claims": schema.ClaimRecord,
    "locations": schema.LocationRecord,
}
OWNED_BY_INVESTIGATION = {"targets", "claims", "locations"}
# The engines' own data (OSM tag mapping, money rules, fingerprints, CVE rules), not
# registry records.
ENGINE_FOLDERS = frozenset({"rules", "fingerprints"})


def read_bundle(folder: Path, max_bytes: int) -> Bundle:
    """Read and validate every YAML file under `folder`; raise DataFileErrors listing
    every problem found, or return the records."""
    bundle = Bundle()
    errors: list[DataFileError] = []
    found = [*folder.rglob("*.yaml"), *folder.rglob("*.yml")]
    paths = sorted(p for p in found if p.relative_to(folder).parts[0] not in ENGINE_FOLDERS)
    if not paths:
        raise DataFileErrors([DataFileError(folder, "holds no .yaml or .yml data files")])
    for path in paths:
        try:
            _read_file(path, max_bytes, bundle, errors)
        except DataFileError as error:
            errors.append(error)
    if errors:
        raise DataFileErrors(errors)
    return bundle


def _read_file(path: Path, max_bytes: int, bundle: Bundle, errors: list[DataFileError]) -> None:
    document = read_yaml(path, max_bytes).data
    if document is None:
        return
    if not isinstance(document, dict):
        raise DataFileError(path, "must be a mapping of sections (sources:, bodies:, ...)")
    investigation = _investigation_of(path, document, bundle, errors)
    for section, items in document.items():
        if section in (LINE_KEY, "investigation"):
            continue
        if section == "council_reference":
            bundle.council_reference.append((path, document[section]))
            continue
        sections = {**SECTIONS, **extra_sections()}
        record_type = sections.get(section)
        if record_type is None:
            known = ", ".join(sorted([*sections, "investigation", "council_reference"]))
            raise DataFileError(path, f"unknown section {section!r} (known: {known})")
        if section in OWNED_BY_INVESTIGATION and investigation is None:
            raise DataFileError(path, f"section {section!r} needs an investigation: section")
        bundle.section(section).extend(
            _entries(path, section, items, record_type, investigation, errors)
        )


def _investigation_of(
    path: Path, document: dict[str, Any], bundle: Bundle, errors: list[DataFileError]
) -> str | None:
    raw = document.get("investigation")
    if raw is None:
        return None
    entries = list(_entries(path, "investigation", [raw], schema.InvestigationRecord, None, errors))
    bundle.investigations.extend(entries)
    return entries[0].record.slug if entries else None


def _entries(
    path: Path,
    section: str,
    items: Any,
    record_type: type[R],
    investigation: str | None,
    errors: list[DataFileError],
) -> Iterable[Entry[R]]:
    if not isinstance(items, list):
        errors.append(DataFileError(path, f"section {section!r} must be a list of records"))
        return
    for raw in items:
        line = raw.get(LINE_KEY, 1) if isinstance(raw, dict) else 1
        try:
            record = record_type.model_validate(strip_lines(raw))
        except ValidationError as error:
            errors.extend(_explain(path, section, raw, line, error))
            continue
        yield Entry(record, path, line, investigation)


def _explain(
    path: Path, section: str, raw: Any, line: int, error: ValidationError
) -> list[DataFileError]:
    label = _label_of(raw, section)
    found = []
    for problem in error.errors():
        location = tuple(problem["loc"])
        field_name = ".".join(str(step) for step in location) or None
        found.append(
            DataFileError(path, problem["msg"], line_of(raw, location, line), label, field_name)
        )
    return found


def _label_of(raw: Any, section: str) -> str:
    if isinstance(raw, dict):
        for attribute in ("key", "slug", "code", "name", "body"):
            if raw.get(attribute):
                return f"{attribute}={raw[attribute]}"
    return f"in {section}"

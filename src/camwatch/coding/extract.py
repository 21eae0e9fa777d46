"""Suggested facts from a reply's files, each with its evidence. Pure: works on a file
with no database (`camwatch coding extract FILE`).

    extraction = extract_file(Path("reply.pdf"))
    extraction.summary()   # {"outcome": "provided", "vendors": {"hikvision": "held"}, ...}
    extraction.suggestions # every proposed fact with its page, offsets and quote
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camwatch.coding import counts, outcome, statements, tables
from camwatch.coding.documents import DocumentError, Reading, read_bytes, read_path
from camwatch.coding.lexicon import Lexicon, lexicon
from camwatch.coding.limits import Limits
from camwatch.coding.spans import Unit, units
from camwatch.coding.suggestions import Suggestion

FACT_KINDS = ("count", "vendor", "capability", "model")


@dataclass
class Extraction:
    name: str
    reading: Reading
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def errors(self) -> list[DocumentError]:
        return self.reading.errors

    def of_kind(self, kind: str) -> list[Suggestion]:
        return [s for s in self.suggestions if s.kind == kind]

    def summary(self) -> dict[str, Any]:
        """The facts a coder records, in the evaluation corpus's shape."""
        law = next((s.value["regime"] for s in self.of_kind("regime")), None)
        verdict = next((s.value["outcome"] for s in self.of_kind("outcome")), None)
        return {
            "regime": law,
            "outcome": verdict,
            "exemptions": sorted({s.value["section"] for s in self.of_kind("exemption")}),
            "vendors": _vendor_summary(self.of_kind("vendor")),
            "counts": [
                {k: s.value[k] for k in ("device_type", "vendor", "count")}
                for s in self.of_kind("count")
            ],
            "capabilities": _capability_summary(self.of_kind("capability")),
            "models": list(dict.fromkeys(s.value["code"] for s in self.of_kind("model"))),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "documents": [
                {
                    "name": d.name,
                    "format": d.format,
                    "sha256": d.sha256,
                    "size": d.size,
                    "pages": len(d.pages),
                    "tables": len(d.tables),
                    "notices": d.notices,
                }
                for d in self.reading.documents
            ],
            "errors": [{"file": e.name, "reason": e.reason} for e in self.errors],
            "summary": self.summary(),
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


def _vendor_summary(found: list[Suggestion]) -> dict[str, str]:
    """Held wins over not held: "no Hikvision in schools, 4 at the depot" is held."""
    result: dict[str, str] = {}
    for suggestion in found:
        vendor, status = suggestion.value["vendor"], suggestion.value["status"]
        if status == "held" or (status == "not_held" and vendor not in result):
            result[vendor] = status
    return result


def _capability_summary(found: list[Suggestion]) -> dict[str, str]:
    result: dict[str, str] = {}
    for suggestion in found:
        slug, status = suggestion.value["capability"], suggestion.value["status"]
        if status == "yes" or slug not in result:
            result[slug] = status
    return result


def extract_file(path: Path, limits: Limits | None = None) -> Extraction:
    return extract_reading(path.name, read_path(path, limits))


def extract_bytes(name: str, data: bytes, limits: Limits | None = None) -> Extraction:
    return extract_reading(name, read_bytes(name, data, limits))


def extract_reading(name: str, reading: Reading, words: Lexicon | None = None) -> Extraction:
    words = words or lexicon()
    found = units(reading)
    facts = _facts(found, words)
    law = outcome.regime(found)
    cited = list(outcome.exemptions(found, law.value["regime"] if law else "FOIA"))
    held = [s for s in facts if s.kind != "vendor" or s.value["status"] != "mentioned"]
    decided = outcome.decide(found, held, cited)
    head = [s for s in (law, decided) if s is not None]
    extra = [*outcome.costs(found), *outcome.dates(found), *outcome.references(found)]
    suggestions = head + cited + sorted(facts + extra, key=lambda s: s.unit)
    return Extraction(name, reading, suggestions)


def _facts(found: list[Unit], words: Lexicon) -> list[Suggestion]:
    out: list[Suggestion] = []
    out += statements.vendor_statements(found, words)
    out += statements.capability_statements(found)
    out += tables.table_suggestions(found, words)
    for unit in found:
        if not unit.row:
            out += counts.prose_counts(unit, words)
        out += counts.models(unit, words)
    return out

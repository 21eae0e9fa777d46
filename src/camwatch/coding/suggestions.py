"""A suggestion: one proposed fact with the evidence for it. Nothing is ever suggested
without a span of text that supports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from camwatch.coding.spans import Evidence

KINDS = (
    "regime", "outcome", "exemption", "cost", "vendor", "count", "total", "model", "capability",
    "date", "reference",
)  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    kind: str
    value: dict[str, Any]
    evidence: Evidence
    unit: int = 0  # reading-order position of the sentence or row it came from

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "evidence": self.evidence.as_dict()}

    @property
    def label(self) -> str:
        """A one-line reading for people, e.g. "count: 40 camera (hikvision)"."""
        value = self.value
        if self.kind == "count":
            vendor = f" ({value['vendor']})" if value.get("vendor") else ""
            return f"{value['count']:,} {value['device_type']}{vendor}"
        if self.kind in ("vendor", "capability"):
            name = value.get("vendor") or value.get("capability")
            return f"{name}: {value['status']}"
        main = {
            "regime": "regime",
            "outcome": "outcome",
            "exemption": "section",
            "model": "code",
            "date": "date",
        }
        key = main.get(self.kind, next(iter(value)))
        return str(value.get(key, value))

"""The vendor register, read for the audit without Django: names, rebadges, concern.

The same files the registry loads (vendors.yaml, policies.yaml) answer three questions
for a fingerprint: what a vendor slug is called, which manufacturer makes a brand's
devices (and how sure the register is of it), and whether the named concern policy finds
a vendor of concern today. The verdict comes from the registry's own engine
(registry/concern.py), so the audit and the site never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from camwatch.netaudit.datafiles import safe_yaml
from camwatch.registry import concern
from camwatch.registry.dates import PartialDate

DATA = Path(__file__).resolve().parent.parent / "data"
CONFIDENCE_WEIGHT = {"high": 0.95, "medium": 0.8, "low": 0.5}
DEFAULT_POLICY = "uk-nil-2022"


@dataclass(frozen=True)
class Maker:
    """A brand's manufacturer, through one relation of the register."""

    manufacturer: str
    kind: str
    confidence: str
    source: str

    @property
    def weight(self) -> float:
        return CONFIDENCE_WEIGHT.get(self.confidence, 0.5)


def _date(value: Any, end: bool = False) -> dt.date | None:
    if value is None:
        return None
    parsed = PartialDate.parse(value)
    return parsed.end if end else parsed.start


def _facts(raw: Mapping[str, Any]) -> concern.VendorFacts:
    return concern.VendorFacts(
        slug=raw["slug"],
        name=raw["name"],
        country=raw.get("country", ""),
        country_source=raw.get("country_source", ""),
        restrictions=tuple(
            concern.RestrictionFact(
                r["jurisdiction"],
                r["instrument"],
                r.get("title", ""),
                _date(r["effective"]) or dt.date.min,
                _date(r.get("ended"), end=True),
                r.get("source", ""),
            )
            for r in raw.get("restrictions") or ()
        ),
        ownership=tuple(
            concern.OwnershipFact(
                o["owner"],
                bool(o.get("state_controlled")),
                o.get("share_percent"),
                _date(o.get("as_of")),
                o.get("source", ""),
            )
            for o in raw.get("ownership") or ()
        ),
        relations=tuple(
            concern.RelationFact(
                r["kind"],
                r["target"],
                r.get("confidence", "medium"),
                _date(r.get("start")),
                _date(r.get("end"), end=True),
                r.get("source", ""),
            )
            for r in raw.get("relations") or ()
        ),
    )


@dataclass
class VendorRegister:
    facts: dict[str, concern.VendorFacts]
    policies: dict[str, concern.Policy]
    names: dict[str, str] = field(default_factory=dict)
    _verdicts: dict[tuple[str, str], bool] = field(default_factory=dict)

    def name(self, slug: str | None) -> str | None:
        if slug is None:
            return None
        return self.facts[slug].name if slug in self.facts else slug

    def slug_for(self, text: str) -> str | None:
        """The slug of a vendor named in free text ("HIKVISION", "Dahua Technology")."""
        return self.names.get(text.strip().casefold())

    def makers(self, brand: str) -> list[Maker]:
        """Who makes a brand's devices, most certain first (none for a manufacturer)."""
        facts = self.facts.get(brand)
        if facts is None:
            return []
        found = [
            Maker(r.target, r.kind, r.confidence, r.source)
            for r in facts.relations
            if r.kind in concern.RELATION_KINDS
        ]
        return sorted(found, key=lambda maker: -maker.weight)

    def of_concern(self, slug: str | None, policy: str | None = None) -> bool:
        """Whether the policy (default: CAMWATCH_CONCERN_POLICY) finds the vendor of concern."""
        if not slug or slug not in self.facts:
            return False
        name = policy or os.environ.get("CAMWATCH_CONCERN_POLICY", "").strip() or DEFAULT_POLICY
        key = (slug, name)
        if key not in self._verdicts:
            verdict = concern.evaluate(self.policies[name], slug, self.facts, dt.date.today())
            self._verdicts[key] = verdict.of_concern
        return self._verdicts[key]


def _names(vendors: list[Mapping[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for raw in vendors:
        for text in [raw["slug"], raw["name"], raw.get("legal_name"), *(raw.get("aliases") or ())]:
            if text:
                names.setdefault(str(text).casefold(), raw["slug"])
    return names


@lru_cache(maxsize=1)
def register(data_dir: Path = DATA) -> VendorRegister:
    """The bundled vendor register and concern policies."""
    vendors = safe_yaml((data_dir / "vendors.yaml").read_text(encoding="utf-8"))["vendors"]
    policies = safe_yaml((data_dir / "policies.yaml").read_text(encoding="utf-8"))
    return VendorRegister(
        facts={raw["slug"]: _facts(raw) for raw in vendors},
        policies={p["slug"]: concern.Policy.from_dict(p) for p in policies["policies"]},
        names=_names(vendors),
    )

"""MAC address blocks (OUIs) of the makers, derived from the IEEE registry netaddr ships.

No OUI is typed by hand. `oui.yaml` lists patterns on the IEEE registrant's name (with
the count of blocks each matched in the registry it was written against); this module reads
netaddr's copy of the MA-L registry once and turns every block whose registrant matches into
a rule on the `mac` field. Locally administered (randomised) addresses are ignored: their
first three bytes say nothing about the maker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from camwatch.netaudit.datafiles import safe_yaml
from camwatch.netaudit.rules import DATA_DIR, Rule, RuleError, source_keys

OUI_FILE = DATA_DIR / "oui.yaml"
REGISTRY_LINE = re.compile(r"^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s+\(hex\)\s+(.+?)\s*$")


@dataclass(frozen=True)
class OrganisationRule:
    rule: Rule
    organisation: re.Pattern[str]
    expected_count: int | None


def registry_path() -> Path:
    """netaddr's copy of the IEEE MA-L registry."""
    import netaddr

    return Path(netaddr.__file__).resolve().parent / "eui" / "oui.txt"


def registry_entries(path: Path | None = None) -> Iterator[tuple[str, str]]:
    """(prefix as six upper-case hex digits, registrant) for every MA-L block."""
    with (path or registry_path()).open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            found = REGISTRY_LINE.match(line)
            if found:
                yield "".join(found.group(1, 2, 3)), found.group(4)


def _organisation_rule(raw: Mapping[str, Any], sources: set[str]) -> OrganisationRule:
    where = f"{OUI_FILE.name}: {raw.get('id', '?')!r}"
    try:
        pattern = re.compile(str(raw["organisation"]), re.IGNORECASE)
        confidence = float(raw["confidence"])
        rule = Rule(
            id=str(raw["id"]),
            fields=("mac",),
            keywords=(),
            confidence=confidence,
            source=str(raw["source"]),
            file=OUI_FILE.name,
            manufacturer=raw.get("manufacturer") or None,
            brand=raw.get("brand") or None,
            device_type=raw.get("device_type") or None,
            description=f"MAC block registered to {raw['organisation']}",
        )
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise RuleError(f"{where}: {error}") from error
    if rule.source not in sources:
        raise RuleError(f"{where}: source {rule.source!r} is not in the file's `sources`")
    return OrganisationRule(rule, pattern, raw.get("expected_count"))


def organisation_rules(path: Path = OUI_FILE) -> list[OrganisationRule]:
    data = safe_yaml(path.read_text(encoding="utf-8")) or {}
    sources = source_keys(data)
    return [_organisation_rule(raw, sources) for raw in data.get("organisations") or ()]


@lru_cache(maxsize=4)
def oui_rules(path: Path = OUI_FILE, registry: Path | None = None) -> Mapping[str, Rule]:
    """Prefix (six hex digits) to the rule of the organisation that holds it."""
    organisations = organisation_rules(path) if path.exists() else []
    found: dict[str, Rule] = {}
    for prefix, registrant in registry_entries(registry):
        for organisation in organisations:
            if organisation.organisation.search(registrant):
                found[prefix] = organisation.rule
                break
    return found


def prefix_of(mac: str) -> str | None:
    """The OUI of a normalised MAC (AA:BB:CC:...), or None when locally administered."""
    digits = mac.replace(":", "")
    if len(digits) < 6:
        return None
    try:
        first = int(digits[:2], 16)
    except ValueError:
        return None
    return None if first & 0x02 else digits[:6].upper()

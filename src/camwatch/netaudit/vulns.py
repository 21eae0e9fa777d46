"""Known vulnerabilities of an identified device, and whether CISA lists them as exploited.

`match_cves(manufacturer, model, firmware)` applies the rules of data/fingerprints/cves.yaml
to what is known of a device and returns one `CveMatch` per CVE that applies:

- "affected" when the model (or the firmware's platform) is in a rule's family and the
  firmware is in its range;
- "possible" when the model is in the family but the firmware is unknown, or the model is
  unknown but that maker's firmware is in range (or the rule caps itself at "possible").

Each match carries its KEV status from `Kev` - the bundled kev.yaml, or the file named by
CAMWATCH_KEV_FILE, which `update_kev` writes from CISA's JSON feed. Rules and the KEV
catalogue are loaded once and cached; a malformed file raises an error naming the file
and the CVE (or the entry).

Pure: no Django; the only writes are update_kev's (to a temporary file, then renamed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from camwatch.netaudit.datafiles import safe_yaml
from camwatch.netaudit.grammar import (
    DATA_DIR,
    Firmware,
    GrammarError,
    normalise_model,
    parse_firmware,
    read_yaml_mapping,
)

CVES_FILE = DATA_DIR / "cves.yaml"
KEV_FILE = DATA_DIR / "kev.yaml"
# The environment variable naming a KEV file written by update_kev.
KEV_ENV = "CAMWATCH_KEV_FILE"
KEV_URL = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
# A feed larger than this is refused (CISA's is about 1.5 MB).
MAX_FEED_BYTES = 50 * 1024 * 1024

AFFECTED = "affected"
POSSIBLE = "possible"
_CERTAINTIES = (AFFECTED, POSSIBLE)
_CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}", re.ASCII)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_CVE_KEYS = frozenset(
    {"id", "title", "manufacturer", "cvss", "cvss_notes", "cwe", "problem_type", "sources"}
    | {"affected"}
)
_RANGE_KEYS = frozenset(
    {"family", "model", "platform", "version", "build", "max_certainty", "caveat"}
    | {"example_model", "notes"}
)
_VERSION_KEYS = frozenset({"min", "max", "below"})
_BUILD_KEYS = frozenset({"from", "before", "through"})

Status = Literal["in", "out", "unknown"]


class CveRuleError(ValueError):
    """cves.yaml (or another rule file) is malformed; the message names file and CVE."""


class KevError(ValueError):
    """A KEV file or feed is malformed; the message names the file, field and index."""


# ------------------------------------------------------------------ results and rules


@dataclass(frozen=True)
class CveMatch:
    """One CVE that applies to a device, how certainly, and why."""

    cve: str
    title: str
    certainty: str
    kev: bool
    kev_added: dt.date | None
    reason: str
    source: str
    cvss: float | None


@dataclass(frozen=True)
class Bound:
    """A firmware bound of a range, as written ("V5.4.0 build 160530") and as parsed."""

    text: str
    version: tuple[int, ...]
    build: dt.date | None


@dataclass(frozen=True)
class AffectedRange:
    family: str
    model: re.Pattern[str] | None
    platforms: frozenset[str]
    version_min: Bound | None
    version_max: Bound | None
    version_below: Bound | None
    build_from: dt.date | None
    build_before: dt.date | None
    build_through: dt.date | None
    max_certainty: str
    caveat: str | None
    example_model: str | None

    def describe(self) -> str:
        """The range's firmware condition in words."""
        parts = [*self._version_words(), *self._build_words()]
        return ", ".join(parts)

    def _version_words(self) -> list[str]:
        low, high, below = self.version_min, self.version_max, self.version_below
        if low and high:
            return [f"{low.text} to {high.text}"]
        words = [f"from {low.text}"] if low else []
        words += [f"up to {high.text}"] if high else []
        words += [f"below {below.text}"] if below else []
        return words

    def _build_words(self) -> list[str]:
        words = [f"built from {self.build_from}"] if self.build_from else []
        words += [f"built before {self.build_before}"] if self.build_before else []
        words += [f"built up to {self.build_through}"] if self.build_through else []
        return words

    @property
    def has_build(self) -> bool:
        return any((self.build_from, self.build_before, self.build_through))


@dataclass(frozen=True)
class CveRule:
    id: str
    title: str
    manufacturer: str
    cvss: float | None
    cwe: str | None
    sources: tuple[str, ...]
    ranges: tuple[AffectedRange, ...]


@dataclass(frozen=True)
class KevEntry:
    cve: str
    date_added: dt.date
    vendor_project: str | None
    product: str | None


@dataclass(frozen=True)
class Kev:
    """CISA's KEV catalogue (or the bundled subset): cveID -> date added."""

    path: Path
    entries: Mapping[str, KevEntry]
    catalog_version: str | None

    def lookup(self, cve: str) -> dt.date | None:
        entry = self.entries.get(cve.strip().upper())
        return entry.date_added if entry else None

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class KevSummary:
    """What update_kev wrote: how many entries, how many Hikvision's and Dahua's."""

    output: Path
    total: int
    hikvision: int
    dahua: int
    catalog_version: str | None
    date_released: str | None

    def __str__(self) -> str:
        version = f", catalogue version {self.catalog_version}" if self.catalog_version else ""
        return (
            f"{self.total:,} known exploited vulnerabilities "
            f"(Hikvision {self.hikvision}, Dahua {self.dahua}){version}"
        )


# ------------------------------------------------------------------ matching


def match_cves(
    manufacturer: str | None,
    model: str | None,
    firmware: Firmware | None,
    kev: Kev | None = None,
    path: Path | None = None,
) -> list[CveMatch]:
    """The CVEs that apply to a device: "affected" first, then by CVSS and id.

    `manufacturer` is the maker's slug ("hikvision", "dahua"); `model` a model code (it is
    normalised here); `firmware` what grammar.parse_firmware made of the firmware string.
    A model code in a rule's family is enough to identify the maker; without one, the
    rule applies only when `manufacturer` is the rule's.
    """
    maker = manufacturer.strip().lower() if manufacturer else None
    code = normalise_model(model) if model and model.strip() else None
    catalogue = kev if kev is not None else load_kev()
    matches = []
    for rule in load_cve_rules(path):
        found = _best_range(rule, maker, code, firmware)
        if found is not None:
            certainty, reason = found
            added = catalogue.lookup(rule.id)
            matches.append(
                CveMatch(
                    cve=rule.id,
                    title=rule.title,
                    certainty=certainty,
                    kev=added is not None,
                    kev_added=added,
                    reason=reason,
                    source=rule.sources[0],
                    cvss=rule.cvss,
                )
            )
    matches.sort(key=lambda m: (m.certainty != AFFECTED, -(m.cvss or 0.0), m.cve))
    return matches


def _best_range(
    rule: CveRule, maker: str | None, model: str | None, firmware: Firmware | None
) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    for rng in rule.ranges:
        product = _product_status(rng, model, firmware)
        if product is None:
            continue
        state = _firmware_status(rng, firmware)
        certainty = _certainty(product, state, maker == rule.manufacturer)
        if certainty is None:
            continue
        if rng.max_certainty == POSSIBLE:
            certainty = POSSIBLE
        if best is None or (certainty == AFFECTED and best[0] != AFFECTED):
            best = (certainty, _reason(rule, rng, model, firmware, product, state))
    return best


def _certainty(product: Status, state: Status, maker_known: bool) -> str | None:
    if product == "out" or state == "out":
        return None
    if product == "in":
        return AFFECTED if state == "in" else POSSIBLE
    return POSSIBLE if maker_known and state == "in" else None


def _product_status(
    rng: AffectedRange, model: str | None, firmware: Firmware | None
) -> Status | None:
    """in/out/unknown for the range's products; None when the range cannot be judged."""
    platform = firmware.platform if firmware else None
    statuses: list[Status] = []
    if rng.model is not None and model is not None:
        statuses.append("in" if rng.model.match(model) else "out")
    if rng.platforms and platform is not None:
        statuses.append("in" if platform in rng.platforms else "out")
    if "in" in statuses:
        return "in"
    if statuses:
        return "out"
    # A range scoped only by platform says nothing about a firmware without one.
    return None if rng.model is None else "unknown"


def _firmware_status(rng: AffectedRange, firmware: Firmware | None) -> Status:
    if firmware is None:
        return "unknown"
    checks = _version_checks(rng, firmware) + _build_checks(rng, firmware)
    if False in checks:
        return "out"
    return "unknown" if None in checks else "in"


def _compare(firmware: Firmware, bound: Bound) -> int | None:
    """-1, 0, 1 as firmware is below, at, above the bound; None when it cannot be told."""
    width = max(len(firmware.version), len(bound.version))
    mine = firmware.version + (0,) * (width - len(firmware.version))
    theirs = bound.version + (0,) * (width - len(bound.version))
    if mine != theirs:
        return -1 if mine < theirs else 1
    if bound.build is None:
        return 0
    if firmware.build is None:
        return None
    return (firmware.build > bound.build) - (firmware.build < bound.build)


def _version_checks(rng: AffectedRange, firmware: Firmware) -> list[bool | None]:
    checks: list[bool | None] = []
    # Which orders (firmware against bound) each bound accepts: at or above a minimum,
    # at or below a maximum, strictly below a "below".
    for bound, accepted in (
        (rng.version_min, (0, 1)),
        (rng.version_max, (-1, 0)),
        (rng.version_below, (-1,)),
    ):
        if bound is not None:
            order = _compare(firmware, bound)
            checks.append(None if order is None else order in accepted)
    return checks


def _build_checks(rng: AffectedRange, firmware: Firmware) -> list[bool | None]:
    if not rng.has_build:
        return []
    build = firmware.build
    if build is None:
        return [None]
    checks: list[bool | None] = []
    if rng.build_from is not None:
        checks.append(build >= rng.build_from)
    if rng.build_before is not None:
        checks.append(build < rng.build_before)
    if rng.build_through is not None:
        checks.append(build <= rng.build_through)
    return checks


def _reason(
    rule: CveRule,
    rng: AffectedRange,
    model: str | None,
    firmware: Firmware | None,
    product: Status,
    state: Status,
) -> str:
    parts = [
        _product_words(rule, rng, model, firmware, product),
        _firmware_words(rng, firmware, state),
    ]
    if rng.caveat:
        parts.append(rng.caveat)
    return "; ".join(parts)


def _product_words(
    rule: CveRule,
    rng: AffectedRange,
    model: str | None,
    firmware: Firmware | None,
    product: Status,
) -> str:
    if product == "in" and model is not None and rng.model is not None and rng.model.match(model):
        return f"{model} in {rng.family}"
    if product == "in" and firmware is not None:
        return f"firmware platform {firmware.platform} ({rng.family})"
    maker = rule.manufacturer.capitalize()
    return f"model unknown ({maker} device; affected family: {rng.family})"


def _firmware_words(rng: AffectedRange, firmware: Firmware | None, state: Status) -> str:
    if firmware is None:
        return f"firmware unknown (affected: {rng.describe()})"
    built = f" (built {firmware.build})" if rng.has_build and firmware.build else ""
    if state == "in":
        return f"firmware {firmware.text}{built} in the affected range ({rng.describe()})"
    return f"firmware {firmware.text}: build date unknown (affected: {rng.describe()})"


# ------------------------------------------------------------------ rule loading


def load_cve_rules(path: Path | None = None) -> tuple[CveRule, ...]:
    """The CVE rules of `path` (default data/fingerprints/cves.yaml), loaded once."""
    return _load_cve_rules(Path(path) if path is not None else CVES_FILE)


@lru_cache(maxsize=8)
def _load_cve_rules(path: Path) -> tuple[CveRule, ...]:
    try:
        data = read_yaml_mapping(path)
    except GrammarError as error:
        raise CveRuleError(str(error)) from error
    records = data.get("cves")
    if not isinstance(records, list) or not records:
        raise CveRuleError(f"{path}: 'cves' must be a non-empty list")
    rules = [_cve_rule(path, record, index) for index, record in enumerate(records)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise CveRuleError(f"{path}: {rule.id}: the CVE is listed twice")
        seen.add(rule.id)
    return tuple(rules)


def _cve_rule(path: Path, record: object, index: int) -> CveRule:
    if not isinstance(record, dict):
        raise CveRuleError(f"{path}: cves[{index}]: must be a mapping")
    cve = record.get("id")
    if not isinstance(cve, str) or not _CVE_ID.fullmatch(cve):
        raise CveRuleError(f"{path}: cves[{index}]: 'id' must be a CVE id, not {cve!r}")
    where = f"{path}: {cve}"
    _known_keys(where, record, _CVE_KEYS)
    manufacturer = record.get("manufacturer")
    if not isinstance(manufacturer, str) or not _SLUG.fullmatch(manufacturer):
        raise CveRuleError(f"{where}: 'manufacturer' must be a vendor slug")
    ranges = record.get("affected")
    if not isinstance(ranges, list) or not ranges:
        raise CveRuleError(f"{where}: 'affected' must be a non-empty list")
    return CveRule(
        id=cve,
        title=_string(where, record, "title"),
        manufacturer=manufacturer,
        cvss=_cvss(where, record.get("cvss")),
        cwe=_optional_string(where, record, "cwe"),
        sources=_sources(where, record.get("sources")),
        ranges=tuple(
            _range(f"{where}: affected[{number}]", manufacturer, item)
            for number, item in enumerate(ranges)
        ),
    )


def _known_keys(where: str, record: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(record) - allowed)
    if unknown:
        raise CveRuleError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")


def _string(where: str, record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CveRuleError(f"{where}: '{key}' must be a non-empty string")
    return value


def _optional_string(where: str, record: Mapping[str, Any], key: str) -> str | None:
    return None if record.get(key) is None else _string(where, record, key)


def _cvss(where: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise CveRuleError(f"{where}: 'cvss' must be a number from 0 to 10")
    return float(value)


def _sources(where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise CveRuleError(f"{where}: 'sources' must be a non-empty list of URLs")
    for url in value:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise CveRuleError(f"{where}: source {url!r} is not a URL")
    return tuple(value)


def _range(where: str, manufacturer: str, item: object) -> AffectedRange:
    if not isinstance(item, dict):
        raise CveRuleError(f"{where}: must be a mapping")
    _known_keys(where, item, _RANGE_KEYS)
    model, platforms = _model_pattern(where, item.get("model")), _platforms(where, item)
    if model is None and not platforms:
        raise CveRuleError(f"{where}: needs a 'model' pattern or a 'platform' list")
    version = _section(where, item, "version", _VERSION_KEYS)
    build = _section(where, item, "build", _BUILD_KEYS)
    if not version and not build:
        raise CveRuleError(f"{where}: needs a 'version' or a 'build' range")
    ceiling = item.get("max_certainty", AFFECTED)
    if ceiling not in _CERTAINTIES:
        raise CveRuleError(f"{where}: 'max_certainty' must be one of {_CERTAINTIES}")
    return AffectedRange(
        family=_string(where, item, "family"),
        model=model,
        platforms=platforms,
        version_min=_bound(where, manufacturer, version.get("min")),
        version_max=_bound(where, manufacturer, version.get("max")),
        version_below=_bound(where, manufacturer, version.get("below")),
        build_from=_date(where, build.get("from")),
        build_before=_date(where, build.get("before")),
        build_through=_date(where, build.get("through")),
        max_certainty=ceiling,
        caveat=_optional_string(where, item, "caveat"),
        example_model=_optional_string(where, item, "example_model"),
    )


def _model_pattern(where: str, value: object) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise CveRuleError(f"{where}: 'model' must be a regular expression")
    try:
        return re.compile(value, re.ASCII)
    except re.error as error:
        raise CveRuleError(f"{where}: 'model' does not compile: {error}") from error


def _platforms(where: str, item: Mapping[str, Any]) -> frozenset[str]:
    value = item.get("platform", [])
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise CveRuleError(f"{where}: 'platform' must be a list of platform names")
    return frozenset(p.upper() for p in value)


def _section(
    where: str, item: Mapping[str, Any], key: str, allowed: frozenset[str]
) -> Mapping[str, Any]:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CveRuleError(f"{where}: '{key}' must be a mapping")
    _known_keys(f"{where}: {key}", value, allowed)
    return value


def _bound(where: str, manufacturer: str, value: object) -> Bound | None:
    if value is None:
        return None
    text = str(value)
    firmware = parse_firmware(text, manufacturer)
    if firmware is None:
        raise CveRuleError(f"{where}: firmware bound {text!r} is not a firmware string")
    return Bound(text, firmware.version, firmware.build)


def _date(where: str, value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise CveRuleError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error


# ------------------------------------------------------------------ KEV


KEPT_KEV_NAME = "kev.json"


def load_kev(path: Path | None = None) -> Kev:
    """The KEV catalogue: `path`, else $CAMWATCH_KEV_FILE, else the copy `camwatch audit
    update-kev` keeps in the data directory, else the bundled kev.yaml.

    Cached per file and modification time, so a file replaced by update_kev is re-read.
    """
    if path is None:
        named = os.environ.get(KEV_ENV, "").strip()
        path = Path(named) if named else _kept_copy() or KEV_FILE
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise KevError(f"{path}: cannot be read: {error}") from error
    return _load_kev(Path(path), stat.st_mtime_ns, stat.st_size)


def kept_kev_path() -> Path:
    """Where `camwatch audit update-kev` keeps the catalogue it was given."""
    from camwatch.web.environment import data_dir

    return data_dir() / KEPT_KEV_NAME


def _kept_copy() -> Path | None:
    kept = kept_kev_path()
    return kept if kept.exists() else None


@lru_cache(maxsize=4)
def _load_kev(path: Path, mtime_ns: int, size: int) -> Kev:
    del mtime_ns, size  # part of the cache key only
    data = _read_kev_document(path)
    items = data.get("vulnerabilities")
    if not isinstance(items, list):
        raise KevError(f"{path}: 'vulnerabilities' must be a list")
    entries: dict[str, KevEntry] = {}
    for index, item in enumerate(items):
        entry = _kev_entry(f"{path}: vulnerabilities[{index}]", item, strict=False)
        entries[entry.cve] = entry
    version = data.get("catalogVersion")
    return Kev(path, entries, str(version) if version is not None else None)


def _read_kev_document(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KevError(f"{path}: cannot be read: {error}") from error
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else safe_yaml(text)
    except (ValueError, yaml.YAMLError) as error:
        raise KevError(f"{path}: neither JSON nor YAML: {error}") from error
    if not isinstance(data, dict):
        raise KevError(f"{path}: the top level must be an object")
    return data


def _kev_entry(where: str, item: object, strict: bool) -> KevEntry:
    if not isinstance(item, dict):
        raise KevError(f"{where}: must be an object")
    cve = item.get("cveID")
    if not isinstance(cve, str) or not _CVE_ID.fullmatch(cve.strip()):
        raise KevError(f"{where}.cveID: {cve!r} is not a CVE id")
    added = item.get("dateAdded")
    if not isinstance(added, dt.date):
        try:
            added = dt.date.fromisoformat(str(added))
        except ValueError as error:
            raise KevError(f"{where}.dateAdded: {added!r} is not a date (YYYY-MM-DD)") from error
    texts = {}
    for key in ("vendorProject", "product"):
        value = item.get(key)
        if (value is not None and not isinstance(value, str)) or (strict and not value):
            raise KevError(f"{where}.{key}: must be a non-empty string")
        texts[key] = value
    return KevEntry(cve.strip(), added, texts["vendorProject"], texts["product"])


def update_kev(feed: Path, output: Path) -> KevSummary:
    """Validate CISA's KEV JSON feed and write its catalogue to `output`, atomically.

    The output (JSON) holds every entry's cveID, dateAdded, vendorProject and product,
    and the catalogue's version and release date; load_kev reads it. A malformed feed
    raises KevError naming the field and the entry's index, and leaves `output` as it was.
    """
    data = _read_feed(Path(feed))
    entries = _feed_entries(Path(feed), data)
    catalog_version = _feed_text(feed, data, "catalogVersion")
    released = _feed_text(feed, data, "dateReleased")
    document = {
        "title": _feed_text(feed, data, "title") or "CISA KEV catalogue",
        "catalogVersion": catalog_version,
        "dateReleased": released,
        "count": len(entries),
        "source": KEV_URL,
        "licence": "Public domain (US government work)",
        "vulnerabilities": [
            {
                "cveID": entry.cve,
                "dateAdded": entry.date_added.isoformat(),
                "vendorProject": entry.vendor_project,
                "product": entry.product,
            }
            for entry in entries
        ],
    }
    _write_atomically(Path(output), json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    vendors = [(entry.vendor_project or "").casefold() for entry in entries]
    return KevSummary(
        output=Path(output),
        total=len(entries),
        hikvision=sum("hikvision" in vendor for vendor in vendors),
        dahua=sum("dahua" in vendor for vendor in vendors),
        catalog_version=catalog_version,
        date_released=released,
    )


def _read_feed(feed: Path) -> Mapping[str, Any]:
    try:
        size = feed.stat().st_size
        if size > MAX_FEED_BYTES:
            raise KevError(f"{feed}: {size} bytes; a KEV feed over {MAX_FEED_BYTES} is refused")
        with feed.open("rb") as handle:
            raw = handle.read(MAX_FEED_BYTES + 1)
    except OSError as error:
        raise KevError(f"{feed}: cannot be read: {error}") from error
    if len(raw) > MAX_FEED_BYTES:
        raise KevError(f"{feed}: a KEV feed over {MAX_FEED_BYTES} bytes is refused")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise KevError(f"{feed}: not JSON: {error}") from error
    if not isinstance(data, dict):
        raise KevError(f"{feed}: the top level must be a JSON object")
    return data


def _feed_entries(feed: Path, data: Mapping[str, Any]) -> list[KevEntry]:
    items = data.get("vulnerabilities")
    if not isinstance(items, list):
        raise KevError(f"{feed}: vulnerabilities: must be a list")
    count = data.get("count")
    if count is not None and (isinstance(count, bool) or count != len(items)):
        raise KevError(f"{feed}: count: {count!r} but {len(items)} vulnerabilities listed")
    entries: list[KevEntry] = []
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        entry = _kev_entry(f"{feed}: vulnerabilities[{index}]", item, strict=True)
        if entry.cve in first:
            raise KevError(
                f"{feed}: vulnerabilities[{index}].cveID: {entry.cve} is also "
                f"vulnerabilities[{first[entry.cve]}]"
            )
        first[entry.cve] = index
        entries.append(entry)
    return entries


def _feed_text(feed: Path, data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise KevError(f"{feed}: {key}: must be a string")
    return value


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

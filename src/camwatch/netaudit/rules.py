"""Fingerprint rules: data files in, a compiled matcher out.

A rule file (YAML under camwatch/data/fingerprints/, any file with a `rules:` list) names
its sources and its rules. A rule reads one or more signal fields (observation.FIELDS) and
either searches a regular expression (case-insensitive unless `case_sensitive`) or compares
exact values (`equals`). Named groups extract `model`, `firmware`, `serial` or `hostname`.
Every rule lists `keywords`: lower-case literals, one of which is in every value it
matches, so that a raw-bytes pre-filter can skip records that no rule could match without
parsing them. Every rule carries examples that must match and may carry counter-examples
that must not; `check_examples` runs them (the test suite runs it on the bundled rules).

Matching is memoised per (field, value): scan data repeats the same few thousand Server
headers and titles millions of times, so most lookups cost one dictionary probe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from camwatch.netaudit.datafiles import safe_yaml
from camwatch.netaudit.observation import FIELDS

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "fingerprints"
DEVICE_TYPES = frozenset(
    {"camera", "nvr", "dvr", "encoder", "storage", "intercom", "thermal", "bridge", "other"}
)
EXTRACTED = ("model", "firmware", "serial", "hostname")
KEYWORD = re.compile(r"^[a-z0-9 _.:=-]+$")
# Fields whose values rarely repeat (whole bodies, raw banners): not worth memoising.
UNCACHED = frozenset({"http.body", "banner"})
CACHE_LIMIT = 200_000
# Fingerprint data files that are not rule files (grammars, CVE rules, KEV, OUI owners).
NOT_RULE_FILES = frozenset({"models.yaml", "firmware.yaml", "cves.yaml", "kev.yaml", "oui.yaml"})


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    fields: tuple[str, ...]
    keywords: tuple[str, ...]
    confidence: float
    source: str
    file: str
    pattern: re.Pattern[str] | None = None
    equals: frozenset[str] = frozenset()
    manufacturer: str | None = None
    brand: str | None = None
    device_type: str | None = None
    description: str = ""
    examples: tuple[Mapping[str, Any], ...] = ()
    counter_examples: tuple[str, ...] = ()

    def match(self, value: str) -> dict[str, str] | None:
        """The values extracted when the rule matches, or None."""
        found = self.find(value)
        return None if found is None else found[1]

    def find(self, value: str) -> tuple[str, dict[str, str]] | None:
        """The matched text and the values extracted, or None."""
        if self.pattern is None:
            return (value, {}) if value.lower() in self.equals else None
        found = self.pattern.search(value)
        if found is None:
            return None
        extracted = {k: v.strip() for k, v in found.groupdict().items() if v and v.strip()}
        return found.group(0), extracted


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule matching one signal value."""

    rule: Rule
    field: str
    value: str
    extracted: Mapping[str, str]
    matched: str = ""

    @property
    def shown(self) -> str:
        """The value as evidence: whole for a header, the matched part for a body."""
        return self.matched if self.field in UNCACHED else self.value


@dataclass
class Ruleset:
    """Rules by field, with a memo of every (field, value) seen. The MAC blocks are derived
    from the IEEE registry the first time a MAC address is looked up."""

    rules: tuple[Rule, ...]
    ouis: Mapping[str, Rule] | Callable[[], Mapping[str, Rule]] = field(default_factory=dict)
    by_field: dict[str, tuple[Rule, ...]] = field(init=False)
    _cache: dict[tuple[str, str], tuple[Hit, ...]] = field(init=False, default_factory=dict)
    _gates: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for name in rule.fields:
                grouped.setdefault(name, []).append(rule)
        self.by_field = {name: tuple(rules) for name, rules in grouped.items()}
        if self.ouis:
            self.by_field.setdefault("mac", ())
        # Long values that never repeat (bodies) are searched once for any rule's keyword
        # before each rule's own pattern: every match holds a keyword, so none is lost.
        for name in UNCACHED & set(self.by_field):
            words = {word for rule in self.by_field[name] for word in rule.keywords}
            self._gates[name] = tuple(sorted(words))

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every rule's keywords, once each, for the pre-filter."""
        return tuple(sorted({word for rule in self.rules for word in rule.keywords}))

    def match(self, name: str, value: str) -> tuple[Hit, ...]:
        """Every rule that matches a field's value."""
        key = (name, value)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        gate = self._gates.get(name)
        if gate is not None:
            lowered = value.lower()  # substring tests beat a regex alternation here
            if not any(word in lowered for word in gate):
                return ()
        hits = tuple(
            Hit(rule, name, value, found[1], found[0])
            for rule in self.by_field.get(name, ())
            if (found := rule.find(value)) is not None
        )
        if name == "mac":
            hits += self._oui_hits(value)
        if name not in UNCACHED:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = hits
        return hits

    def _oui_hits(self, mac: str) -> tuple[Hit, ...]:
        from camwatch.netaudit.oui import prefix_of

        if callable(self.ouis):
            self.ouis = self.ouis()
        prefix = prefix_of(mac)
        rule = self.ouis.get(prefix) if prefix else None
        return (Hit(rule, "mac", mac, {}, mac),) if rule else ()

    def match_signals(self, signals: Mapping[str, str]) -> list[Hit]:
        """Every hit among a record's signals (the hot path: memo first, inline)."""
        hits: list[Hit] = []
        by_field, cache = self.by_field, self._cache
        for name, value in signals.items():
            if name in by_field:
                cached = cache.get((name, value))
                hits.extend(cached if cached is not None else self.match(name, value))
        return hits


def _text(raw: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: `{key}` must be a non-empty string")
    return value.strip()


def _fields(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    names = raw.get("fields") or ([raw["field"]] if "field" in raw else [])
    if not names or not all(isinstance(name, str) for name in names):
        raise RuleError(f"{where}: give `field` or a list of `fields`")
    unknown = [name for name in names if name not in FIELDS]
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r}; known: {', '.join(FIELDS)}")
    return tuple(names)


def _keywords(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    words = raw.get("keywords")
    if not isinstance(words, list) or not words:
        raise RuleError(f"{where}: `keywords` must be a non-empty list")
    for word in words:
        if not isinstance(word, str) or not KEYWORD.match(word):
            raise RuleError(
                f"{where}: keyword {word!r} must be lower-case ASCII letters, digits, "
                "spaces or - _ . : = (the pre-filter reads raw JSON bytes)"
            )
    return tuple(words)


def _matcher(raw: Mapping[str, Any], where: str) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    if ("pattern" in raw) == ("equals" in raw):
        raise RuleError(f"{where}: give exactly one of `pattern` and `equals`")
    if "equals" in raw:
        values = raw["equals"]
        if not isinstance(values, list) or not values:
            raise RuleError(f"{where}: `equals` must be a non-empty list")
        return None, frozenset(str(value).lower() for value in values)
    flags = 0 if raw.get("case_sensitive") else re.IGNORECASE
    try:
        pattern = re.compile(_text(raw, "pattern", where), flags)
    except re.error as error:
        raise RuleError(f"{where}: pattern does not compile: {error}") from error
    unknown = set(pattern.groupindex) - set(EXTRACTED)
    if unknown:
        raise RuleError(f"{where}: named group {sorted(unknown)[0]!r}; allowed: {EXTRACTED}")
    return pattern, frozenset()


def _confidence(raw: Mapping[str, Any], where: str) -> float:
    value = raw.get("confidence")
    if not isinstance(value, int | float) or not 0 < value <= 1:
        raise RuleError(f"{where}: `confidence` must be a number in (0, 1]")
    return float(value)


def _examples(raw: Mapping[str, Any], where: str) -> tuple[Mapping[str, Any], ...]:
    examples = raw.get("examples")
    if not isinstance(examples, list) or not examples:
        raise RuleError(f"{where}: every rule needs `examples` (a list of matching values)")
    out = [example if isinstance(example, dict) else {"value": example} for example in examples]
    if any(not isinstance(example.get("value"), str | int) for example in out):
        raise RuleError(f"{where}: an example has no `value`")
    return tuple(out)


def parse_rule(raw: Any, file: str, sources: set[str]) -> Rule:
    """One rule from its YAML mapping, checked; RuleError names the file and rule."""
    if not isinstance(raw, dict):
        raise RuleError(f"{file}: every rule must be a mapping")
    where = f"{file}: rule {raw.get('id', '?')!r}"
    pattern, equals = _matcher(raw, where)
    device_type = raw.get("device_type")
    if device_type is not None and device_type not in DEVICE_TYPES:
        raise RuleError(f"{where}: device_type {device_type!r} is not one of {DEVICE_TYPES}")
    source = _text(raw, "source", where)
    if source not in sources:
        raise RuleError(f"{where}: source {source!r} is not in the file's `sources`")
    return Rule(
        id=_text(raw, "id", where),
        fields=_fields(raw, where),
        keywords=_keywords(raw, where),
        confidence=_confidence(raw, where),
        source=source,
        file=file,
        pattern=pattern,
        equals=equals,
        manufacturer=raw.get("manufacturer") or None,
        brand=raw.get("brand") or None,
        device_type=device_type,
        description=_text(raw, "description", where, required=False),
        examples=_examples(raw, where),
        counter_examples=tuple(str(value) for value in raw.get("counter_examples") or ()),
    )


def read_rule_file(path: Path) -> list[Rule]:
    """The rules of one file (an empty list for a fingerprint file of another kind)."""
    try:
        data = safe_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleError(f"{path.name}: cannot read: {error}") from error
    if not isinstance(data, dict) or "rules" not in data:
        return []
    return [parse_rule(raw, path.name, source_keys(data)) for raw in data["rules"] or ()]


def source_keys(data: Mapping[str, Any]) -> set[str]:
    """The keys of a data file's `sources` list."""
    return {str(s["key"]) for s in data.get("sources") or () if isinstance(s, dict) and "key" in s}


def load_rules(paths: Iterable[Path] | None = None) -> Ruleset:
    """Every rule in the given files (default: the bundled rule files), ids unique."""
    files = sorted(paths) if paths is not None else bundled_rule_files()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in read_rule_file(path):
            if rule.id in seen:
                raise RuleError(f"{path.name}: rule id {rule.id!r} already used in {seen[rule.id]}")
            seen[rule.id] = path.name
            rules.append(rule)
    return Ruleset(tuple(rules))


def bundled_rule_files() -> list[Path]:
    return sorted(p for p in DATA_DIR.glob("*.yaml") if p.name not in NOT_RULE_FILES)


@lru_cache(maxsize=1)
def bundled_rules() -> Ruleset:
    """The bundled rules, with the MAC blocks derived from the IEEE registry."""
    from camwatch.netaudit.oui import oui_rules

    ruleset = load_rules()
    return Ruleset(ruleset.rules, ouis=oui_rules)


def check_examples(rule: Rule) -> list[str]:
    """Why a rule's examples disagree with it (an empty list when they all hold)."""
    problems: list[str] = []
    for example in rule.examples:
        value = str(example["value"])
        extracted = rule.match(value)
        if extracted is None:
            problems.append(f"{rule.id}: example {value!r} does not match")
            continue
        if not any(word in value.lower() for word in rule.keywords):
            problems.append(f"{rule.id}: example {value!r} contains none of the keywords")
        for name in EXTRACTED:
            if name in example and extracted.get(name) != example[name]:
                problems.append(
                    f"{rule.id}: example {value!r} gives {name} {extracted.get(name)!r}, "
                    f"expected {example[name]!r}"
                )
    problems.extend(
        f"{rule.id}: counter-example {value!r} matches"
        for value in rule.counter_examples
        if rule.match(value) is not None
    )
    return problems


def example_problems(rules: Sequence[Rule]) -> list[str]:
    return [problem for rule in rules for problem in check_examples(rule)]

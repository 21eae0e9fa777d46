"""Model codes and firmware strings, read with the grammars in data/fingerprints/.

`parse_model("DS-7608NI-K2")` says which maker a model code belongs to (and the brand,
for a rebadge line) and what kind of device it is; `find_model` finds a code inside a
longer text such as a banner ("HIKVISION DS-2CD2142FWD-I Network Camera");
`parse_firmware("V5.5.800 build 210628")` reads a firmware string's version, build date
and platform. The grammars are data (models.yaml, firmware.yaml), loaded with
yaml.safe_load, compiled once and cached; every function takes an optional path to use
other files. A bad data file raises `GrammarError`, naming the file and the rule.

Pure: no Django, no I/O beyond reading the two data files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from camwatch.netaudit.datafiles import safe_yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "fingerprints"
MODELS_FILE = DATA_DIR / "models.yaml"
FIRMWARE_FILE = DATA_DIR / "firmware.yaml"

DEVICE_TYPES = frozenset(
    {"camera", "nvr", "dvr", "encoder", "storage", "intercom", "thermal", "bridge", "other"}
)
# Longest model code / firmware string considered; longer text is not one of them.
MAX_MODEL_CHARS = 128
MAX_FIRMWARE_CHARS = 256
# Longer text, even padded with spaces, is not a model code (find_model scans it instead).
MAX_MODEL_TEXT = 1024
# How much of a longer text find_model scans for a model code.
MAX_SCAN_CHARS = 65536

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SPACES = re.compile(r"\s+")
# Candidate model codes in upper-cased text: what model codes are made of.
_TOKEN = re.compile(r"[A-Z0-9][-A-Z0-9/().+_]*", re.ASCII)
_TRAILING = ".,;:/-_+"
_VERSION_SPLIT = re.compile(r"[.-]")


class GrammarError(ValueError):
    """A grammar data file is unreadable or malformed; the message names file and rule."""


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class ModelMatch:
    """What a model code says: maker, brand (for a rebadge line), device type, family."""

    model: str
    manufacturer: str
    brand: str | None
    device_type: str
    family: str | None
    rule: str
    confidence: float
    source: str


@dataclass(frozen=True)
class Firmware:
    """A parsed firmware string. `version` is a tuple of integers; `build` the build date."""

    text: str
    version: tuple[int, ...]
    build: dt.date | None
    platform: str | None
    rule: str


# ------------------------------------------------------------------ rules


@dataclass(frozen=True)
class ModelExample:
    model: str
    device_type: str


@dataclass(frozen=True)
class ModelRule:
    id: str
    pattern: re.Pattern[str]
    manufacturer: str
    brand: str | None
    device_type: str
    confidence: float
    source: str
    examples: tuple[ModelExample, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True)
class ModelRules:
    path: Path
    rules: tuple[ModelRule, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True)
class FirmwareExample:
    text: str
    version: tuple[int, ...]
    build: dt.date | None
    platform: str | None


@dataclass(frozen=True)
class FirmwareGrammar:
    id: str
    manufacturer: str | None
    pattern: re.Pattern[str]
    source: str
    examples: tuple[FirmwareExample, ...]
    # A regular expression every build-dated match also holds (the audit's pre-filter).
    trigger: str | None = None


@dataclass(frozen=True)
class FirmwareGrammars:
    path: Path
    grammars: tuple[FirmwareGrammar, ...]
    counter_examples: tuple[str, ...]


# ------------------------------------------------------------------ public functions


def normalise_model(text: str) -> str:
    """A model string as the rules see it: trimmed, white space collapsed, upper case."""
    return _SPACES.sub(" ", text.strip()).upper()


def parse_model(text: str, path: Path | None = None) -> ModelMatch | None:
    """The rule that the whole of `text` matches (first in file order), or None."""
    if len(text) > MAX_MODEL_TEXT:
        return None
    model = normalise_model(text)
    if not model or len(model) > MAX_MODEL_CHARS:
        return None
    for rule in load_model_rules(path).rules:
        found = rule.pattern.fullmatch(model)
        if found is not None:
            family = found.groupdict().get("family")
            return ModelMatch(
                model=model,
                manufacturer=rule.manufacturer,
                brand=rule.brand,
                device_type=rule.device_type,
                family=family,
                rule=rule.id,
                confidence=rule.confidence,
                source=rule.source,
            )
    return None


def find_model(text: str, path: Path | None = None) -> ModelMatch | None:
    """The first model code in `text`: the whole text, else its tokens left to right."""
    whole = parse_model(text, path)
    if whole is not None:
        return whole
    upper = text[:MAX_SCAN_CHARS].upper()
    for token in _TOKEN.finditer(upper):
        for candidate in _candidates(token.group(0)):
            found = parse_model(candidate, path)
            if found is not None:
                return found
    return None


def parse_firmware(
    text: str, manufacturer: str | None = None, path: Path | None = None
) -> Firmware | None:
    """Version, build date and platform of a firmware string, or None if no grammar fits.

    With `manufacturer`, only that maker's grammars (and the makerless ones) are tried.
    """
    stripped = text.strip() if len(text) <= MAX_MODEL_TEXT else ""
    if not stripped or len(stripped) > MAX_FIRMWARE_CHARS:
        return None
    for grammar in load_firmware_grammars(path).grammars:
        if manufacturer is not None and grammar.manufacturer not in (None, manufacturer):
            continue
        found = grammar.pattern.fullmatch(stripped)
        if found is not None:
            groups = found.groupdict()
            platform = groups.get("platform")
            return Firmware(
                text=stripped,
                version=parse_version(groups["version"]),
                build=parse_build(groups.get("build")),
                platform=platform.upper() if platform else None,
                rule=grammar.id,
            )
    return None


def parse_version(text: str) -> tuple[int, ...]:
    """'5.5.800' -> (5, 5, 800); '2.3.8-8' -> (2, 3, 8, 8); leading V ignored."""
    body = text.strip().lstrip("Vv")
    return tuple(int(part) for part in _VERSION_SPLIT.split(body) if part)


def parse_build(text: str | None) -> dt.date | None:
    """A build date from YYMMDD (20YY), YYYYMMDD or YYYY-MM-DD; None if not a real date."""
    if text is None:
        return None
    digits = text.replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (6, 8):
        return None
    year = 2000 + int(digits[:2]) if len(digits) == 6 else int(digits[:4])
    month, day = int(digits[-4:-2]), int(digits[-2:])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def load_model_rules(path: Path | None = None) -> ModelRules:
    """The model-code rules of `path` (default data/fingerprints/models.yaml), cached."""
    return _load_model_rules(Path(path) if path is not None else MODELS_FILE)


def load_firmware_grammars(path: Path | None = None) -> FirmwareGrammars:
    """The firmware grammars of `path` (default data/fingerprints/firmware.yaml), cached."""
    return _load_firmware_grammars(Path(path) if path is not None else FIRMWARE_FILE)


# ------------------------------------------------------------------ loading


def _candidates(token: str) -> Iterator[str]:
    """A token without trailing punctuation or unbalanced closing brackets, then what
    follows each '/' in it ("HIKVISION/DS-7608NI-K2")."""
    token = token.rstrip(_TRAILING)
    while token.endswith(")") and token.count(")") > token.count("("):
        token = token[:-1].rstrip(_TRAILING)
    if token:
        yield token
    for index, char in enumerate(token):
        if char == "/" and index + 1 < len(token):
            yield token[index + 1 :].rstrip(_TRAILING)


def read_yaml_mapping(path: Path) -> Mapping[str, Any]:
    """A YAML file whose top level is a mapping; GrammarError naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GrammarError(f"{path}: cannot be read: {error}") from error
    try:
        data = safe_yaml(text)
    except yaml.YAMLError as error:
        raise GrammarError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise GrammarError(f"{path}: the top level must be a mapping")
    return data


class _Fields:
    """Typed access to one record's fields; errors name the file and the record's id."""

    def __init__(self, path: Path, record: object, index: int, kind: str = "rule") -> None:
        if not isinstance(record, dict):
            raise GrammarError(f"{path}: {kind} #{index + 1}: must be a mapping")
        self.path = path
        self.record: Mapping[str, Any] = record
        self.kind = kind
        self.id = str(record.get("id") or f"#{index + 1}")

    def error(self, problem: str) -> GrammarError:
        return GrammarError(f"{self.path}: {self.kind} {self.id!r}: {problem}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.record.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise self.error(f"'{key}' must be a non-empty string")
        return value

    def required(self, key: str) -> str:
        value = self.text(key)
        assert value is not None  # text() raised otherwise
        return value

    def slug(self, key: str, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and not _SLUG.fullmatch(value):
            raise self.error(f"'{key}' must be a lower-case slug, not {value!r}")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.record.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"'{key}' must be a list")
        return value

    def pattern(self, flags: int = 0) -> re.Pattern[str]:
        source = self.required("pattern")
        try:
            return re.compile(source, flags | re.ASCII)
        except re.error as error:
            raise self.error(f"pattern does not compile: {error}") from error

    def source(self, known: frozenset[str]) -> str:
        key = self.required("source")
        for name in [key, *self.items("example_sources")]:
            if name not in known:
                raise self.error(f"source {name!r} is not a key in 'sources:'")
        return key


def _source_keys(path: Path, data: Mapping[str, Any]) -> frozenset[str]:
    sources = data.get("sources", [])
    if not isinstance(sources, list):
        raise GrammarError(f"{path}: 'sources' must be a list")
    keys = [item.get("key") for item in sources if isinstance(item, dict)]
    names = [key for key in keys if isinstance(key, str)]
    if len(names) != len(sources):
        raise GrammarError(f"{path}: every entry of 'sources' needs a 'key'")
    return frozenset(names)


def _strings(path: Path, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise GrammarError(f"{path}: '{key}' must be a list of strings")
    return tuple(values)


def _unique(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    for rule_id in ids:
        if rule_id in seen:
            raise GrammarError(f"{path}: rule {rule_id!r}: the id is used twice")
        seen.add(rule_id)


def _model_rule(fields: _Fields, sources: frozenset[str]) -> ModelRule:
    device_type = fields.required("device_type")
    if device_type not in DEVICE_TYPES:
        raise fields.error(f"device_type {device_type!r} is not one of {sorted(DEVICE_TYPES)}")
    confidence = fields.record.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise fields.error("'confidence' must be a number")
    if not 0 <= confidence <= 1:
        raise fields.error(f"confidence {confidence} is not between 0 and 1")
    examples = []
    for item in fields.items("examples"):
        if not isinstance(item, dict) or not isinstance(item.get("model"), str):
            raise fields.error("every example needs a 'model' string")
        example_type = item.get("device_type", device_type)
        if example_type not in DEVICE_TYPES:
            raise fields.error(f"example {item['model']!r}: unknown device_type")
        examples.append(ModelExample(item["model"], example_type))
    counter = fields.items("counter_examples")
    if not all(isinstance(value, str) for value in counter):
        raise fields.error("'counter_examples' must be strings")
    return ModelRule(
        id=fields.required("id"),
        pattern=fields.pattern(),
        manufacturer=fields.slug("manufacturer") or "",
        brand=fields.slug("brand", required=False),
        device_type=device_type,
        confidence=float(confidence),
        source=fields.source(sources),
        examples=tuple(examples),
        counter_examples=tuple(counter),
    )


@lru_cache(maxsize=8)
def _load_model_rules(path: Path) -> ModelRules:
    data = read_yaml_mapping(path)
    sources = _source_keys(path, data)
    records = data.get("rules")
    if not isinstance(records, list) or not records:
        raise GrammarError(f"{path}: 'rules' must be a non-empty list")
    rules = [
        _model_rule(_Fields(path, record, index), sources) for index, record in enumerate(records)
    ]
    _unique(path, [rule.id for rule in rules])
    return ModelRules(path, tuple(rules), _strings(path, data, "counter_examples"))


def _firmware_example(fields: _Fields, item: object) -> FirmwareExample:
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise fields.error("every example needs a 'text' string")
    version = item.get("version")
    if not isinstance(version, list) or not all(isinstance(part, int) for part in version):
        raise fields.error(f"example {item['text']!r}: 'version' must be a list of integers")
    build = item.get("build")
    if build is not None and not isinstance(build, dt.date):
        raise fields.error(f"example {item['text']!r}: 'build' must be a date or null")
    platform = item.get("platform")
    if platform is not None and not isinstance(platform, str):
        raise fields.error(f"example {item['text']!r}: 'platform' must be a string")
    return FirmwareExample(item["text"], tuple(version), build, platform)


def _firmware_grammar(fields: _Fields, sources: frozenset[str]) -> FirmwareGrammar:
    pattern = fields.pattern(re.IGNORECASE)
    if "version" not in pattern.groupindex:
        raise fields.error("the pattern needs a named group 'version'")
    return FirmwareGrammar(
        id=fields.required("id"),
        manufacturer=fields.slug("manufacturer", required=False),
        pattern=pattern,
        source=fields.source(sources),
        examples=tuple(_firmware_example(fields, item) for item in fields.items("examples")),
        trigger=fields.text("trigger", required=False),
    )


@lru_cache(maxsize=8)
def _load_firmware_grammars(path: Path) -> FirmwareGrammars:
    data = read_yaml_mapping(path)
    sources = _source_keys(path, data)
    records = data.get("grammars")
    if not isinstance(records, list) or not records:
        raise GrammarError(f"{path}: 'grammars' must be a non-empty list")
    grammars = [
        _firmware_grammar(_Fields(path, record, index, "grammar"), sources)
        for index, record in enumerate(records)
    ]
    _unique(path, [grammar.id for grammar in grammars])
    return FirmwareGrammars(path, tuple(grammars), _strings(path, data, "counter_examples"))

"""Is a procurement notice about surveillance cameras? Pure: no Django.

The rules are data (data/rules/money/surveillance.yaml, each record citing its source);
this module only applies them. A notice is related when one of its CPV codes is a
surveillance code; otherwise it is not related when one of its codes is in a family that
is never surveillance (cleaning, catering, food: their notices mention "the CCTV control
room" often enough to matter); otherwise it is related when its text matches a term.

Imports classify thousands of notices, so the terms are compiled into one regular
expression per Rules, matched against lower-cased text (see _compile_terms).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from camwatch.registry.loader.errors import DataFileError

SECTIONS = ("cpv", "exclude_cpv", "terms", "sources")
CPV_DIGITS = 8
# Letters after a backslash that lower-casing would change in meaning (\W -> \w, ...).
UPPER_ESCAPE = re.compile(r"\\[A-Z]")


@dataclass(frozen=True)
class CpvRule:
    code: str  # the CPV 2008 code, 8 digits
    label: str
    prefix: str  # the codes it covers start with these digits
    source: str


@dataclass(frozen=True)
class Term:
    id: str
    pattern: str
    source: str


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Rules:
    path: Path
    cpv: tuple[CpvRule, ...]
    exclude_cpv: tuple[CpvRule, ...]
    terms: tuple[Term, ...]
    sources: tuple[Source, ...]
    # All the terms as one case-insensitive expression, for any text: text.search(...).
    text: re.Pattern[str] = field(repr=False, compare=False)
    # The same for lower-cased text, several times faster: what classify uses.
    lowered: re.Pattern[str] = field(repr=False, compare=False)
    # Built from the records above (see __post_init__).
    by_prefix: dict[str, CpvRule] = field(init=False, repr=False, compare=False)
    excluded_by_prefix: dict[str, CpvRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen: the derived fields are set the way dataclasses sets them itself.
        object.__setattr__(self, "by_prefix", {rule.prefix: rule for rule in self.cpv})
        excluded = {rule.prefix: rule for rule in self.exclude_cpv}
        object.__setattr__(self, "excluded_by_prefix", excluded)


@dataclass(frozen=True)
class Verdict:
    related: bool
    reasons: tuple[str, ...]  # e.g. "CPV 32323500 Video-surveillance system"


def normalise_cpv(code: str) -> str | None:
    """The 8 digits of a CPV code written "32323500", "32323500-3" (with its check digit)
    or "3232 3500"; None when it is not one. Seven digits are a code of division 03 that
    lost its leading zero to a number type somewhere, and get it back.
    """
    digits = "".join(code.split("-", 1)[0].split())
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == CPV_DIGITS - 1:
        digits = "0" + digits
    return digits if len(digits) == CPV_DIGITS else None


def classify(cpv_codes: Sequence[str], text: str, rules: Rules) -> Verdict:
    """Whether a notice is about surveillance cameras, and why. Codes may be written any
    way normalise_cpv reads; what is not a CPV code is ignored."""
    if isinstance(cpv_codes, str):  # one code, not its characters
        cpv_codes = [cpv_codes]
    codes = [c for c in (normalise_cpv(code) for code in cpv_codes) if c]
    found = _cpv_reasons(codes, rules.by_prefix)
    if found:
        return Verdict(True, found)
    excluded = _cpv_reasons(codes, rules.excluded_by_prefix)
    matched = find_term(text, rules)
    if excluded:
        note = f"{excluded[0]}: a family that is never surveillance"
        return Verdict(
            False, (f"{note}, though the text matches {matched!r}" if matched else note,)
        )
    if matched:
        return Verdict(True, (f"text matches {matched!r}",))
    return Verdict(False, ())


def _cpv_reasons(codes: Sequence[str], index: dict[str, CpvRule]) -> tuple[str, ...]:
    reasons: dict[str, None] = {}
    for code in codes:
        rule = _rule_for(code, index)
        if rule is None:
            continue
        if rule.code == code:
            reasons[f"CPV {code} {rule.label}"] = None
        else:
            reasons[f"CPV {code}, under {rule.code} {rule.label}"] = None
    return tuple(reasons)


def _rule_for(code: str, index: dict[str, CpvRule]) -> CpvRule | None:
    # The longest prefix wins, so a code under both 3512 and 351253 is "Security cameras".
    for length in range(len(code), 0, -1):
        rule = index.get(code[:length])
        if rule is not None:
            return rule
    return None


def find_term(text: str, rules: Rules) -> str:
    """The words of `text` that a term matches (the first such place), or ""."""
    lowered = text.lower()
    found = rules.lowered.search(lowered)
    if found is None:
        return ""
    start, end = found.span()
    # str.lower keeps lengths for all but a few non-ASCII letters; quote the original
    # words when it did, so the reason says "CCTV" as the notice wrote it.
    original = text[start:end] if len(lowered) == len(text) else found.group()
    return " ".join(original.split())


# -- loading ------------------------------------------------------------------------------


def default_rules_path() -> Path:
    return Path(str(resources.files("camwatch").joinpath("data/rules/money/surveillance.yaml")))


@cache
def default_rules() -> Rules:
    """The bundled rules, read once per process."""
    return load_rules()


def load_rules(path: Path | None = None) -> Rules:
    path = path or default_rules_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(path, f"cannot read the rules: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(path, f"not valid YAML: {exc}", line=line) from exc
    if not isinstance(raw, dict) or set(raw) != set(SECTIONS):
        found = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise DataFileError(path, f"expected exactly the sections {list(SECTIONS)}, found {found}")
    sources = _sources(path, raw["sources"])
    cpv = _cpv_rules(path, "cpv", raw["cpv"], sources)
    exclude = _cpv_rules(path, "exclude_cpv", raw["exclude_cpv"], sources)
    _check_overlap(path, cpv, exclude)
    terms = _terms(path, raw["terms"], sources)
    text, lowered = _compile_terms(path, terms)
    return Rules(path, cpv, exclude, terms, tuple(sources.values()), text, lowered)


def _records(path: Path, section: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, "must be a non-empty list", field=section)
    for index, record in enumerate(value, 1):
        if not isinstance(record, dict):
            raise DataFileError(path, "must be a mapping", record=f"{section} {index}")
    return value


def _text_field(path: Path, record: dict[str, Any], name: str, where: str) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, "must be a non-empty string", record=where, field=name)
    return value.strip()


def _check_keys(path: Path, record: dict[str, Any], keys: set[str], where: str) -> None:
    if set(record) != keys:
        raise DataFileError(
            path, f"expected the keys {sorted(keys)}, found {sorted(record)}", record=where
        )


def _sources(path: Path, value: Any) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for index, record in enumerate(_records(path, "sources", value), 1):
        where = f"sources {index}"
        _check_keys(path, record, {"key", "title", "url"}, where)
        key = _text_field(path, record, "key", where)
        if key in sources:
            raise DataFileError(path, f"the key {key!r} is used twice", record=where)
        title, url = (_text_field(path, record, name, where) for name in ("title", "url"))
        sources[key] = Source(key, title, url)
    return sources


def _source_of(path: Path, record: dict[str, Any], sources: dict[str, Source], where: str) -> str:
    key = _text_field(path, record, "source", where)
    if key not in sources:
        raise DataFileError(path, f"no source with the key {key!r}", record=where, field="source")
    return key


def _cpv_rules(
    path: Path, section: str, value: Any, sources: dict[str, Source]
) -> tuple[CpvRule, ...]:
    rules: dict[str, CpvRule] = {}
    for index, record in enumerate(_records(path, section, value), 1):
        where = f"{section} {index}"
        _check_keys(path, record, {"code", "label", "prefix", "source"}, where)
        code, label, prefix = (
            _text_field(path, record, n, where) for n in ("code", "label", "prefix")
        )
        if normalise_cpv(code) != code:
            raise DataFileError(path, "must be 8 digits, quoted", record=where, field="code")
        if not prefix.isdigit() or not code.startswith(prefix):
            raise DataFileError(
                path, f"must be the first digits of the code {code}", record=where, field="prefix"
            )
        if prefix in rules:
            raise DataFileError(path, f"the prefix {prefix} is used twice", record=where)
        rules[prefix] = CpvRule(code, label, prefix, _source_of(path, record, sources, where))
    return tuple(rules.values())


def _check_overlap(path: Path, cpv: tuple[CpvRule, ...], exclude: tuple[CpvRule, ...]) -> None:
    # A family both surveillance and never surveillance would make the order of the checks
    # decide silently; say so instead.
    for rule in exclude:
        for other in cpv:
            if rule.prefix.startswith(other.prefix) or other.prefix.startswith(rule.prefix):
                raise DataFileError(
                    path,
                    f"exclude_cpv {rule.code} overlaps cpv {other.code}",
                    record=f"exclude_cpv {rule.code}",
                )


def _terms(path: Path, value: Any, sources: dict[str, Source]) -> tuple[Term, ...]:
    terms: dict[str, Term] = {}
    for index, record in enumerate(_records(path, "terms", value), 1):
        where = f"terms {index}"
        _check_keys(path, record, {"id", "pattern", "source"}, where)
        term_id, pattern = (_text_field(path, record, n, where) for n in ("id", "pattern"))
        if term_id in terms:
            raise DataFileError(path, f"the id {term_id!r} is used twice", record=where)
        if UPPER_ESCAPE.search(pattern):
            raise DataFileError(
                path,
                "upper-case escapes (\\W, \\S, ...) change meaning when lower-cased: "
                "use a character class",
                record=where,
                field="pattern",
            )
        source = _source_of(path, record, sources, where)
        terms[term_id] = Term(term_id, pattern, source)
    return tuple(terms.values())


def _compile_terms(path: Path, terms: tuple[Term, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """All the terms as one expression matching whole words: case-insensitive, and the
    faster one for lower-cased text.

    Speed matters: with re.IGNORECASE, or with a group around each term, Python's regex
    engine enters every term at every position of the text; plain lower-case branches let
    it skip at once those whose first letter differs (about ten times faster on notices).
    Joining the patterns with "|" keeps each one's meaning, alternations included.
    """
    for term in terms:
        try:
            re.compile(term.pattern)
        except re.error as exc:
            where = f"term {term.id}"
            raise DataFileError(
                path, f"not a regular expression: {exc}", record=where, field="pattern"
            ) from exc

    def joined(patterns: list[str], flags: int) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)", flags)

    patterns = [term.pattern for term in terms]
    try:
        return (
            joined(patterns, re.IGNORECASE),
            joined([pattern.lower() for pattern in patterns], 0),
        )
    except re.error as exc:  # e.g. an inline flag, valid alone but not mid-expression
        raise DataFileError(path, f"the terms do not join into one expression: {exc}") from exc

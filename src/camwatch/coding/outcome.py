"""The outcome of a reply (provided, partly provided, not held, refused, neither confirm
nor deny), the law it answers under, the exemptions it cites with any cost arithmetic, and
its dates and reference numbers. Pure.

Exemption numbers are read in the regime's own numbering: FOISA's s.38 is personal data
where FOIA's is health and safety. Procedural sections (the duty to confirm, time limits,
refusal notices, reviews and appeals) are not exemptions and are never reported as one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from camwatch.coding.spans import Unit
from camwatch.coding.suggestions import Suggestion

REGIMES = (
    ("FOISA", re.compile(
        r"Freedom\s+of\s+Information\s+\(Scotland\)|\bFOISA\b|\bFOI\(S\)A\b", re.I)),
    ("EIR", re.compile(r"Environmental\s+Information\s+Regulations|\bEIRs?\b", re.I)),
    ("FOIA", re.compile(
        r"Freedom\s+of\s+Information\s+Act|\bFOIA\b|Deddf\s+Rhyddid\s+Gwybodaeth", re.I)),
)  # fmt: skip
EXEMPT = {
    "FOIA": {12, 14, *range(21, 45)},
    "FOISA": {12, 14, 17, 18, *range(25, 42)},
    "EIR": set(),
}
# s.12 (cost) and s.14 (vexatious or repeated) apply to a request as a whole, in both Acts:
# figures offered alongside them are advice and assistance, not a partial answer.
WHOLE_REQUEST = frozenset({"s.12", "s.14"})
NOT_REFUSALS = frozenset({("FOISA", "s.17"), ("FOISA", "s.18")})
_SUBSECTIONS = r"(?:\s*\(\d+\)(?:\s*\([a-z]+\))*)?"
_DESCRIBED = r"(?:\s*\([A-Za-z][A-Za-z ,'-]{2,40}\))?"  # "24(2) (national security)"
SECTION = re.compile(
    rf"(?<![\w-])(?:sections?|ss?\.|s(?=\d)|adran(?:nau)?)\s*(\d{{1,2}})(?![\w]){_SUBSECTIONS}"
    rf"{_DESCRIBED}(?:(?:\s*,\s*|\s+(?:and|or|&)\s+)(\d{{1,2}})(?![\w]){_SUBSECTIONS}"
    rf"{_DESCRIBED})*",
    re.IGNORECASE,
)
LISTED_SECTION = re.compile(
    r"(?:^|,|\band\b|\bor\b|&)\s*(?:sections?|ss?\.|s(?=\d)|adran\w*)?\s*(\d{1,2})",
    re.IGNORECASE,
)
REGULATION = re.compile(r"\bregulations?\s+(12\s*\(\s*[45]\s*\)\s*\(\s*[a-g]\s*\)|13)", re.I)
COST = re.compile(
    r"(?P<hours>\d+(?:\.\d+)?)\s*hours?\b.{0,60}?£\s?(?P<rate>\d+(?:\.\d\d)?)\s*(?:per|an|a|/)\s*"
    r"hour.{0,40}?£\s?(?P<total>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d\d)?)",
    re.IGNORECASE,
)
NCND = re.compile(
    r"neither\s+confirm\w*\s+n?or\s+den(?:y|ies|ied)|cadarnhau\s+na\s+gwadu|"
    r"refus\w*\s+to\s+reveal\s+whether",  # FOISA s.18's own words
    re.IGNORECASE,
)
NOT_HELD = re.compile(
    r"(?:do|does|did)\s+not\s+hold\s+(?:the|this|that|any|such)?\s*(?:recorded\s+)?information|"
    r"information\s+(?:requested\s+)?(?:is|was)\s+not\s+held|not\s+held\s+by\s+(?:the|this|us)|"
    r"holds?\s+no\s+(?:recorded\s+)?information|no\s+(?:recorded\s+)?information\s+(?:is\s+)?held|"
    r"section\s+17\s+notice|notice\s+under\s+section\s+17|nad\s+yw'r\s+wybodaeth",
    re.IGNORECASE,
)
REFUSED = re.compile(
    r"\b(?:is|are)\s+(?:being\s+)?(?:withheld|exempt)|(?:refuse|refusing|declin)\w*\s+(?:to\s+"
    r"(?:provide|disclose|release|comply)|your\s+request|this\s+request)|exceed\w*\s+the\s+"
    r"appropriate\s+limit|excessive\s+cost|vexatious|refusal\s+notice|exemption\s+(?:applies|"
    r"is\s+engaged)|(?:applying|relying\s+on|engaged)\s+(?:the\s+)?(?:exemption|section)",
    re.IGNORECASE,
)
PARTLY = re.compile(
    r"some\s+of\s+the\s+(?:requested\s+)?information|\bin\s+part\b|\bpartially\b|\bpartly\b|"
    r"remaining\s+(?:parts?|information|questions?)|rest\s+of\s+(?:the|your)",
    re.IGNORECASE,
)
LETTER = re.compile(
    r"freedom\s+of\s+information|\brequest\b|\bFOI\b|\bEIR\b|\bdear\b|\bcais\b|rhyddid|"
    r"thank\s+you\s+for\s+your|\byour\s+(?:email|enquiry|letter)\b|\bgood\s+(?:morning|afternoon)|"
    r"\bregards\b|\bbest\s+wishes\b|\byours\s+(?:sincerely|faithfully)\b",
    re.I,
)
MONTHS = "january february march april may june july august september october november december"
MONTH = {name: number for number, name in enumerate(MONTHS.split(), start=1)}
DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTH) + r")\s+(\d{4})\b|"
    r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b",
    re.IGNORECASE,
)
REFERENCE = re.compile(
    r"\b(?:our\s+ref(?:erence)?|your\s+ref(?:erence)?|ref(?:erence)?(?:\s+(?:no\.?|number))?|"
    r"request\s+(?:ref(?:erence)?|number|no\.?)|FOI\s+(?:ref(?:erence)?|number|no\.?)|"
    r"case\s+(?:ref(?:erence)?|number|no\.?)|cyf(?:eirnod)?)\s*[:.#]?\s*"
    r"(?P<ref>[A-Z0-9][A-Z0-9/\-_.]*\d[A-Z0-9/\-_]*)",
    re.IGNORECASE,
)


def regime(found: list[Unit]) -> Suggestion | None:
    for name, pattern in REGIMES:
        for unit in found:
            match = pattern.search(unit.flat)
            if match:
                evidence = unit.evidence(*match.span())
                return Suggestion("regime", {"regime": name}, evidence, unit.index)
    return None


def exemptions(found: list[Unit], law: str) -> Iterator[Suggestion]:
    allowed = EXEMPT.get(law, EXEMPT["FOIA"])
    for unit in found:
        if unit.is_question or unit.row:
            continue
        for match in SECTION.finditer(unit.flat):
            for listed in LISTED_SECTION.finditer(match.group(0)):
                number = int(listed.group(1))
                if number in allowed:
                    value = {"section": f"s.{number}", "regime": law, "cited": match.group(0)}
                    evidence = unit.evidence(*match.span())
                    yield Suggestion("exemption", value, evidence, unit.index)
        for match in REGULATION.finditer(unit.flat):
            section = "r." + re.sub(r"\s+", "", match.group(1))
            value = {"section": section, "regime": "EIR", "cited": match.group(0)}
            yield Suggestion("exemption", value, unit.evidence(*match.span()), unit.index)


def costs(found: list[Unit]) -> Iterator[Suggestion]:
    for unit in found:
        for match in COST.finditer(unit.flat):
            hours, rate = float(match.group("hours")), float(match.group("rate"))
            total = float(match.group("total").replace(",", ""))
            value = {"hours": hours, "rate": rate, "total": total,
                     "consistent": abs(hours * rate - total) < 0.01}  # fmt: skip
            yield Suggestion("cost", value, unit.evidence(*match.span()), unit.index)


def decide(
    found: list[Unit], facts: list[Suggestion], cited: list[Suggestion]
) -> Suggestion | None:
    """The outcome, from what the letter says and whether it gives any facts."""
    if not any(LETTER.search(unit.flat) for unit in found if not unit.row):
        return None  # a bare spreadsheet has data but no outcome
    statements = [u for u in found if not u.is_question and not u.row]
    # FOISA's s.17 is its not-held notice and s.18 its neither-confirm-nor-deny: neither
    # is a refusal on its own.
    refusing = [s for s in cited if (s.value["regime"], s.value["section"]) not in NOT_REFUSALS]
    ncnd = _first(statements, NCND) or _cited(cited, ("FOISA", "s.18"))
    not_held = _first(statements, NOT_HELD) or _cited(cited, ("FOISA", "s.17"))
    refused = _first(statements, REFUSED) or (refusing[0] if refusing else None)
    partly = _first(statements, PARTLY)
    if ncnd and not facts:
        return _outcome("ncnd", ncnd)
    whole = next((s for s in refusing if s.value["section"] in WHOLE_REQUEST), None)
    if whole is not None:
        return _outcome("refused", whole)  # cost and vexatiousness refuse a whole request
    if not_held and not refusing and not _substantive(facts):
        return _outcome("not_held", not_held)
    if refused and not partly and not _substantive(facts):
        return _outcome("refused", refused)  # a bare total beside a refusal answers nothing
    if facts and (refused or ncnd or (partly and not_held)):
        basis = partly or refused or ncnd or not_held
        assert basis is not None
        return _outcome("partly_provided", basis)
    if facts:
        return _outcome("provided", facts[0])
    return None


def _cited(cited: list[Suggestion], which: tuple[str, str]) -> Suggestion | None:
    return next((s for s in cited if (s.value["regime"], s.value["section"]) == which), None)


def _substantive(facts: list[Suggestion]) -> bool:
    """Facts that say what equipment a body has: a vendor held, a model, a capability in
    use, or a count tied to a vendor. A total number of cameras alone is context, and "we
    do not use thermal imaging" beside "so we hold no information" is the not-held answer."""
    return any(
        (fact.kind == "vendor" and fact.value["status"] == "held")
        or (fact.kind == "capability" and fact.value["status"] == "yes")
        or fact.kind == "model"
        or (fact.kind == "count" and fact.value.get("vendor"))
        for fact in facts
    )


def _first(found: list[Unit], pattern: re.Pattern[str]) -> Suggestion | None:
    for unit in found:
        match = pattern.search(unit.flat)
        if match:
            return Suggestion("outcome", {}, unit.evidence(*match.span()), unit.index)
    return None


def _outcome(name: str, basis: Suggestion) -> Suggestion:
    return Suggestion("outcome", {"outcome": name}, basis.evidence, basis.unit)


def dates(found: list[Unit]) -> Iterator[Suggestion]:
    for unit in found:
        for match in DATE.finditer(unit.flat):
            day = _date(match)
            if day is not None:
                value = {"date": day.isoformat()}
                yield Suggestion("date", value, unit.evidence(*match.span()), unit.index)


def _date(match: re.Match[str]) -> dt.date | None:
    try:
        if match.group(2):
            return dt.date(int(match.group(3)), MONTH[match.group(2).lower()], int(match.group(1)))
        return dt.date(int(match.group(6)), int(match.group(5)), int(match.group(4)))
    except ValueError:
        return None  # 31 February: not a date


def references(found: list[Unit]) -> Iterator[Suggestion]:
    for unit in found:
        for match in REFERENCE.finditer(unit.flat):
            value = {"reference": match.group("ref").rstrip(".")}
            evidence = unit.evidence(match.start("ref"), match.end("ref"))
            yield Suggestion("reference", value, evidence, unit.index)

"""What a reply says about vendors and capabilities: held or not, yes or no. Pure.

Negation is read within a clause: "We do not use Dahua; our cameras are Hikvision" gives
Dahua not held and Hikvision held. The requester's own questions, quoted back in most
replies, are mentions and never statements, but a bare "Yes." or "No." that answers a
question about one vendor or capability is read as answering it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from camwatch.coding.lexicon import Lexicon
from camwatch.coding.spans import Unit
from camwatch.coding.suggestions import Suggestion

CLAUSE_BREAK = re.compile(r";|,?\s+but\s+|,?\s+however,?\s+|,?\s+whereas\s+|\.\s", re.I)
NEGATION = re.compile(
    r"\b(?:not|no|none|never|neither|nor|without|cannot|nil|n't|don't|doesn't|didn't|isn't|"
    r"aren't|wasn't|weren't|haven't|hasn't|ddim|nid)\b|n't\b",
    re.IGNORECASE,
)
NEGATED_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:are|is|were|was|have|has|had|do|does|did)\s+(?:not|never)\b|"
    r"^[^.;]{0,40}?n't\b",
    re.IGNORECASE,
)
ABOUT_INFORMATION = re.compile(r"\b(?:information|records?|whether)\b", re.IGNORECASE)
UNCERTAIN = re.compile(r"\bwhether\b|\bneither\s+confirm", re.IGNORECASE)
# An answer's label: "A2.", "(A3)", "Answer:", "Response 4", Welsh "Ateb".
ANSWER_LABEL = r"(?:\(?A\s?\d+[.):]?|Answer\s*\d*[.:]?|Response\s*\d*[.:]?|Ateb\s*\d*[.:]?)"
ANSWER = re.compile(
    rf"^\s*(?:{ANSWER_LABEL}\s*)?(?P<word>yes|no|none|nil|ie|na)\b",
    re.IGNORECASE,
)
# "A2." or "Answer:" alone on a line: the answer follows in the next sentence.
LABEL_ONLY = re.compile(rf"^\s*{ANSWER_LABEL}\s*$", re.IGNORECASE)
CAPABILITIES = {
    "facial-recognition": r"facial[\s-]+recognition|face[\s-]+recognition|\bFRT\b|\bLFR\b|"
    r"facial[\s-]+matching|adnabod\s+wynebau",
    "anpr": r"\bANPR\b|number[\s-]+plate[\s-]+recognition|\bALPR\b",
    "thermal": r"\bthermal\b",
    "gender-detection": r"\bgender\b",
    "age-estimation": r"\bage[\s-]+(?:estimation|detection|recognition)\b|"
    r"estimat\w*\s+(?:[\w'\u2019]+\s+){0,3}age\b",
    "demographic-detection": r"\bdemographic|\bethnicit",
    "audio-recording": r"\baudio\b|record\w*\s+(?:\w+\s+){0,3}(?:sound|speech|conversations?)\b|"
    r"\bmicrophones?\b|"
    r"sound[\s-]+recording",
}
CAPABILITY = {slug: re.compile(pattern, re.IGNORECASE) for slug, pattern in CAPABILITIES.items()}


def _answered_capability(unit: Unit, asked: list[str]) -> Iterator[Suggestion]:
    answer = ANSWER.match(unit.flat)
    if not answer:
        return
    status = "yes" if answer.group("word").lower() in ("yes", "ie") else "no"
    evidence = unit.evidence(answer.start("word"), answer.end("word"))
    for slug in asked:
        yield Suggestion("capability", {"capability": slug, "status": status}, evidence, unit.index)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in CLAUSE_BREAK.finditer(text):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    return spans


def vendor_statements(found: list[Unit], lexicon: Lexicon) -> Iterator[Suggestion]:
    question: tuple[Unit, list[str]] | None = None
    for unit in found:
        flat = unit.flat
        mentions = lexicon.mentions(flat)
        if unit.is_question:
            question = (unit, [m.vendor for m in mentions])
            for mention in mentions:
                yield _vendor(unit, mention.vendor, mention.manufacturer, "mentioned", mention)
            continue
        if not mentions and question:
            yield from _answered_vendor(unit, question[1], lexicon)
        if not LABEL_ONLY.match(unit.text):
            question = None  # a question is answered by the next sentence, or not at all
        for mention in mentions:
            status = "held" if unit.row else _vendor_status(flat, mention.start, mention.end)
            yield _vendor(unit, mention.vendor, mention.manufacturer, status, mention)


def _vendor(unit: Unit, vendor: str, maker: str, status: str, mention: object) -> Suggestion:
    start, end = getattr(mention, "start", 0), getattr(mention, "end", len(unit.text))
    value = {"vendor": vendor, "manufacturer": maker, "status": status,
             "as_written": unit.text[start:end]}  # fmt: skip
    return Suggestion("vendor", value, unit.evidence(start, end), unit.index)


def _vendor_status(flat: str, start: int, end: int) -> str:
    if UNCERTAIN.search(flat):
        return "mentioned"
    for clause_start, clause_end in _clauses(flat):
        if clause_start <= start < clause_end:
            before = flat[clause_start:start]
            after = flat[end:clause_end]
            negated = bool(NEGATION.search(before)) or bool(NEGATED_AFTER.search(after))
            clause = flat[clause_start:clause_end]
            if negated and ABOUT_INFORMATION.search(clause):
                return "mentioned"  # "we hold no information about Dahua"
            if negated and any(p.search(clause) for p in CAPABILITY.values()):
                return "held"  # "none of our Hikvision cameras have facial recognition"
            return "not_held" if negated else "held"
    return "held"


def _answered_vendor(unit: Unit, asked: list[str], lexicon: Lexicon) -> Iterator[Suggestion]:
    answer = ANSWER.match(unit.flat)
    if not answer or not asked:
        return
    word = answer.group("word").lower()
    span = (answer.start("word"), answer.end("word"))
    if word in ("yes", "ie") and len(set(asked)) == 1:
        vendor = asked[0]
        yield _answer(unit, vendor, lexicon.makers.get(vendor, vendor), "held", span)
    elif word in ("no", "none", "nil", "na"):
        for vendor in dict.fromkeys(asked):
            yield _answer(unit, vendor, lexicon.makers.get(vendor, vendor), "not_held", span)


def _answer(unit: Unit, vendor: str, maker: str, status: str, span: tuple[int, int]) -> Suggestion:
    value = {"vendor": vendor, "manufacturer": maker, "status": status, "as_written": ""}
    return Suggestion("vendor", value, unit.evidence(*span), unit.index)


def capability_statements(found: list[Unit]) -> Iterator[Suggestion]:
    asked: list[str] = []
    for unit in found:
        flat = unit.flat
        named = [(slug, m) for slug, p in CAPABILITY.items() if (m := p.search(flat))]
        if unit.is_question:
            asked = [slug for slug, _ in named]
            continue
        if not named and asked:
            yield from _answered_capability(unit, asked)
        if not LABEL_ONLY.match(unit.text):
            asked = []
        if UNCERTAIN.search(flat):
            continue
        status = "no" if NEGATION.search(flat) else "yes"
        for slug, match in named:
            value = {"capability": slug, "status": status}
            yield Suggestion("capability", value, unit.evidence(*match.span()), unit.index)

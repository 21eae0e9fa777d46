"""A first reading of a reply: what it most likely means for the request's state, with the
words that say so. Pure: no Django.

It acts only when one reading is clear, as MuckRock's classifier does; anything else is
left for a person (the request is flagged). The response-coding step reads replies in
depth later; this only keeps a campaign's states moving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camwatch.foi.states import State


@dataclass(frozen=True)
class Reading:
    kind: str  # acknowledgement, clarification, ncnd, not_held, refused, partly, provided, unclear
    state: State | None  # None: leave the state alone
    confident: bool
    evidence: str  # the words relied on, quoted from the reply

    @property
    def note(self) -> str:
        if not self.evidence:
            return f"read as {self.kind}"
        return f'read as {self.kind}: "{self.evidence}"'


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


NCND = _any(r"neither\s+confirm\w*\s+n?or\s+den(?:y|ies|ied)")
CLARIFY = _any(
    r"(?:please|could you|can you|would you)\s+(?:\w+\s+){0,3}clarify",
    r"requires?\s+(?:further\s+)?clarification",
    r"section\s+1\s*\(\s*3\s*\)",
    r"before\s+we\s+can\s+(?:process|proceed|deal)",
)
ACKNOWLEDGE = _any(
    r"(?:we|i)\s+(?:acknowledge|confirm)\s+(?:the\s+)?receipt",
    r"(?:this|your)\s+(?:email|request)\s+(?:has\s+been|was)\s+(?:received|logged)",
    r"thank\s+you\s+for\s+your\s+request.{0,80}(?:will|should)\s+(?:respond|reply)",
)
NOT_HELD = _any(
    r"(?:do|does)\s+not\s+hold\s+(?:the|this|that|any|such)?\s*(?:recorded\s+)?information",
    r"information\s+(?:is|was)\s+not\s+held",
    r"not\s+held\s+by\s+(?:the|this)\s+(?:council|force|authority|trust|university|school)",
)
REFUSE = _any(
    r"(?:is|are)\s+(?:being\s+)?(?:withheld|exempt)",
    r"(?:refuse|refusing|decline)\w*\s+(?:to\s+(?:provide|disclose|release|comply)|your\s+request)",
    r"exceed\w*\s+the\s+appropriate\s+limit",
    r"section\s+1[24]\b",
    r"vexatious",
    r"refusal\s+notice",
)
PROVIDE = _any(
    r"please\s+find\s+(?:attached|enclosed|below)",
    r"(?:our|the)\s+response\s+(?:is|to\s+your\s+request)",
    r"(?:answers?|responses?)\s+to\s+your\s+(?:questions|request)\s+(?:are|is|below|as\s+follows)",
    r"(?:we|i)\s+(?:can\s+)?confirm\s+that\s+(?:the\s+)?(?:council|force|authority|trust)",
    r"in\s+response\s+to\s+your\s+(?:questions?|request)",
)
ACKNOWLEDGEMENT_MOST_CHARS = 1500
PARTLY = _any(
    r"some\s+of\s+the\s+information", r"in\s+part", r"partially", r"remaining\s+information"
)


def _quote(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    if found is None:
        return ""
    start = text.rfind(".", 0, found.start()) + 1
    end = text.find(".", found.end())
    sentence = text[start : end + 1 if end != -1 else len(text)]
    return " ".join(sentence.split())[:300]


def classify(text: str, attachments: int = 0) -> Reading:
    """What a reply most likely says, from its text and whether it attaches anything."""
    if NCND.search(text):
        return Reading("ncnd", State.NEITHER_CONFIRM_NOR_DENY, True, _quote(NCND, text))
    if CLARIFY.search(text) and not PROVIDE.search(text):
        return Reading("clarification", State.WAITING_CLARIFICATION, True, _quote(CLARIFY, text))
    refused, provided = REFUSE.search(text), PROVIDE.search(text) or attachments
    if ACKNOWLEDGE.search(text) and not attachments and not refused:
        # Acknowledgements are short; a long letter that also acknowledges is read by a person.
        short = len(text) <= ACKNOWLEDGEMENT_MOST_CHARS
        return Reading("acknowledgement", None, short, _quote(ACKNOWLEDGE, text))
    if NOT_HELD.search(text) and not provided and not refused:
        return Reading("not_held", State.NOT_HELD, True, _quote(NOT_HELD, text))
    if refused and provided:
        clear = bool(PARTLY.search(text))
        return Reading("partly", State.PARTIALLY_SUCCESSFUL, clear, _quote(REFUSE, text))
    if refused:
        return Reading("refused", State.REJECTED, True, _quote(REFUSE, text))
    if provided:
        if PARTLY.search(text):
            return Reading("partly", State.PARTIALLY_SUCCESSFUL, True, _quote(PARTLY, text))
        return Reading("provided", State.SUCCESSFUL, True, _quote(PROVIDE, text))
    return Reading("unclear", None, False, "")

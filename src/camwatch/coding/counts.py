"""Device counts from prose ("we operate 241 cameras", "47 static and 9 PTZ") and from
tables ("Make | Model | Qty"), model codes, and totals against their parts. Pure.

Prose is read as tokens: from each device noun, back over the words that may qualify it
(types, vendor names, model codes, "of our") to the number, then to any coordinated number
before it ("47 static and 9 PTZ cameras"). A number reached any other way is not a count,
which keeps years, money, hours and section numbers out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from camwatch.coding.lexicon import Lexicon, fold
from camwatch.coding.spans import Unit
from camwatch.coding.suggestions import Suggestion


def _words(text: str) -> list[str]:
    return text.split()


NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
MODEL = re.compile(
    r"(?<![\w-])(?:i?DS-\d[A-Z0-9]{2,}(?:[-/][A-Z0-9]+)*|(?:DHI?-)?(?:IPC|SD|HAC|PFM|VTO|HCVR|XVR|"
    r"NVR)-?[A-Z]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*)(?![\w-])"
)
TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+|[A-Za-z][A-Za-z'\u2019]*(?:-[A-Za-z]+)*|\S")
QUALIFIERS = frozenset(
    _words(
        "cctv static fixed ptz pan tilt zoom dome bullet ip thermal anpr body worn bwv internal "
        "external indoor outdoor additional further new existing public space town centre "
        "center mobile redeployable re-deployable deployable rapid digital network analogue "
        "analog hd video surveillance security individual separate operational live active "
        "working installed covert overt traffic enforcement car park parking site of our the "
        "its these those which council force trust school university college static-position "
        "fixed-position wireless hybrid camera"
    )
)
NOUNS = {
    "camera": "camera", "cameras": "camera", "cams": "camera", "nvr": "nvr", "nvrs": "nvr",
    "dvr": "dvr", "dvrs": "dvr", "recorder": "recorder", "recorders": "recorder",
    "bwv": "body-worn", "devices": "", "units": "", "video": "",
}  # fmt: skip
NOT_A_COUNT_BEFORE = frozenset({"£", "$", "€", "section", "sections", "s", "ss", "no", "ref"})
COORDINATORS = frozenset({"and", ",", "&", "plus"})
VENDOR_AFTER_TOKENS = 10
COPULAS = frozenset({"are", "were"})  # "87 are Dahua cameras", "37 of which are PTZ cameras"
QTY_HEADER = re.compile(
    r"^(?:qty|quantity|quantities|number|no\.?|nos\.?|count|units|amount|how many|total units|"
    r"number of \w+(?: \w+)?|no\. of \w+|total number|nifer|devices|cameras)$",
    re.IGNORECASE,
)
MAKE_HEADER = re.compile(r"^(?:make|manufacturer|vendor|brand|supplier|gwneuthurwr)\b", re.I)
MODEL_HEADER = re.compile(r"^(?:model|model (?:no\.?|number|code)|part|product)\b", re.I)
TYPE_HEADER = re.compile(
    r"^(?:device|description|equipment|item|category)\b|\btype\b|^math\b", re.IGNORECASE
)
TOTAL_ROW = re.compile(r"^\s*(?:grand\s+)?(?:total|cyfanswm)\b", re.IGNORECASE)


@dataclass
class Token:
    text: str
    start: int
    end: int
    vendor: str | None = None
    model: str | None = None

    @property
    def word(self) -> str:
        return self.text.lower()

    @property
    def number(self) -> int | None:
        if self.text[0].isdigit():
            return int(self.text.replace(",", ""))
        return NUMBER_WORDS.get(self.word)


def device_type(words: list[str], noun: str = "camera") -> str:
    """The vocabulary slug for a noun and the words that qualify it."""
    joined = " ".join(words).lower().replace("-", " ")
    if noun == "recorder" and "network video" in joined:
        return "nvr"
    if noun == "recorder" and "digital video" in joined:
        return "dvr"
    if noun not in ("camera", ""):
        return noun
    for needle, slug in (
        ("body worn", "body-worn"), ("bwv", "body-worn"), ("anpr", "anpr"),
        ("thermal", "thermal-camera"), ("ptz", "ptz-camera"), ("pan tilt", "ptz-camera"),
        ("dome", "dome-camera"), ("static", "fixed-camera"), ("fixed", "fixed-camera"),
    ):  # fmt: skip
        if needle in joined.split() or (" " in needle and needle in joined):
            return slug
    if "ip" in joined.split():
        return "ip-camera"
    return "camera"


def model_type(code: str) -> str:
    upper = code.upper()
    if re.match(r"I?DS-(?:76|77|96)", upper) or re.match(r"(?:DHI?-)?NVR", upper):
        return "nvr"
    if re.match(r"I?DS-(?:71|72|73|90)", upper) or re.match(r"(?:DHI?-)?(?:XVR|HCVR)", upper):
        return "dvr"
    return "camera"


def tokens(unit: Unit, lexicon: Lexicon) -> list[Token]:
    flat = unit.flat
    spans: list[tuple[int, int, str | None, str | None]] = [
        (m.start, m.end, m.vendor, None) for m in lexicon.mentions(flat)
    ]
    spans += [(m.start(), m.end(), None, m.group(0)) for m in MODEL.finditer(flat)]
    out: list[Token] = []
    for match in TOKEN.finditer(flat):
        covering = next((s for s in spans if s[0] <= match.start() < s[1]), None)
        if covering is None:
            out.append(Token(match.group(0), match.start(), match.end()))
        elif not out or out[-1].start != covering[0]:
            start, end, vendor, model = covering
            out.append(Token(flat[start:end], start, end, vendor, model))
    return out


def prose_counts(unit: Unit, lexicon: Lexicon) -> Iterator[Suggestion]:
    if unit.row or unit.is_question:
        return
    found = tokens(unit, lexicon)
    vendors = {t.vendor for t in found if t.vendor}
    for index, token in enumerate(found):
        noun = NOUNS.get(token.word)
        if noun is None or token.model or token.vendor or _noun_follows(found, index):
            continue
        for first, number, qualifiers in _numbers_before(found, index):
            kind = device_type([q.text for q in qualifiers] + [token.text], noun)
            if noun == "" and kind == "camera" and not any(q.word == "camera" for q in qualifiers):
                continue  # "40 devices" says nothing about what they are
            vendor = next((q.vendor for q in qualifiers if q.vendor), None)
            vendor = vendor or _vendor_after(found, index)
            vendor = vendor or (next(iter(vendors)) if len(vendors) == 1 else None)
            model = next((q.model for q in qualifiers if q.model), None)
            value = {"device_type": kind, "vendor": vendor, "count": number, "model": model}
            yield Suggestion("count", value, unit.evidence(first.start, token.end), unit.index)


def _numbers_before(found: list[Token], noun: int) -> Iterator[tuple[Token, int, list[Token]]]:
    """(number token, its value, its qualifiers) for each number that counts the noun."""
    position = noun - 1
    while position >= 0:
        qualifiers: list[Token] = []
        while position >= 0 and _qualifies(found[position]):
            qualifiers.insert(0, found[position])
            position -= 1
        if position < 0 or found[position].number is None:
            return
        number = found[position]
        before = found[position - 1].word if position > 0 else ""
        if before in NOT_A_COUNT_BEFORE or _looks_like_year(number) or number.number == 0:
            return
        if not number.text[0].isdigit() and qualifiers and qualifiers[0].word == "of":
            return  # "one of the cameras" is not a count of one
        assert number.number is not None
        yield number, number.number, qualifiers
        if position < 2 or found[position - 1].word not in COORDINATORS:
            return
        position -= 2


def _vendor_after(found: list[Token], noun: int) -> str | None:
    """ "49 cameras were supplied by Hi-Look", "38 cameras in the halls are made by Dahua":
    a maker named after the noun, before the clause ends."""
    for position in range(noun + 1, min(noun + 1 + VENDOR_AFTER_TOKENS, len(found))):
        token = found[position]
        if token.text in (",", ";", ".", ":") or token.word in ("and", "but", "while"):
            return None
        if token.vendor:
            previous = found[position - 1].word
            return token.vendor if previous in ("by", "are", "were", "is", "from") else None
    return None


def _noun_follows(found: list[Token], index: int) -> bool:
    """'camera units', 'body worn video devices': the last noun counts, once."""
    return index + 1 < len(found) and found[index + 1].word in NOUNS


def _qualifies(token: Token) -> bool:
    if token.vendor or token.model or token.word in COPULAS or token.word in QUALIFIERS:
        return True
    return all(part in QUALIFIERS for part in token.word.split("-"))


def _looks_like_year(token: Token) -> bool:
    return token.text.isdigit() and len(token.text) == 4 and 1980 <= int(token.text) <= 2039


def models(unit: Unit, lexicon: Lexicon) -> Iterator[Suggestion]:
    flat = unit.flat
    for match in MODEL.finditer(flat):
        yield model_suggestion(unit, lexicon, match.group(0), match.start(), match.end())


def model_suggestion(unit: Unit, lexicon: Lexicon, code: str, start: int, end: int) -> Suggestion:
    vendor = lexicon.models.get(fold(code))
    if vendor is None and re.match(r"i?DS-", code):
        vendor = "hikvision"
    elif vendor is None and MODEL.fullmatch(code):
        vendor = "dahua"
    value = {"code": code, "vendor": vendor, "known": fold(code) in lexicon.models}
    return Suggestion("model", value, unit.evidence(start, end), unit.index)

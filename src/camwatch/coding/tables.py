"""Counts from tables: rows under a header that names a quantity column. Rows come as
tab-separated lines (every structured format) or, from a PDF's text layer, as plain lines
under a header line such as "Make Model Qty". Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from camwatch.coding import counts
from camwatch.coding.counts import (
    MAKE_HEADER,
    MODEL,
    MODEL_HEADER,
    NOUNS,
    QTY_HEADER,
    TOTAL_ROW,
    TYPE_HEADER,
    device_type,
    model_type,
)
from camwatch.coding.lexicon import Lexicon
from camwatch.coding.spans import Unit, cell_spans
from camwatch.coding.suggestions import Suggestion

HEADER_WORDS = re.compile(
    r"\b(?:make|manufacturer|model|type|description|location|site|device|equipment|item|"
    r"brand|vendor|camera|cameras)\b",
    re.IGNORECASE,
)
QTY_WORD = re.compile(r"\b(?:qty|quantity|number|count|units|total)\b|\bno\.(?!\w)", re.I)
MOST_HEADER_WORDS = 10
MOST_ROW_WORDS = 14
# Any maker's model code in a text row: letters and digits in hyphenated parts (NDE-5503-AL).
GENERIC_CODE = re.compile(
    r"(?<![\w-])(?=[A-Z0-9./-]*\d)(?=[A-Z0-9./-]*[A-Z])[A-Z0-9.]+(?:[-/][A-Z0-9.]+)+"
)
TYPE_WORDS = frozenset(NOUNS) | {
    "dome", "ptz", "static", "fixed", "bullet", "thermal", "anpr", "body", "worn", "ip",
    "network", "digital",
}  # fmt: skip
DATED_LINE = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|as\s+at|as\s+of|in|since)\s+(?:19[89]\d|20[0-3]\d)\s*\.?$",
    re.IGNORECASE,
)
INTEGER = re.compile(r"^\d{1,3}(?:,\d{3})*$|^\d+$")


@dataclass
class Header:
    qty: int | None  # column index; None for a text header (count is the last number)
    make: int | None = None
    model: int | None = None
    kind: int | None = None
    default_type: str = "camera"


def table_suggestions(found: list[Unit], lexicon: Lexicon) -> Iterator[Suggestion]:
    header: Header | None = None
    parts: list[Suggestion] = []
    for unit in found:
        new = _header(unit)
        if new is not None:
            header, parts = new, []
            continue
        if header is None:
            continue
        if unit.row != (header.qty is not None) or not _row_like(unit):
            header = None
            continue
        if TOTAL_ROW.match(unit.text):
            yield from _total(unit, header, parts)
            header = None
            continue
        if header.model is not None:
            yield from _model_cell(unit, header.model, lexicon)
        elif not unit.row:
            yield from _text_row_model(unit, lexicon)
        count = _row_count(unit, header, lexicon)
        if count is not None:
            parts.append(count)
            yield count


def _header(unit: Unit) -> Header | None:
    if unit.row:
        cells = [cell.lower() for cell in unit.cells]
        qty = _column(cells, QTY_HEADER)
        if qty is None or any(INTEGER.match(cell) for cell in cells):
            return None
        noun = next((NOUNS[w] for w in re.split(r"[\s/]+", cells[qty]) if NOUNS.get(w)), "camera")
        return Header(
            qty,
            make=_column(cells, MAKE_HEADER),
            model=_column(cells, MODEL_HEADER),
            kind=_column(cells, TYPE_HEADER),
            default_type=noun,
        )
    words = unit.text.split()
    sentence_end = unit.text.rstrip().endswith((".", "?")) and words[-1].lower() != "no."
    if len(words) > MOST_HEADER_WORDS or sentence_end:
        return None
    headed = QTY_WORD.search(unit.text) and HEADER_WORDS.search(unit.text)
    if headed and not any(INTEGER.match(word) for word in words):
        return Header(None)
    return None


def _column(cells: list[str], pattern: re.Pattern[str]) -> int | None:
    """The column whose heading, or one language of a bilingual "Nifer / Quantity" heading,
    matches: one that starts with the word first."""
    starts: list[int] = []
    inside: list[int] = []
    for index, cell in enumerate(cells):
        parts = [part.strip() for part in cell.split("/")]
        if any(pattern.match(part) for part in parts):
            starts.append(index)  # "Type" beats "Site type"
        elif any(pattern.search(part) for part in parts):
            inside.append(index)  # "Camera type"
    found = starts or inside
    return found[0] if found else None


def _row_like(unit: Unit) -> bool:
    if unit.row:
        return True
    words = unit.text.split()
    return len(words) <= MOST_ROW_WORDS and bool(words) and bool(INTEGER.match(words[-1]))


def _cell(unit: Unit, index: int | None) -> tuple[str, int, int]:
    """The cell's text and its offsets within the unit, or the whole row for a text row."""
    if index is None:
        return unit.text, 0, len(unit.text)
    cells = cell_spans(unit.text)
    return cells[index] if index < len(cells) else ("", 0, 0)


def _row_count(unit: Unit, header: Header, lexicon: Lexicon) -> Suggestion | None:
    qty = unit.text.split()[-1] if header.qty is None else _cell(unit, header.qty)[0]
    if not INTEGER.match(qty) or int(qty.replace(",", "")) == 0:
        return None
    if header.qty is None and _dated(unit.text):
        return None  # "Information correct as at March 2023" under a text table
    make = _cell(unit, header.make)[0] if header.make is not None else unit.text
    vendor = lexicon.vendor_of(make)
    model = _model_code(unit, header)
    kind_text = _cell(unit, header.kind)[0] if header.kind is not None else ""
    if header.qty is None:
        kind_text = _type_words(unit.flat)
    kind = _row_type(kind_text, model, header)
    value = {"device_type": kind, "vendor": vendor, "count": int(qty.replace(",", "")),
             "model": model}  # fmt: skip
    return Suggestion("count", value, unit.evidence(), unit.index)


def _type_words(text: str) -> str:
    """The words of a text row that say what the device is ("Bullet camera", "Dome",
    "NVR"), for a PDF table whose cells ran together."""
    words = [w for w in re.split(r"[\s/]+", text.lower()) if w in TYPE_WORDS]
    return " ".join(words)


def _model_cell(unit: Unit, index: int, lexicon: Lexicon) -> Iterator[Suggestion]:
    code, start, end = _cell(unit, index)
    if code and not MODEL.fullmatch(code) and any(c.isdigit() for c in code):
        # Hikvision and Dahua codes are found in every unit already; this adds the rest.
        yield counts.model_suggestion(unit, lexicon, code, start, end)


def _text_row_model(unit: Unit, lexicon: Lexicon) -> Iterator[Suggestion]:
    if MODEL.search(unit.flat):
        return  # found with every unit's Hikvision and Dahua codes
    found = GENERIC_CODE.search(unit.flat)
    if found:
        yield counts.model_suggestion(unit, lexicon, found.group(0), *found.span())


def _dated(text: str) -> bool:
    """A text row whose last number is a year after a month or "as at": a date, not a count."""
    return bool(DATED_LINE.search(text))


def _model_code(unit: Unit, header: Header) -> str | None:
    if header.model is not None:
        code = _cell(unit, header.model)[0]
        return code or None
    found = MODEL.search(unit.flat) or GENERIC_CODE.search(unit.flat)
    return found.group(0) if found else None


def _row_type(kind_text: str, model: str | None, header: Header) -> str:
    """From the row's type cell ("Dome", "PTZ camera", "Network video recorder"), else its
    model code, else the quantity column's own noun."""
    words = kind_text.lower().replace("/", " ").split()
    if words:
        noun = next((NOUNS[w] for w in words if NOUNS.get(w)), None)
        return device_type(words, noun or "camera")
    if model:
        return model_type(model)
    return header.default_type


def _total(unit: Unit, header: Header, parts: list[Suggestion]) -> Iterator[Suggestion]:
    numbers = [w for w in unit.flat.split() if INTEGER.match(w)]
    if not numbers:
        return
    stated = int(numbers[-1].replace(",", ""))
    summed = sum(int(part.value["count"]) for part in parts)
    value = {"stated": stated, "parts": summed, "agrees": stated == summed, "rows": len(parts)}
    yield Suggestion("total", value, unit.evidence(), unit.index)

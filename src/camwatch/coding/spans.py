"""Evidence and the units extraction reads: sentences of running text and rows of tables,
each an exact span of a page's text. Pure: no Django.

PDF text layers and OCR break lines wherever the page did, so a long line that does not end
a sentence is joined to the next; short unpunctuated lines (headings, "Our ref: ...") and
labelled lines ("Q1.", "Answer:") stand alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camwatch.coding.documents import CELL_SEPARATOR, Reading

WRAPPED_LINE_CHARS = 60  # a line at least this long that ends mid-sentence was wrapped
LABEL = re.compile(
    r"^\s*(?:[-\u2022*]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)]\s|Q\s?\d+|A\s?\d+|Question|Answer|Response|"
    r"Request|Reply|Ateb|Cwestiwn)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\u201d\u2019]?\s+(?=[A-Z0-9\"'(\u201c\u2018])")
NOT_AN_END = re.compile(
    r"(?:\b(?:s|ss|no|nos|e\.g|i\.e|ref|mr|mrs|ms|dr|approx|etc|para|reg|sec|art|vs|cf|st)\."
    # a list's "1." or a label's "Q2." opens a sentence; "in 2019." ends one
    r"|\b[A-Z]\.|^\s*(?:[QA]|Question|Answer|Cwestiwn|Ateb)?\s*\(?\d{1,2}[.)])$",
    re.IGNORECASE,
)
QUESTION_START = re.compile(
    r"^\s*(?:\(?Q\s?\d+\b|Question\s*\d*\b|Cwestiwn|Request\s*\d+\b|You\s+asked|"
    r"Your\s+request|In\s+your\s+request|Please\s+(?:provide|state|confirm|list|tell|advise|"
    r"supply|send|disclose|give|indicate|detail|specify)|(?:\d{1,2}[.)]\s*)?(?:Do|Does|Did|Is|"
    r"Are|Has|Have|How\s+many|Which|What|Where|When|Can)\b)",
    re.IGNORECASE,
)

RESTATED = re.compile(
    r"(?:^\W*|\b(?:in\s+which|where|which)\s+)you\s+(?:also\s+|further\s+|then\s+)?"
    r"(?:asked|requested|wanted|enquired|sought)\b|\byour\s+(?:request|email|letter|"
    r"enquiry|questions?)\s+(?:of|dated|for|about|regarding|concerning|relating|asking|received|"
    r"which)\b|\byour\s+(?:request|email|letter|enquiry)\s+(?:under|made\s+under)\s+[^.]{0,70}?"
    r"\b(?:about|for|regarding|concerning|relating\s+to|asking)\b|\brefer\s+to\s+your\b|"
    r"^\s*(?:request|your\s+request|re|subject)\s*:",
    re.IGNORECASE,
)


# A request quoted after a colon ("you asked: 'Please provide ... Dahua.'"), however many
# sentences it runs to: it ends at a closing quote after the end of a sentence.
QUOTED = re.compile(r":\s*['\u2018\u201c\"](.{3,3000}?[.?!)])['\u2019\u201d\"](?=\s|$)", re.DOTALL)


@dataclass(frozen=True)
class Evidence:
    document: str
    page: int
    start: int
    end: int
    quote: str

    def as_dict(self) -> dict[str, object]:
        return {
            "document": self.document,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Unit:
    """A sentence or a table row, with where it is."""

    document: str
    page: int
    start: int
    end: int
    text: str  # the page's text over [start, end): the quote
    row: bool = False  # a table row: cells separated by tabs
    index: int = 0  # position in the reading order of the whole file
    quoted: bool = False  # inside a request quoted back to the requester

    @property
    def flat(self) -> str:
        """The text with line breaks as spaces: same length, so offsets still hold."""
        return self.text.replace("\n", " ").replace(CELL_SEPARATOR, " ").replace("|", " ")

    @property
    def cells(self) -> list[str]:
        return [cell for cell, _, _ in cell_spans(self.text)]

    @property
    def is_question(self) -> bool:
        """The requester's words: a question, or the request restated ("You asked for the
        number of cameras made by Hikvision or Dahua")."""
        text = self.text.strip()
        if self.row:
            return False
        if self.quoted:
            return True
        return text.endswith("?") or bool(QUESTION_START.match(text) or RESTATED.search(text))

    def evidence(self, start: int = 0, end: int | None = None) -> Evidence:
        """Evidence for [start, end) of this unit (the whole unit by default)."""
        end = len(self.text) if end is None else end
        return Evidence(
            self.document, self.page, self.start + start, self.start + end, self.text[start:end]
        )


def is_row(line: str) -> bool:
    """A table row: tab-separated cells (every structured format), or a plain-text table
    drawn with pipes ("Hikvision | DS-2CD2143G0-I | 40")."""
    return CELL_SEPARATOR in line or line.count("|") >= 2


def cell_spans(text: str) -> list[tuple[str, int, int]]:
    """Each cell's stripped text and its [start, end) within the row."""
    separator = CELL_SEPARATOR if CELL_SEPARATOR in text else "|"
    spans, offset = [], 0
    for raw in text.split(separator):
        lead = len(raw) - len(raw.lstrip())
        spans.append((raw.strip(), offset + lead, offset + lead + len(raw.strip())))
        offset += len(raw) + 1
    if separator == "|":  # a border at either end is not a cell
        spans = spans[1:] if spans and not spans[0][0] and text.lstrip().startswith("|") else spans
        spans = spans[:-1] if spans and not spans[-1][0] and text.rstrip().endswith("|") else spans
    return spans


def units(reading: Reading) -> list[Unit]:
    out: list[Unit] = []
    for document in reading.documents:
        for number, page in enumerate(document.pages, start=1):
            quotes = [match.span(1) for match in QUOTED.finditer(page)]
            for start, end, row in _blocks(page):
                for s, e in [(start, end)] if row else _sentences(page, start, end):
                    quoted = any(q_start <= s < q_end for q_start, q_end in quotes)
                    unit = Unit(document.name, number, s, e, page[s:e], row, len(out), quoted)
                    out.append(unit)
    return out


def _blocks(page: str) -> list[tuple[int, int, bool]]:
    """Runs of lines that belong together: a table row alone, wrapped prose joined."""
    blocks: list[tuple[int, int, bool]] = []
    position = 0
    open_block: tuple[int, int] | None = None
    for line in page.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        stripped = line.strip()
        if is_row(line) or not stripped:
            if open_block:
                blocks.append((*open_block, False))
                open_block = None
            if stripped:
                blocks.append((start, end, True))
            continue
        if open_block and _continues(page[open_block[0] : open_block[1]], stripped):
            open_block = (open_block[0], end)
        else:
            if open_block:
                blocks.append((*open_block, False))
            open_block = (start + len(line) - len(line.lstrip()), end)
    if open_block:
        blocks.append((*open_block, False))
    return blocks


def _continues(previous: str, line: str) -> bool:
    last = previous.rsplit("\n", 1)[-1].rstrip()
    if LABEL.match(line) or last.endswith((".", "?", "!", ":", ";")):
        return False
    return len(last) >= WRAPPED_LINE_CHARS or line[:1].islower()


def _sentences(page: str, start: int, end: int) -> list[tuple[int, int]]:
    text = page[start:end]
    spans = []
    cursor = 0
    for match in SENTENCE_END.finditer(text):
        if NOT_AN_END.search(text[cursor : match.start()]):
            continue
        spans.append((start + cursor, start + match.start()))
        cursor = match.end()
    spans.append((start + cursor, end))
    return [(s, e) for s, e in spans if page[s:e].strip()]

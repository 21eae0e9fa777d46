"""A document's pages as HTML with every suggestion's evidence marked, for the review
page. Evidence spans overlap (a vendor name inside a counted phrase), so the text is cut at
every span boundary and each piece is marked with all the suggestions that cover it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from camwatch.coding.models import Document, Suggestion


@dataclass
class Page:
    part: str
    number: int
    html: SafeString


def pages(document: Document, suggestions: Iterable[Suggestion]) -> list[Page]:
    by_page: dict[tuple[str, int], list[Suggestion]] = {}
    for suggestion in suggestions:
        by_page.setdefault((suggestion.part, suggestion.page), []).append(suggestion)
    out = []
    for part in document.parts:
        for number, text in enumerate(part["pages"], start=1):
            marked = by_page.get((part["name"], number), [])
            out.append(Page(part["name"], number, marked_html(text, marked)))
    return out


def marked_html(text: str, suggestions: list[Suggestion]) -> SafeString:
    cuts = sorted({0, len(text), *(s.start for s in suggestions), *(s.end for s in suggestions)})
    first_piece: set[int] = set()
    pieces = []
    for start, end in pairwise(cuts):
        covering = [s for s in suggestions if s.start <= start and end <= s.end]
        chunk = escape(text[start:end])
        if not covering:
            pieces.append(chunk)
            continue
        ids = " ".join(str(s.pk) for s in covering)
        anchors = "".join(
            f'<span id="evidence-{s.pk}"></span>' for s in covering if s.pk not in first_piece
        )
        first_piece.update(s.pk for s in covering)
        pieces.append(f'{anchors}<mark class="evidence" data-suggestions="{ids}">{chunk}</mark>')
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above

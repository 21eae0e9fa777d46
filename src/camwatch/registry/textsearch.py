"""Search text for names: folded so that "Hammersmith & Fulham" and "hammersmith and
fulham" meet, and portable across SQLite and PostgreSQL (plain substring matches on
a stored, pre-folded column)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a public body's name; "&" and "and" must meet.
STOP_WORDS = frozenset({"and", "of", "the"})


def fold(text: str) -> str:
    """Lower case, accents removed, "&" read as "and"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def search_document(parts: Iterable[str | None]) -> str:
    """The text stored beside a record: every word of every part, space-separated,
    with a leading and trailing space so that a term can be matched at a word start."""
    found: list[str] = []
    for part in parts:
        if part:
            found.extend(words(part))
    return " " + " ".join(found) + " "


def query_terms(query: str, limit: int) -> list[str]:
    """The terms of a user's query, each to be matched at the start of a word.

    Stop words are dropped unless they are all there is; at most `limit` terms are
    kept so that a pasted paragraph cannot become a query of a hundred LIKEs.
    """
    terms = words(query)
    meaningful = [term for term in terms if term not in STOP_WORDS]
    return (meaningful or terms)[:limit]

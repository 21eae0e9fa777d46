"""Template filters for evidence: dates as precise as their source, counts with their
qualifiers, and links to the other formats of a page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from camwatch.registry.dates import PartialDate, Precision

register = template.Library()


@register.filter
def partial_date(obj: Any, field: str) -> str:
    """`{{ holding|partial_date:"as_of" }}` -> "June 2023" (only as precise as recorded)."""
    start = getattr(obj, field, None)
    if start is None:
        return ""
    precision = getattr(obj, f"{field}_precision", "") or Precision.DAY
    return PartialDate(start, Precision(precision)).display()


QUALIFIER_WORDS = {"at_least": "at least ", "at_most": "at most ", "approximately": "about "}


@register.filter
def qualifier_words(qualifier: str) -> str:
    """ "at_least" -> "at least " (with its space); "exact" -> ""."""
    return QUALIFIER_WORDS.get(qualifier, "")


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.filter
def status_words(status: str) -> str:
    """A ledger status as words: "not_reproducible" -> "not reproducible"."""
    return status.replace("_", " ")


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = float(value)
    return f"{number:g}%"


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    """`{{ row|get:column }}`: a value from a dict by a variable key."""
    return row.get(key)


@register.simple_tag
def svg(markup: str) -> SafeString:
    """Charts come from registry.charts, which escapes every label it draws."""
    return mark_safe(markup)  # noqa: S308

"""ISO 4217 currency codes, checked against pycountry's copy of the standard. Pure: no Django.

A contract's value means nothing without its currency, and a typo in one ("GPB") would
otherwise be summed with pounds; so an unknown code is an error, never a guess.
"""

from __future__ import annotations

from functools import cache

import pycountry


class CurrencyError(ValueError):
    """A currency code that is not in ISO 4217."""


def check_currency(code: str) -> str:
    """The ISO 4217 alpha-3 code, upper-cased ("gbp" -> "GBP"); CurrencyError if there is
    no such currency."""
    cleaned = code.strip().upper()
    if not _known(cleaned):
        raise CurrencyError(f"unknown currency {code!r} (not an ISO 4217 code)")
    return cleaned


def _known(code: str) -> bool:
    # Only three ASCII letters can be a code: checking that first keeps the cache below
    # bounded (26**3 entries at most) whatever text a file puts in the field.
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        return False
    return _in_standard(code)


@cache
def _in_standard(code: str) -> bool:
    # pycountry searches its table on every call; one notice file repeats a few codes
    # thousands of times.
    return pycountry.currencies.get(alpha_3=code) is not None

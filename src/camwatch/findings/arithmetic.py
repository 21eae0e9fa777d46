"""What a printed percentage can and cannot be.

A percentage printed with k decimal places, over a stated denominator, is produced by
some whole-number numerator or it is not; and it is produced by rounding, by
truncation, or by neither. "66% of 66 colleges" fits no numerator under rounding
(43 gives 65.2%, 44 gives 66.7%) but fits 44 under truncation. Pure Python, exact
decimal arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum


class Fit(StrEnum):
    ROUNDED = "rounded"
    TRUNCATED = "truncated"
    NEITHER = "neither"


def decimals_of(printed: Decimal) -> int:
    """How many decimal places the figure was printed with: 65 -> 0, 73.2 -> 1."""
    exponent = printed.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def plain(printed: Decimal) -> str:
    """A printed figure as it was printed: Decimal("30.000") -> "30"."""
    return f"{printed.normalize():f}"


def _percent(numerator: int, denominator: int) -> Decimal:
    return Decimal(100 * numerator) / Decimal(denominator)


def _shown(value: Decimal, places: int, rounding: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def fit(numerator: int, denominator: int, printed: Decimal) -> Fit:
    """How numerator/denominator becomes the printed percentage, if it does."""
    places = decimals_of(printed)
    exact = _percent(numerator, denominator)
    if _shown(exact, places, ROUND_HALF_UP) == printed:
        return Fit.ROUNDED
    if _shown(exact, places, ROUND_DOWN) == printed:
        return Fit.TRUNCATED
    return Fit.NEITHER


def numerators_for(denominator: int, printed: Decimal) -> dict[Fit, list[int]]:
    """Every whole numerator 0..denominator that prints as `printed`, by how."""
    found: dict[Fit, list[int]] = {Fit.ROUNDED: [], Fit.TRUNCATED: []}
    # Only numerators whose percentage lies within one printed unit of the figure can
    # print as it, by rounding (half a unit below) or truncation (a unit above).
    unit = Decimal(1).scaleb(-decimals_of(printed))
    low = math.floor((printed - unit) * denominator / 100)
    high = math.ceil((printed + unit) * denominator / 100)
    for numerator in range(max(0, low), min(denominator, high) + 1):
        how = fit(numerator, denominator, printed)
        if how is not Fit.NEITHER:
            found[how].append(numerator)
    return found


def denominators_for(numerator: int, printed: Decimal, largest: int) -> list[int]:
    """Denominators up to `largest` over which `numerator` rounds to `printed`:
    251 "about 75 per cent" -> 333 to 336."""
    if printed <= 0:
        return []
    unit = Decimal(1).scaleb(-decimals_of(printed))
    low = math.floor(Decimal(100 * numerator) / (printed + unit))
    high = math.ceil(Decimal(100 * numerator) / max(printed - unit, unit / 2))
    window = range(max(numerator, 1, low), min(largest, high) + 1)
    return [d for d in window if fit(numerator, d, printed) is Fit.ROUNDED]


@dataclass(frozen=True)
class PercentCheck:
    printed: Decimal
    numerator: int
    denominator: int
    fit: Fit

    @property
    def exact(self) -> Decimal:
        return _percent(self.numerator, self.denominator)

    def explain(self) -> str:
        exact = f"{self.numerator}/{self.denominator} = {self.exact:.2f}%"
        printed = plain(self.printed)
        if self.fit is Fit.ROUNDED:
            return f"{exact}, printed {printed}% (rounded)"
        if self.fit is Fit.TRUNCATED:
            rounded = _shown(self.exact, decimals_of(self.printed), ROUND_HALF_UP)
            return f"{exact}, printed {printed}%: truncated, where rounding gives {rounded}%"
        return f"{exact}, which neither rounds nor truncates to the printed {printed}%"


def check_percent(numerator: int, denominator: int, printed: Decimal) -> PercentCheck:
    return PercentCheck(printed, numerator, denominator, fit(numerator, denominator, printed))

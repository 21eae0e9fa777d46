"""Statistics that say what they are a share of.

Every proportion names its denominator's basis (bodies asked, bodies that responded,
bodies that provided the information...) and carries a Wilson score interval, which
behaves at 0% and 100% and on small bases where the normal approximation does not.
Pure Python plus scipy for the normal quantile.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from scipy.stats import norm

BASES = {
    "asked": "bodies asked",
    "responded": "bodies that responded",
    "provided": "bodies that provided the information",
    "subgroup": "a named subgroup of respondents",
    "population": "a wider population",
    "implied": "a base implied by the printed percentage",
    "registry": "bodies in the registry",
}


class StatisticsError(ValueError):
    """A statistic asked for on figures that cannot support it."""


@dataclass(frozen=True)
class Proportion:
    numerator: int
    denominator: int
    basis: str

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise StatisticsError(f"a proportion must name its base, one of {sorted(BASES)}")
        if self.denominator <= 0:
            raise StatisticsError("a proportion needs a denominator of at least 1")
        if not 0 <= self.numerator <= self.denominator:
            raise StatisticsError(f"numerator {self.numerator} is outside 0..{self.denominator}")

    @property
    def share(self) -> float:
        return self.numerator / self.denominator

    @property
    def percent(self) -> float:
        return 100 * self.share

    def wilson(self, confidence: float = 0.95) -> tuple[float, float]:
        """The Wilson score interval for the share, as (low, high) between 0 and 1."""
        if not 0 < confidence < 1:
            raise StatisticsError("confidence must be between 0 and 1")
        z = float(norm.ppf(1 - (1 - confidence) / 2))
        n, p = self.denominator, self.share
        scale = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / scale
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
        return max(0.0, centre - half), min(1.0, centre + half)

    def describe(self, confidence: float = 0.95) -> str:
        low, high = self.wilson(confidence)
        return (
            f"{self.numerator:,} of {self.denominator:,} {BASES[self.basis]} "
            f"({self.percent:.1f}%, {confidence:.0%} interval {100 * low:.1f}%"
            f" to {100 * high:.1f}%)"
        )


@dataclass
class CrossTab:
    """Counts of records by two attributes, with margins."""

    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], int] = field(default_factory=dict)

    def count(self, row: Hashable, column: Hashable) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: Hashable) -> int:
        return sum(self.count(row, column) for column in self.columns)

    def column_total(self, column: Hashable) -> int:
        return sum(self.count(row, column) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def row_share(self, row: Hashable, column: Hashable, basis: str = "registry") -> Proportion:
        """The column's share of the row, e.g. Hikvision's share of police forces."""
        return Proportion(self.count(row, column), self.row_total(row), basis)


def crosstab(records: Iterable[Mapping[str, Hashable]], rows: str, columns: str) -> CrossTab:
    """Count records by two keys; each distinct (row, column) pair counts once per record."""
    cells: Counter[tuple[Hashable, Hashable]] = Counter()
    for record in records:
        cells[(record[rows], record[columns])] += 1
    row_values = sorted({row for row, _ in cells}, key=str)
    column_values = sorted({column for _, column in cells}, key=str)
    return CrossTab(row_values, column_values, dict(cells))


class Point(NamedTuple):
    """One disclosed count of a series on a date (a plain tuple: there may be millions)."""

    series: Hashable
    on: dt.date
    count: int  # type: ignore[assignment]  # a field, shadowing tuple.count()
    source: str = ""


@dataclass(frozen=True)
class Change:
    series: Hashable
    before: Point
    after: Point

    @property
    def delta(self) -> int:
        return self.after.count - self.before.count

    @property
    def ratio(self) -> float | None:
        return None if self.before.count == 0 else self.after.count / self.before.count


def changes(points: Iterable[Point]) -> list[Change]:
    """Consecutive changes within each series, oldest first: e.g. Cambridge's NVRs,
    6 in 2021 and 27 in 2023. Of several counts on one date, the first by source (the
    holding's key) is compared with the dates either side."""
    by_series: dict[Hashable, list[Point]] = defaultdict(list)
    for point in points:
        by_series[point.series].append(point)
    found: list[Change] = []
    for series, series_points in by_series.items():
        if len(series_points) < 2:
            continue
        ordered = sorted(series_points, key=lambda point: (point.on, point.source))
        found.extend(
            Change(series, before, after)
            for before, after in itertools.pairwise(ordered)
            if before.on != after.on
        )
    return sorted(found, key=lambda change: (str(change.series), change.after.on))


@dataclass(frozen=True)
class CountRange:
    """Devices from one vendor across bodies: what is counted, and what is not.

    `low` adds up the counts that bodies gave; the total is at least that. When some
    bodies gave no count (or only "at least"), there is no upper bound.
    """

    low: int
    high: int | None
    bodies_counted: int
    bodies_uncounted: int

    def describe(self) -> str:
        if self.high == self.low:
            return f"{self.low:,} devices, from {self.bodies_counted} bodies"
        text = f"at least {self.low:,} devices from {self.bodies_counted} bodies"
        if self.bodies_uncounted:
            text += f"; {self.bodies_uncounted} more gave no count"
        return text


def count_range(per_body: Mapping[Hashable, tuple[int | None, bool]]) -> CountRange:
    """per_body maps a body to (its count or None, whether the count is a lower bound)."""
    counted = {body: value for body, value in per_body.items() if value[0] is not None}
    low = sum(count for count, _bound in counted.values() if count is not None)
    open_ended = len(counted) < len(per_body) or any(bound for _, bound in counted.values())
    return CountRange(
        low=low,
        high=None if open_ended else low,
        bodies_counted=len(counted),
        bodies_uncounted=len(per_body) - len(counted),
    )

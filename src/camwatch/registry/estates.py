"""How many devices a body is known to have, from its holdings, without double counting.

A body may report a total and its parts (3C: 612 cameras, and 241 + 206 + ... by town),
and report again years later. For each body and device type this takes the latest
date with a count; on that date a whole-body figure is used if there is one, else
the parts are summed. "At least" and "more than" counts make the result a lower
bound, and say so. Pure Python: the rows come in as plain tuples.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

LOWER_BOUND_QUALIFIERS = frozenset({"at_least", "more_than"})
APPROXIMATE_QUALIFIERS = frozenset({"approximately"})


@dataclass(frozen=True)
class CountRow:
    body: Hashable
    device_type: str | None
    scope_kind: str
    as_of: dt.date
    count: int
    qualifier: str
    holding: str
    precision: str = "day"


@dataclass(frozen=True)
class Estate:
    body: Hashable
    count: int
    lower_bound: bool
    approximate: bool
    as_of: dt.date
    as_of_precision: str
    holdings: tuple[str, ...]

    @property
    def qualifier(self) -> str:
        if self.lower_bound:
            return "at_least"
        return "approximately" if self.approximate else "exact"


def _latest_figure(rows: list[CountRow]) -> list[CountRow]:
    latest = max(row.as_of for row in rows)
    on_date = [row for row in rows if row.as_of == latest]
    whole = [row for row in on_date if row.scope_kind == "whole_body"]
    if whole:
        return [max(whole, key=lambda row: row.count)]
    return on_date


def estates(rows: Iterable[CountRow]) -> list[Estate]:
    """One estate per body, largest first."""
    by_series: dict[tuple[Hashable, str | None], list[CountRow]] = defaultdict(list)
    for row in rows:
        by_series[(row.body, row.device_type)].append(row)
    chosen: dict[Hashable, list[CountRow]] = defaultdict(list)
    for (body, _device_type), series in by_series.items():
        chosen[body].extend(_latest_figure(series))
    found = [_estate(body, used) for body, used in chosen.items()]
    return sorted(found, key=lambda estate: (-estate.count, str(estate.body)))


def _estate(body: Hashable, used: list[CountRow]) -> Estate:
    latest = max(used, key=lambda row: row.as_of)
    return Estate(
        body=body,
        count=sum(row.count for row in used),
        lower_bound=any(row.qualifier in LOWER_BOUND_QUALIFIERS for row in used),
        approximate=any(row.qualifier in APPROXIMATE_QUALIFIERS for row in used),
        as_of=latest.as_of,
        as_of_precision=latest.precision,
        holdings=tuple(sorted(row.holding for row in used)),
    )

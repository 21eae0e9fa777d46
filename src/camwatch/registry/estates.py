"""What a body is known to have now, from its holdings, without double counting.

Two steps, both pure Python over plain records:

1. standing(): a later disclosure of none retires earlier facts. If a council said it
   had 100 cameras from a vendor in 2021 and none in 2023, only the 2023 answer
   stands (a zero that names no device type retires every type from that vendor).
2. estates(): for each body and device type, the latest date with a count; on that
   date a whole-body total is used if there is one, else the parts are summed
   (3C gave both 612 cameras and 241 + 206 + ... by town). "At least" counts make
   the result a lower bound, "at most" an upper one, and the estate says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

LOWER_BOUND_QUALIFIERS = frozenset({"at_least", "more_than"})
UPPER_BOUND_QUALIFIERS = frozenset({"at_most"})
APPROXIMATE_QUALIFIERS = frozenset({"approximately"})


class Fact(NamedTuple):
    """A plain tuple: the whole-registry passes make a million of them."""

    body: Hashable
    vendor: Hashable  # a vendor's slug, or a tuple of candidate slugs
    device_type: str | None
    scope_kind: str
    as_of: dt.date
    count: int | None  # type: ignore[assignment]  # a field, shadowing tuple.count()
    qualifier: str
    holding: str
    precision: str = "day"


@dataclass(frozen=True)
class Estate:
    body: Hashable
    count: int
    lower_bound: bool
    upper_bound: bool
    approximate: bool
    as_of: dt.date
    as_of_precision: str
    holdings: tuple[str, ...]

    @property
    def qualifier(self) -> str:
        if self.approximate or (self.lower_bound and self.upper_bound):
            return "approximately"
        if self.lower_bound:
            return "at_least"
        return "at_most" if self.upper_bound else "exact"


def standing(facts: Iterable[Fact]) -> list[Fact]:
    """The facts no later zero has retired; the zeros themselves are dropped."""
    facts = list(facts)
    zeros: dict[tuple[Hashable, Hashable], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.count == 0:
            zeros[(fact.body, fact.vendor)].append(fact)

    def retired(fact: Fact) -> bool:
        return any(
            zero.as_of > fact.as_of and zero.device_type in (None, fact.device_type)
            for zero in zeros.get((fact.body, fact.vendor), ())
        )

    if not zeros:
        return [fact for fact in facts if fact.count != 0]
    return [fact for fact in facts if fact.count != 0 and not retired(fact)]


def _latest_figures(facts: Iterable[Fact]) -> dict[Hashable, list[Fact]]:
    """For each body, the facts its figure is made of: per device type, the latest date
    with a count, and on that date the largest whole-body total or else every part."""
    on_latest: dict[tuple[Hashable, str | None], tuple[dt.date, list[Fact]]] = {}
    for fact in facts:
        if fact.count is None:
            continue
        series = (fact.body, fact.device_type)
        current = on_latest.get(series)
        if current is None or fact.as_of > current[0]:
            on_latest[series] = (fact.as_of, [fact])
        elif fact.as_of == current[0]:
            current[1].append(fact)
    chosen: dict[Hashable, list[Fact]] = defaultdict(list)
    for (body, _device_type), (_day, on_date) in on_latest.items():
        if len(on_date) == 1:
            chosen[body].append(on_date[0])
            continue
        whole = [fact for fact in on_date if fact.scope_kind == "whole_body"]
        chosen[body].extend([max(whole, key=lambda fact: fact.count or 0)] if whole else on_date)
    return chosen


def estates(facts: Iterable[Fact]) -> list[Estate]:
    """One estate per body from its counted facts, largest first."""
    found = [_estate(body, used) for body, used in _latest_figures(facts).items()]
    return sorted(
        (estate for estate in found if estate.count),
        key=lambda estate: (-estate.count, str(estate.body)),
    )


def _estate(body: Hashable, used: list[Fact]) -> Estate:
    if len(used) == 1:
        (only,) = used
        qualifier = only.qualifier
        return Estate(
            body=body,
            count=only.count or 0,
            lower_bound=qualifier in LOWER_BOUND_QUALIFIERS,
            upper_bound=qualifier in UPPER_BOUND_QUALIFIERS,
            approximate=qualifier in APPROXIMATE_QUALIFIERS,
            as_of=only.as_of,
            as_of_precision=only.precision,
            holdings=(only.holding,),
        )
    latest = max(used, key=lambda fact: fact.as_of)
    qualifiers = {fact.qualifier for fact in used}
    return Estate(
        body=body,
        count=sum(fact.count or 0 for fact in used),
        lower_bound=bool(qualifiers & LOWER_BOUND_QUALIFIERS),
        upper_bound=bool(qualifiers & UPPER_BOUND_QUALIFIERS),
        approximate=bool(qualifiers & APPROXIMATE_QUALIFIERS),
        as_of=latest.as_of,
        as_of_precision=latest.precision,
        holdings=tuple(sorted(fact.holding for fact in used)),
    )

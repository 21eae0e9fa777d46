"""Holdings read as plain tuples, for the passes over the whole registry (headlines,
dashboard): a million model instances would take minutes and gigabytes, a million
tuples take seconds. The engines (estates.py, concern.py) then work on plain facts.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from camwatch.registry import models as m
from camwatch.registry.estates import Fact
from camwatch.registry.verdicts import ConcernIndex


class HoldingRow(NamedTuple):
    pk: int
    key: str
    body_id: int
    vendor_id: int | None
    device_type_id: int | None
    scope_kind: str
    scope_body_id: int | None
    as_of: str  # ISO text as read: day() makes it a date
    as_of_precision: str
    count: int | None
    count_qualifier: str
    status: str


COLUMNS = HoldingRow._fields


def read(holdings: QuerySet[m.Holding] | None = None, chunk: int = 20_000) -> Iterator[HoldingRow]:
    """Every holding (or those given) as a HoldingRow, streamed in chunks. Dates stay
    text until day() is asked: the SQLite driver's date converter would cost more than
    the rest of the row."""
    chosen = m.Holding.objects.all() if holdings is None else holdings
    columns = [Cast("as_of", CharField()) if name == "as_of" else name for name in COLUMNS]
    values = chosen.order_by().values_list(*columns).iterator(chunk_size=chunk)
    return map(HoldingRow._make, values)


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector for a pass over every holding: the millions of
    small tuples such a pass makes would set it off again and again, to no purpose (they
    hold no cycles), doubling the time taken."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_DAYS: dict[str, dt.date] = {}


def day(text: str) -> dt.date:
    """The date of an ISO text, parsed once per distinct day."""
    found = _DAYS.get(text)
    if found is None:
        found = _DAYS[text] = dt.date.fromisoformat(text[:10])
    return found


@dataclass(frozen=True)
class Names:
    """The small tables the rows point into, read once."""

    vendor_slugs: dict[int, str]
    device_type_slugs: dict[int, str]
    candidates: dict[int, tuple[str, ...]]  # holding pk -> its candidate vendors' slugs

    @classmethod
    def read(cls) -> Names:
        vendor_slugs = dict(m.Vendor.objects.values_list("pk", "slug"))
        candidates: dict[int, list[str]] = defaultdict(list)
        through = m.Holding.vendor_candidates.through.objects.filter(holding__vendor__isnull=True)
        for holding, vendor in through.values_list("holding_id", "vendor_id").order_by():
            candidates[holding].append(vendor_slugs[vendor])
        return cls(
            vendor_slugs=vendor_slugs,
            device_type_slugs=dict(m.DeviceType.objects.values_list("pk", "slug")),
            candidates={pk: tuple(sorted(slugs)) for pk, slugs in candidates.items()},
        )

    def vendors(self, row: HoldingRow) -> tuple[str, ...]:
        """The vendor's slug, or the candidates' when the vendor is not known."""
        if row.vendor_id is not None:
            return (self.vendor_slugs[row.vendor_id],)
        return self.candidates.get(row.pk, ())

    def fact(self, row: HoldingRow) -> Fact:
        if row.vendor_id is not None:
            vendor: Any = self.vendor_slugs[row.vendor_id]
        else:
            vendor = self.candidates.get(row.pk, ())
        return Fact(
            row.body_id,
            vendor,
            self.device_type_slugs.get(row.device_type_id or 0),
            row.scope_kind,
            day(row.as_of),
            row.count,
            row.count_qualifier,
            row.key,
            row.as_of_precision or "day",
        )


@dataclass
class RowVerdicts:
    """ConcernIndex.vendors_of_concern() for rows: every vendor the holding may be from
    is of concern on its date, answered from the policy's periods."""

    index: ConcernIndex
    names: Names

    def vendors_of_concern(self, row: HoldingRow) -> bool:
        periods = self.index.periods()
        slugs = self.names.vendors(row)
        on = day(row.as_of)
        return bool(slugs) and all(
            any(on in period for period in periods.get(slug, ())) for slug in slugs
        )

    def facts_of_concern(self, rows: Iterable[HoldingRow]) -> list[Fact]:
        """Facts of equipment of concern (zeros included, plans not) for estates.standing()."""
        return [
            self.names.fact(row)
            for row in rows
            if row.status != "planned" and self.vendors_of_concern(row)
        ]

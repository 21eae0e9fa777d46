"""The rules of the money trail, over plain facts: does a body's equipment contradict what
it said, how far has removal gone, and how much was spent with vendors of concern.

Pure: the Django side (money/queries.py) reads the rows and hands them in, so that these
rules can be tested and reused without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from camwatch.registry.dates import PartialDate

# A ban or a decision not to buy is broken by equipment in use (or planned) from then on;
# a plan to replace is broken only by equipment still in use after its deadline.
PROHIBITIVE = ("ban", "no_new_purchases")
T = TypeVar("T")


@dataclass(frozen=True)
class PolicyFact:
    key: str
    body: str
    stance: str
    vendors: frozenset[str]  # the named vendors and their brands, resolved by the caller
    stated: PartialDate
    effective: PartialDate | None = None
    deadline: PartialDate | None = None

    @property
    def since(self) -> PartialDate:
        return self.effective or self.stated


@dataclass(frozen=True)
class HoldingFact:
    key: str
    body: str
    vendor: str
    status: str  # in_use, past, planned
    as_of: PartialDate
    count: int | None
    summary: str


@dataclass(frozen=True)
class ContractFact:
    key: str
    buyer: str
    manufacturers: frozenset[str]
    start: PartialDate | None
    title: str


@dataclass(frozen=True)
class Contradiction:
    policy: PolicyFact
    record: HoldingFact | ContractFact
    reason: str


def contradictions(
    policies: Iterable[PolicyFact],
    holdings: Sequence[HoldingFact],
    contracts: Sequence[ContractFact] = (),
) -> list[Contradiction]:
    """Each holding or contract that goes against its body's stated policy."""
    holdings_of = _group(holdings, lambda h: h.body)
    contracts_of = _group(contracts, lambda c: c.buyer)
    found: list[Contradiction] = []
    for policy in policies:
        for holding in holdings_of.get(policy.body, []):
            reason = _holding_breaks(policy, holding)
            if reason:
                found.append(Contradiction(policy, holding, reason))
        if policy.stance in PROHIBITIVE:
            for contract in contracts_of.get(policy.body, []):
                reason = _contract_breaks(policy, contract)
                if reason:
                    found.append(Contradiction(policy, contract, reason))
    return found


def _holding_breaks(policy: PolicyFact, holding: HoldingFact) -> str:
    if holding.vendor not in policy.vendors or holding.count == 0 or holding.status == "past":
        return ""
    if policy.stance in PROHIBITIVE:
        if holding.status == "planned" or holding.as_of.end >= policy.since.start:
            # overlapping dates count: a reply that states the policy and lists the device
            # in the same breath is the plainest contradiction there is
            what = "planned" if holding.status == "planned" else "in use"
            return f"{holding.summary} {what} as of {holding.as_of.display()}"
        return ""
    deadline = policy.deadline
    late = deadline is not None and holding.as_of.start > deadline.end
    if policy.stance == "replace" and deadline is not None and late and holding.status == "in_use":
        return (
            f"{holding.summary} still in use as of {holding.as_of.display()}, after the "
            f"deadline of {deadline.display()}"
        )
    return ""


def _contract_breaks(policy: PolicyFact, contract: ContractFact) -> str:
    supplied = contract.manufacturers & policy.vendors
    if not supplied or contract.start is None or contract.start.start < policy.since.start:
        return ""
    return f"a contract from {contract.start.display()} supplying {', '.join(sorted(supplied))}"


@dataclass(frozen=True)
class Progress:
    policy: PolicyFact
    timeline: tuple[HoldingFact, ...]  # the covered vendors' holdings, oldest first
    state: str  # "removed", "in use", "no evidence"
    latest: PartialDate | None


def removal_progress(
    policies: Iterable[PolicyFact], holdings: Sequence[HoldingFact]
) -> list[Progress]:
    """For each ban or replacement plan, the covered holdings over time and where they stand:
    removed when the latest record of every covered vendor is a zero or past use."""
    holdings_of = _group(holdings, lambda h: h.body)
    found = []
    for policy in policies:
        if policy.stance not in (*PROHIBITIVE, "replace"):
            continue
        covered = sorted(
            (h for h in holdings_of.get(policy.body, []) if h.vendor in policy.vendors),
            key=lambda h: (h.as_of, h.key),
        )
        latest_by_vendor = {h.vendor: h for h in covered if h.status != "planned"}
        if not latest_by_vendor:
            found.append(Progress(policy, tuple(covered), "no evidence", None))
            continue
        gone = all(h.count == 0 or h.status == "past" for h in latest_by_vendor.values())
        latest = max(h.as_of for h in latest_by_vendor.values())
        found.append(Progress(policy, tuple(covered), "removed" if gone else "in use", latest))
    return found


@dataclass(frozen=True)
class Spend:
    """An amount a body paid or committed, with the manufacturers known to be behind it."""

    body: str
    sector: str
    year: int | None
    amount: Decimal
    currency: str
    of_concern: bool
    kind: str  # "contract" or "payment"


@dataclass
class Total:
    amount: Decimal = Decimal(0)
    of_concern: Decimal = Decimal(0)
    items: int = 0

    def add(self, spend: Spend) -> None:
        self.amount += spend.amount
        self.items += 1
        if spend.of_concern:
            self.of_concern += spend.amount


@dataclass
class SpendTable:
    """Totals by a key (body, sector or year) and currency: never summed across currencies."""

    by: str
    totals: dict[tuple[Hashable, str], Total] = field(default_factory=dict)

    def rows(self) -> list[dict[str, object]]:
        ordered = sorted(self.totals.items(), key=lambda item: (str(item[0][0]), item[0][1]))
        return [
            {
                self.by: key,
                "currency": currency,
                "amount": total.amount,
                "of_concern": total.of_concern,
                "items": total.items,
            }
            for (key, currency), total in ordered
        ]


def spend_table(spends: Iterable[Spend], by: str) -> SpendTable:
    """Totals by "body", "sector" or "year"."""
    table = SpendTable(by)
    for spend in spends:
        key = (getattr(spend, by), spend.currency)
        table.totals.setdefault(key, Total()).add(spend)
    return table


@dataclass(frozen=True)
class SupplierDeal:
    supplier: str
    buyer: str
    value: Decimal | None
    currency: str
    manufacturers: frozenset[str]


@dataclass(frozen=True)
class LeagueRow:
    supplier: str
    buyers: int
    contracts: int
    value: dict[str, Decimal]  # by currency; contracts of unstated value add nothing
    manufacturers: tuple[str, ...]
    of_concern: tuple[str, ...]


def league_table(
    deals: Iterable[SupplierDeal], of_concern: Callable[[str], bool]
) -> list[LeagueRow]:
    """Suppliers and integrators by the number of public bodies they supplied, then value."""
    grouped = _group(list(deals), lambda d: d.supplier)
    rows = []
    for supplier, items in grouped.items():
        value: dict[str, Decimal] = defaultdict(Decimal)
        for deal in items:
            if deal.value is not None:
                value[deal.currency] += deal.value
        made = sorted(set().union(*(deal.manufacturers for deal in items)))
        rows.append(
            LeagueRow(
                supplier=supplier,
                buyers=len({deal.buyer for deal in items}),
                contracts=len(items),
                value=dict(value),
                manufacturers=tuple(made),
                of_concern=tuple(slug for slug in made if of_concern(slug)),
            )
        )
    return sorted(rows, key=lambda r: (-r.buyers, -sum(r.value.values()), r.supplier))


def year_of(value: PartialDate | dt.date | None) -> int | None:
    if value is None:
        return None
    return value.start.year if isinstance(value, PartialDate) else value.year


def _group(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped

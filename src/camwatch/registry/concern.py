"""Whether a vendor is "of concern", decided by a named policy from recorded facts.

Nothing here is a flag on a vendor. A policy names criteria (a restriction under
some instrument, headquarters in some country, a state-controlled owner holding at
least some share) and which relations carry a finding from a manufacturer to the
brands sold under other names. Every verdict lists its reasons, each tracing back
to the facts and sources that produced it, and is evaluated as of a date: Lorex
was a Dahua subsidiary from 2018 to 2022, not before or after.

Pure Python: no Django import, so the same engine runs in the web app, the CLI
and the network audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}
RELATION_KINDS = ("brand_of", "subsidiary_of", "oem_of", "joint_venture_of")
CRITERION_KINDS = ("restriction", "headquarters", "state_ownership")
CRITERION_FIELDS = frozenset(
    {"kind", "instruments", "jurisdictions", "countries", "min_share_percent", "label"}
)


class PolicyError(ValueError):
    """A policy definition that cannot be evaluated."""


@dataclass(frozen=True)
class RestrictionFact:
    jurisdiction: str
    instrument: str
    title: str
    effective: dt.date
    ended: dt.date | None = None
    source: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.effective <= on and (self.ended is None or on <= self.ended)


@dataclass(frozen=True)
class OwnershipFact:
    owner: str
    state_controlled: bool
    share_percent: float | None
    as_of: dt.date | None
    source: str = ""


@dataclass(frozen=True)
class RelationFact:
    """This vendor `kind` `target`: e.g. EZVIZ brand_of Hikvision."""

    kind: str
    target: str
    confidence: str
    start: dt.date | None = None
    end: dt.date | None = None
    source: str = ""

    def in_force(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class VendorFacts:
    slug: str
    name: str
    country: str = ""
    country_source: str = ""
    restrictions: tuple[RestrictionFact, ...] = ()
    ownership: tuple[OwnershipFact, ...] = ()
    relations: tuple[RelationFact, ...] = ()


@dataclass(frozen=True)
class Criterion:
    kind: str
    instruments: frozenset[str] = frozenset()
    jurisdictions: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    min_share_percent: float = 0.0
    label: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        unknown = set(data) - CRITERION_FIELDS
        if unknown:
            raise PolicyError(f"unknown criterion fields: {', '.join(sorted(unknown))}")
        kind = data.get("kind")
        if kind not in CRITERION_KINDS:
            raise PolicyError(f"criterion kind {kind!r} is not one of {', '.join(CRITERION_KINDS)}")
        criterion = cls(
            kind=kind,
            instruments=frozenset(data.get("instruments", ())),
            jurisdictions=frozenset(data.get("jurisdictions", ())),
            countries=frozenset(data.get("countries", ())),
            min_share_percent=float(data.get("min_share_percent", 0)),
            label=str(data.get("label", "")),
        )
        if kind == "headquarters" and not criterion.countries:
            raise PolicyError("a headquarters criterion needs at least one country")
        if kind == "restriction" and not (criterion.instruments or criterion.jurisdictions):
            raise PolicyError("a restriction criterion needs instruments or jurisdictions")
        return criterion


@dataclass(frozen=True)
class Policy:
    slug: str
    name: str
    criteria: tuple[Criterion, ...]
    inherit_through: frozenset[str] = frozenset(RELATION_KINDS)
    min_confidence: str = "medium"
    description: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        criteria = tuple(Criterion.from_dict(item) for item in data.get("criteria", ()))
        if not criteria:
            raise PolicyError(f"policy {data.get('slug')!r} has no criteria")
        inherit = frozenset(data.get("inherit_through", RELATION_KINDS))
        unknown = inherit - set(RELATION_KINDS)
        if unknown:
            raise PolicyError(f"unknown relation kinds in inherit_through: {sorted(unknown)}")
        confidence = data.get("min_confidence", "medium")
        if confidence not in CONFIDENCE_ORDER:
            raise PolicyError(f"min_confidence {confidence!r} is not low, medium or high")
        return cls(
            slug=str(data["slug"]),
            name=str(data["name"]),
            criteria=criteria,
            inherit_through=inherit,
            min_confidence=confidence,
            description=str(data.get("description", "")),
        )


@dataclass(frozen=True)
class Step:
    """One relation followed from a brand towards the vendor the finding rests on."""

    vendor: str
    kind: str
    target: str
    confidence: str
    source: str


@dataclass(frozen=True)
class Reason:
    vendor: str
    finding: str
    sources: tuple[str, ...]
    via: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Verdict:
    vendor: str
    policy: str
    on: dt.date
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def of_concern(self) -> bool:
        return bool(self.reasons)


def evaluate(policy: Policy, vendor: str, facts: Mapping[str, VendorFacts], on: dt.date) -> Verdict:
    """The policy's verdict on one vendor as of a date, with every reason found."""
    reasons: list[Reason] = []
    _collect(policy, vendor, facts, on, via=(), seen={vendor}, out=reasons)
    return Verdict(vendor=vendor, policy=policy.slug, on=on, reasons=tuple(reasons))


def vendors_of_concern(
    policy: Policy, facts: Mapping[str, VendorFacts], on: dt.date
) -> dict[str, Verdict]:
    """Every vendor the policy finds of concern on the date, by slug."""
    verdicts = (evaluate(policy, slug, facts, on) for slug in facts)
    return {verdict.vendor: verdict for verdict in verdicts if verdict.of_concern}


@dataclass(frozen=True)
class Period:
    """Days from `start` up to but not including `end`; None is open-ended."""

    start: dt.date | None
    end: dt.date | None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and (
            (self.start is None or self.start <= day) and (self.end is None or day < self.end)
        )


def _turning_points(facts: Mapping[str, VendorFacts]) -> list[dt.date]:
    """Every day on which some verdict may change: when a fact starts or stops applying."""
    days: set[dt.date] = set()
    for vendor in facts.values():
        for restriction in vendor.restrictions:
            days.add(restriction.effective)
            if restriction.ended is not None and restriction.ended < dt.date.max:
                days.add(restriction.ended + dt.timedelta(days=1))
        days.update(fact.as_of for fact in vendor.ownership if fact.as_of is not None)
        for relation in vendor.relations:
            if relation.start is not None:
                days.add(relation.start)
            if relation.end is not None and relation.end < dt.date.max:
                days.add(relation.end + dt.timedelta(days=1))
    return sorted(days - {dt.date.min})


def concern_periods(
    policy: Policy, vendor: str, facts: Mapping[str, VendorFacts]
) -> tuple[Period, ...]:
    """The days on which the policy finds the vendor of concern, as periods: verdicts only
    change on the days facts start or stop applying, so one evaluation per such day
    answers every date, and a database can test a holding's date against a few ranges."""
    points = _turning_points(facts)
    periods: list[Period] = []
    open_since: dt.date | None = None
    concerned = False
    for start, day in zip([None, *points], [dt.date.min, *points], strict=True):
        now = evaluate(policy, vendor, facts, day).of_concern
        if now and not concerned:
            open_since = start
        elif concerned and not now:
            periods.append(Period(open_since, day))
        concerned = now
    if concerned:
        periods.append(Period(open_since, None))
    return tuple(periods)


def _collect(
    policy: Policy,
    slug: str,
    facts: Mapping[str, VendorFacts],
    on: dt.date,
    via: tuple[Step, ...],
    seen: set[str],
    out: list[Reason],
) -> None:
    vendor = facts.get(slug)
    if vendor is None:
        return
    for criterion in policy.criteria:
        out.extend(
            Reason(vendor=slug, finding=finding, sources=sources, via=via)
            for finding, sources in _findings(criterion, vendor, on)
        )
    for relation in _followable(policy, vendor, on):
        if relation.target in seen:
            continue
        step = Step(slug, relation.kind, relation.target, relation.confidence, relation.source)
        _collect(policy, relation.target, facts, on, (*via, step), seen | {relation.target}, out)


def _followable(policy: Policy, vendor: VendorFacts, on: dt.date) -> Sequence[RelationFact]:
    floor = CONFIDENCE_ORDER[policy.min_confidence]
    return [
        relation
        for relation in vendor.relations
        if relation.kind in policy.inherit_through
        and CONFIDENCE_ORDER.get(relation.confidence, -1) >= floor
        and relation.in_force(on)
    ]


def _findings(
    criterion: Criterion, vendor: VendorFacts, on: dt.date
) -> list[tuple[str, tuple[str, ...]]]:
    if criterion.kind == "restriction":
        return [
            (f"{fact.title} ({fact.jurisdiction}, in force from {fact.effective})", (fact.source,))
            for fact in vendor.restrictions
            if fact.in_force(on)
            and (
                fact.instrument in criterion.instruments
                or fact.jurisdiction in criterion.jurisdictions
            )
        ]
    if criterion.kind == "headquarters":
        if vendor.country in criterion.countries:
            label = criterion.label or f"headquartered in {vendor.country}"
            return [(label, (vendor.country_source,))]
        return []
    return _state_ownership_findings(criterion, vendor, on)


def _state_ownership_findings(
    criterion: Criterion, vendor: VendorFacts, on: dt.date
) -> list[tuple[str, tuple[str, ...]]]:
    latest: dict[str, OwnershipFact] = {}
    for fact in vendor.ownership:
        if not fact.state_controlled or (fact.as_of is not None and fact.as_of > on):
            continue
        current = latest.get(fact.owner)
        if current is None or (fact.as_of or dt.date.min) >= (current.as_of or dt.date.min):
            latest[fact.owner] = fact
    return [
        (f"state-controlled owner {fact.owner} holds {fact.share_percent:g}%", (fact.source,))
        for fact in latest.values()
        if fact.share_percent is not None and fact.share_percent >= criterion.min_share_percent
    ]

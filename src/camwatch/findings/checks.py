"""Consistency checks over the whole registry, general rather than tuned to one case.

Each check is a function that gathers a few aggregated rows with SQL and applies a
pure rule to them; each finding cites the records involved, so that a reader can
open every one. `run_checks()` runs them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, Sum
from django.urls import reverse

from camwatch.findings.arithmetic import Fit, check_percent, numerators_for, plain
from camwatch.registry import models as m
from camwatch.registry.textsearch import words

PART_SCOPES = ("town", "site", "system")


@dataclass(frozen=True)
class Record:
    kind: str
    key: str
    url: str


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    records: tuple[Record, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "records": [asdict(r) for r in self.records]}


def _body(slug: str) -> Record:
    return Record("body", slug, reverse("body-detail", args=[slug]))


def _holding(key: str, body_slug: str) -> Record:
    return Record("holding", key, reverse("body-detail", args=[body_slug]) + f"#holding-{key}")


def _claim(key: str, investigation: str) -> Record:
    return Record(
        "claim", key, reverse("investigation-detail", args=[investigation]) + f"#claim-{key}"
    )


# -- parts that do not sum to a stated total ------------------------------------------------

_SERIES = ("body_id", "vendor_id", "device_type_id", "as_of")


def parts_and_totals() -> list[Finding]:
    """A whole-body total beside parts (towns, sites, systems) of the same body, vendor,
    device type and date that add up to something else."""
    parts = {
        tuple(row[k] for k in _SERIES): row
        for row in m.Holding.objects.filter(scope_kind__in=PART_SCOPES, count__isnull=False)
        .values(*_SERIES)
        .annotate(total=Sum("count"), n=Count("id"))
    }
    totals = m.Holding.objects.filter(scope_kind="whole_body", count__isnull=False).values(
        *_SERIES,
        "key",
        "count",
        "body__slug",
        "body__name",
        "vendor__name",
        "device_type__label",
        "device_type__plural",
    )
    found = []
    for total in totals:
        part = parts.get(tuple(total[k] for k in _SERIES))
        if part is None or part["total"] == total["count"]:
            continue
        found.append(_parts_finding(total, part))
    return found


def _parts_finding(total: dict[str, Any], part: dict[str, Any]) -> Finding:
    keys = m.Holding.objects.filter(
        scope_kind__in=PART_SCOPES, count__isnull=False, **{k: total[k] for k in _SERIES}
    ).values_list("key", flat=True)
    label = total["device_type__label"]
    kinds = (total["device_type__plural"] or f"{label}s") if label else "equipment"
    what = " ".join(filter(None, [total["vendor__name"], kinds]))
    message = (
        f"{total['body__name']}, {what}, as of {total['as_of']}: the stated total is "
        f"{total['count']:,} but its {part['n']} disclosed parts add up to {part['total']:,}."
    )
    slug = total["body__slug"]
    records = (_body(slug), _holding(total["key"], slug), *(_holding(k, slug) for k in keys))
    return Finding("parts-do-not-sum", message, records)


# -- percentages that no whole number can produce -----------------------------------------


def impossible_percentages() -> list[Finding]:
    """Printed percentages that their own figures cannot give, under rounding (and
    perhaps not under truncation either)."""
    found = []
    claims = m.Claim.objects.filter(percent_printed__isnull=False, denominator__isnull=False)
    for key, slug, numerator, denominator, printed in claims.values_list(
        "key", "investigation__slug", "numerator", "denominator", "percent_printed"
    ):
        message = _percent_message(numerator, denominator, Decimal(printed))
        if message:
            found.append(Finding("impossible-percentage", message, (_claim(key, slug),)))
    return found


def _percent_message(numerator: int | None, denominator: int, printed: Decimal) -> str:
    shown = f"{plain(printed)}%"
    if numerator is not None:
        checked = check_percent(numerator, denominator, printed)
        return "" if checked.fit is Fit.ROUNDED else checked.explain() + "."
    fits = numerators_for(denominator, printed)
    if fits[Fit.ROUNDED]:
        return ""
    if fits[Fit.TRUNCATED]:
        candidates = ", ".join(map(str, fits[Fit.TRUNCATED]))
        return (
            f"No whole number of {denominator} rounds to {shown}; {candidates} "
            f"of {denominator} truncates to it."
        )
    return f"No whole number of {denominator} gives {shown}, rounded or truncated."


# -- the same body counted twice ------------------------------------------------------------


def duplicate_bodies() -> list[Finding]:
    """Current bodies of one kind whose names fold to the same words."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for slug, name, kind in m.PublicBody.objects.current().values_list(
        "slug", "name", "kind__slug"
    ):
        groups[(kind, " ".join(words(name)))].append((slug, name))
    return [
        Finding(
            "same-body-twice",
            f"{len(items)} {kind} records share the name {items[0][1]!r}: the same body may be "
            "counted twice.",
            tuple(_body(slug) for slug, _ in items),
        )
        for (kind, _), items in groups.items()
        if len(items) > 1
    ]


def overlapping_groups() -> list[Finding]:
    """Holdings from the same vendor in the same year for a shared service and for a body
    it includes (or for two services sharing a member): adding them up may count the
    same devices twice."""
    members: dict[int, set[int]] = defaultdict(set)
    for group, member in m.Membership.objects.values_list("group_id", "member_id"):
        members[group].add(member)
    if not members:
        return []
    rows = (
        m.Holding.objects.exclude(count=0)
        .filter(vendor__isnull=False)
        .values("body_id", "body__slug", "body__name", "vendor_id", "vendor__name", "as_of__year")
        .annotate(n=Count("id"), first=Min("key"), last=Max("key"))
    )
    by_vendor_year: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_vendor_year[(row["vendor_id"], row["as_of__year"])].append(row)
    return [
        finding
        for group_rows in by_vendor_year.values()
        for finding in _overlaps(group_rows, members)
    ]


def _overlaps(rows: list[dict[str, Any]], members: dict[int, set[int]]) -> Iterable[Finding]:
    bodies = {row["body_id"]: row for row in rows}
    seen: set[frozenset[int]] = set()
    for group, group_members in members.items():
        if group not in bodies:
            continue
        for other, row in bodies.items():
            overlap = other in group_members or (
                other != group and other in members and members[other] & group_members
            )
            pair = frozenset((group, other))
            if not overlap or pair in seen:
                continue
            seen.add(pair)
            yield _overlap_finding(bodies[group], row)


def _overlap_finding(group: dict[str, Any], other: dict[str, Any]) -> Finding:
    message = (
        f"{group['body__name']} and {other['body__name']} both report {group['vendor__name']} "
        f"equipment in {group['as_of__year']}, and one includes the other (or they share a "
        "member): adding the two may count the same devices twice."
    )
    records = (
        _body(group["body__slug"]),
        _body(other["body__slug"]),
        _holding(group["first"], group["body__slug"]),
        _holding(other["first"], other["body__slug"]),
    )
    return Finding("same-devices-twice", message, records)


# -- totals for one body that differ between sources for the same date ---------------------

_SCOPE = ("body_id", "vendor_id", "device_type_id", "as_of", "scope_kind", "scope_name")


def conflicting_totals() -> list[Finding]:
    """Two or more counts for the same body, vendor, device type, scope and date."""
    clashes = (
        m.Holding.objects.filter(count__isnull=False)
        .values(*_SCOPE)
        .annotate(low=Min("count"), high=Max("count"), n=Count("id"))
        .filter(n__gt=1)
        .exclude(low=F("high"))
    )
    found = []
    for clash in clashes:
        holdings = list(
            m.Holding.objects.filter(**{k: clash[k] for k in _SCOPE})
            .select_related("body", "vendor", "device_type")
            .prefetch_related("citations__source")
        )
        first = holdings[0]
        counts = ", ".join(
            f"{h.count:,} ({'; '.join(c.source.key for c in h.citations.all())})" for h in holdings
        )
        message = (
            f"{first.body.name}: {first.vendor_label()} "
            f"{first.device_type.label_plural if first.device_type else 'equipment'} as of "
            f"{first.as_of}, {first.get_scope_kind_display()}: the sources give {counts}."
        )
        records = (_body(first.body.slug), *(_holding(h.key, h.body.slug) for h in holdings))
        found.append(Finding("totals-disagree", message, records))
    return found


# -- denominators larger than the population asked -----------------------------------------


def oversized_denominators() -> list[Finding]:
    """A claim whose base is larger than the number of bodies its investigation asked, or
    whose numerator is larger than its base."""
    found = []
    rows = m.Claim.objects.filter(denominator__isnull=False).values_list(
        "key",
        "investigation__slug",
        "investigation__title",
        "investigation__stated_target_count",
        "numerator",
        "denominator",
        "denominator_basis",
    )
    for key, slug, title, asked, numerator, denominator, basis in rows:
        if asked and denominator > asked and basis != "population":
            message = (
                f"The base of {denominator:,} is larger than the {asked:,} bodies that "
                f"{title} asked."
            )
            found.append(Finding("base-larger-than-asked", message, (_claim(key, slug),)))
        if numerator is not None and numerator > denominator:
            message = f"The count of {numerator:,} is larger than its base of {denominator:,}."
            found.append(Finding("count-larger-than-base", message, (_claim(key, slug),)))
    return found


CHECKS: dict[str, Callable[[], list[Finding]]] = {
    "parts-do-not-sum": parts_and_totals,
    "impossible-percentage": impossible_percentages,
    "same-body-twice": duplicate_bodies,
    "same-devices-twice": overlapping_groups,
    "totals-disagree": conflicting_totals,
    "base-larger-than-asked": oversized_denominators,
}


def run_checks() -> list[Finding]:
    return [finding for check in CHECKS.values() for finding in check()]

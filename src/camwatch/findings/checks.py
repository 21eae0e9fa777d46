"""Consistency checks over the whole registry, general rather than tuned to one case.

Each check is a function that gathers a few aggregated rows with SQL and applies a
pure rule to them; each finding cites the records involved, so that a reader can
open every one. `run_checks()` runs them all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Min
from django.urls import reverse

from camwatch.findings.arithmetic import Fit, check_percent, numerators_for, plain
from camwatch.registry import models as m

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


@cache
def _url_pattern(name: str) -> str:
    """A page's address with a placeholder for its slug: reversed once, not per record."""
    return reverse(name, args=["__slug__"])


def warm_up() -> None:
    """Resolve the addresses the findings cite (the URL configuration loads on first use)."""
    for name in ("body-detail", "investigation-detail"):
        _url_pattern(name)


def _body(slug: str) -> Record:
    return Record("body", slug, _url_pattern("body-detail").replace("__slug__", slug))


def _holding(key: str, body_slug: str) -> Record:
    page = _url_pattern("body-detail").replace("__slug__", body_slug)
    return Record("holding", key, f"{page}#holding-{key}")


def _claim(key: str, investigation: str) -> Record:
    page = _url_pattern("investigation-detail").replace("__slug__", investigation)
    return Record("claim", key, f"{page}#claim-{key}")


# -- parts that do not sum to a stated total ------------------------------------------------

_SERIES = ("body_id", "vendor_id", "device_type_id", "as_of")
# Totals beside the sum of their parts, joined in the database: one pass however large.
# The null-safe comparison is spelled per database so that SQLite can use its indexes.
_PARTS_SQL = """
SELECT t.key, t.count, p.total, p.n, t.body_id, t.vendor_id, t.device_type_id, t.as_of
FROM registry_holding t
JOIN (
    SELECT body_id, vendor_id, device_type_id, as_of, SUM(count) AS total, COUNT(*) AS n
    FROM registry_holding
    WHERE scope_kind IN ('town', 'site', 'system') AND count IS NOT NULL
    GROUP BY body_id, vendor_id, device_type_id, as_of
) p ON t.body_id = p.body_id AND t.as_of = p.as_of
   AND t.vendor_id {same} p.vendor_id AND t.device_type_id {same} p.device_type_id
WHERE t.scope_kind = 'whole_body' AND t.count IS NOT NULL AND t.count <> p.total
"""


def _null_safe_equals() -> str:
    return "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"


_HOLDING_FIELDS = (
    "key",
    "count",
    "scope_kind",
    "as_of",
    "body_id",
    "vendor_id",
    "device_type_id",
    "scope_name",
    "body__slug",
    "body__name",
    "vendor__name",
    "device_type__label",
    "device_type__plural",
)


def _holdings_of(bodies: set[int]) -> list[dict[str, Any]]:
    """The counted holdings of some bodies, as plain rows (no model instances)."""
    return list(
        m.Holding.objects.filter(body_id__in=bodies, count__isnull=False)
        .values(*_HOLDING_FIELDS)
        .order_by("key")
    )


def _what(row: dict[str, Any]) -> str:
    label = row["device_type__label"]
    kinds = (row["device_type__plural"] or f"{label}s") if label else "equipment"
    return " ".join(filter(None, [row["vendor__name"] or "", kinds]))


def parts_and_totals() -> list[Finding]:
    """A whole-body total beside parts (towns, sites, systems) of the same body, vendor,
    device type and date that add up to something else."""
    with connection.cursor() as cursor:
        cursor.execute(_PARTS_SQL.format(same=_null_safe_equals()))
        clashes = cursor.fetchall()
    if not clashes:
        return []
    by_series: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in _holdings_of({clash[4] for clash in clashes}):
        by_series[tuple(row[k] for k in _SERIES)].append(row)
    found = []
    for key, _total, parts_total, n, *series in clashes:
        members = by_series[(*series[:3], _as_date(series[3]))]
        total = next(row for row in members if row["key"] == key)
        parts = [row for row in members if row["scope_kind"] in PART_SCOPES]
        message = (
            f"{total['body__name']}, {_what(total)}, as of {total['as_of']}: the stated total "
            f"is {total['count']:,} but its {n} disclosed parts add up to {parts_total:,}."
        )
        slug = total["body__slug"]
        records = (_body(slug), _holding(key, slug), *(_holding(p["key"], slug) for p in parts))
        found.append(Finding("parts-do-not-sum", message, records))
    return found


def _as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


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
    repeated = (
        m.PublicBody.objects.current()
        .values("kind_id", "name_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    groups: dict[tuple[int, str], list[tuple[str, str, str]]] = defaultdict(list)
    for row in repeated:
        bodies = m.PublicBody.objects.current().filter(
            kind_id=row["kind_id"], name_key=row["name_key"]
        )
        for slug, name, kind in bodies.values_list("slug", "name", "kind__slug").order_by("slug"):
            groups[(row["kind_id"], row["name_key"])].append((slug, name, kind))
    return [
        Finding(
            "same-body-twice",
            f"{len(items)} {items[0][2]} records share the name {items[0][1]!r}: the same body "
            "may be counted twice.",
            tuple(_body(slug) for slug, _, _ in items),
        )
        for items in groups.values()
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
    involved = set(members) | {member for group in members.values() for member in group}
    rows = (
        m.Holding.objects.filter(body_id__in=involved, vendor__isnull=False)
        .exclude(count=0)
        .values("body_id", "body__slug", "body__name", "vendor_id", "vendor__name", "as_of__year")
        .annotate(n=Count("id"), first=Min("key"))
        .order_by()
    )
    by_vendor_year: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_vendor_year[(row["vendor_id"], row["as_of__year"])].append(row)
    related = _related(members)
    return [
        finding
        for group_rows in by_vendor_year.values()
        for finding in _overlaps(group_rows, related)
    ]


def _related(members: dict[int, set[int]]) -> dict[int, set[int]]:
    """For each group, the bodies that may hold the same devices: its members, and the
    other groups that share a member with it."""
    groups_of: dict[int, set[int]] = defaultdict(set)
    for group, group_members in members.items():
        for member in group_members:
            groups_of[member].add(group)
    return {
        group: group_members
        | {other for member in group_members for other in groups_of[member] if other != group}
        for group, group_members in members.items()
    }


def _overlaps(rows: list[dict[str, Any]], related: dict[int, set[int]]) -> Iterable[Finding]:
    bodies = {row["body_id"]: row for row in rows}
    seen: set[frozenset[int]] = set()
    for group, others in related.items():
        if group not in bodies:
            continue
        for other in sorted(others & bodies.keys()):
            pair = frozenset((group, other))
            if pair not in seen:
                seen.add(pair)
                yield _overlap_finding(bodies[group], bodies[other])


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

# Every counted holding in a (body, vendor, device type, date, scope) whose counts differ,
# found and fetched in one statement: the grouping is the only pass over every holding.
_CLASHES_SQL = """
SELECT h.key, h.count, h.scope_kind, h.as_of, h.body_id, h.vendor_id, h.device_type_id,
       h.scope_name, b.slug, b.name, v.name, d.label, d.plural
FROM (
    SELECT body_id, vendor_id, device_type_id, as_of, scope_kind, scope_name
    FROM registry_holding
    WHERE count IS NOT NULL
    GROUP BY body_id, vendor_id, device_type_id, as_of, scope_kind, scope_name
    HAVING MIN(count) < MAX(count)
) c
JOIN registry_holding h ON h.body_id = c.body_id AND h.as_of = c.as_of
   AND h.vendor_id {same} c.vendor_id AND h.device_type_id {same} c.device_type_id
   AND h.scope_kind = c.scope_kind AND h.scope_name = c.scope_name
JOIN registry_publicbody b ON b.id = h.body_id
LEFT JOIN registry_vendor v ON v.id = h.vendor_id
LEFT JOIN registry_devicetype d ON d.id = h.device_type_id
WHERE h.count IS NOT NULL
ORDER BY h.key
"""
_SCOPE = ("body_id", "vendor_id", "device_type_id", "as_of", "scope_kind", "scope_name")


def conflicting_totals() -> list[Finding]:
    """Two or more counts for the same body, vendor, device type, scope and date."""
    with connection.cursor() as cursor:
        cursor.execute(_CLASHES_SQL.format(same=_null_safe_equals()))
        rows = [dict(zip(_HOLDING_FIELDS, row, strict=True)) for row in cursor.fetchall()]
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[k] for k in _SCOPE)].append(row)
    cited: dict[str, list[str]] = defaultdict(list)
    keys = [row["key"] for row in rows]
    for holding, source in m.HoldingSource.objects.filter(holding__key__in=keys).values_list(
        "holding__key", "source__key"
    ):
        cited[holding].append(source)
    return [_clash_finding(rows, cited) for rows in groups.values()]


def _clash_finding(rows: list[dict[str, Any]], cited: dict[str, list[str]]) -> Finding:
    first = rows[0]
    counts = ", ".join(f"{row['count']:,} ({'; '.join(cited[row['key']])})" for row in rows)
    scope = dict(m.ScopeKind.choices)[first["scope_kind"]]
    if first["scope_name"]:
        scope = f"{scope} ({first['scope_name']})"
    message = (
        f"{first['body__name']}: {_what(first)} as of {first['as_of']}, {scope}: the sources "
        f"give {counts}."
    )
    slug = first["body__slug"]
    return Finding(
        "totals-disagree", message, (_body(slug), *(_holding(row["key"], slug) for row in rows))
    )


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

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
from django.db.models import Count
from django.urls import reverse

from camwatch.findings.arithmetic import Fit, check_percent, numerators_for, plain
from camwatch.money import trail
from camwatch.registry import embargo
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
    for name in ("body-detail", "investigation-detail", "body-money"):
        _url_pattern(name)


def _body(slug: str) -> Record:
    return Record("body", slug, _url_pattern("body-detail").replace("__slug__", slug))


def _holding(key: str, body_slug: str) -> Record:
    page = _url_pattern("body-detail").replace("__slug__", body_slug)
    return Record("holding", key, f"{page}#holding-{key}")


def _claim(key: str, investigation: str) -> Record:
    page = _url_pattern("investigation-detail").replace("__slug__", investigation)
    return Record("claim", key, f"{page}#claim-{key}")


# -- several records of one series: the raw material of two checks -----------------------

# A series is one body's count of one vendor's devices of one type on one date. Parts that
# do not add up to their total, and totals that disagree, both need two or more counted
# records in a series; grouping every holding once (along an index) finds the few such
# series, and only their records are fetched.
_SERIES = ("body_id", "vendor_id", "device_type_id", "as_of")
_CROWDED_SERIES_SQL = """
SELECT body_id, vendor_id, device_type_id, as_of
FROM registry_holding
WHERE count IS NOT NULL AND {published}
GROUP BY body_id, vendor_id, device_type_id, as_of
HAVING COUNT(*) > 1
"""
_CHUNK = 5_000  # bodies per query, well inside every database's limit on parameters

# The columns _SERIES_ROWS_SQL reads, in its order; _Names adds what they point to.
_ROW_FIELDS = (
    "key",
    "count",
    "scope_kind",
    "as_of",
    "body_id",
    "vendor_id",
    "device_type_id",
    "scope_name",
    "id",
)

Series = dict[tuple[Any, ...], list[dict[str, Any]]]


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


_SERIES_ROWS_SQL = """
SELECT key, count, scope_kind, as_of, body_id, vendor_id, device_type_id, scope_name, id
FROM registry_holding
WHERE count IS NOT NULL AND body_id IN ({marks}) AND {published}
"""


def crowded_series() -> Series:
    """Every counted record of each series that has more than one, by series, each
    series' records in key order. Rows stay tuples until they are known to be wanted."""
    # Holdings of investigations under embargo are not in the published registry.
    published, sealed = embargo.sealed_ids_sql("investigation_id")
    with connection.cursor() as cursor:
        cursor.execute(_CROWDED_SERIES_SQL.format(published=published), sealed)
        wanted = {(b, v, d, _as_date(a)) for b, v, d, a in cursor.fetchall()}
        bodies = sorted({series[0] for series in wanted})
        found: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for chunk in _chunks(bodies):
            marks = ", ".join(["%s"] * len(chunk))
            sql = _SERIES_ROWS_SQL.format(marks=marks, published=published)
            cursor.execute(sql, chunk + sealed)
            for row in cursor.fetchall():
                series = (row[4], row[5], row[6], _as_date(row[3]))
                if series in wanted:
                    found[series].append(row)
    names = _names(bodies)
    result: Series = {}
    for series, rows in sorted(found.items(), key=lambda item: min(r[0] for r in item[1])):
        result[series] = sorted((names.holding(row) for row in rows), key=lambda r: r["key"])
    return result


@dataclass(frozen=True)
class _Names:
    """What a finding's message calls a body, a vendor and a device type."""

    bodies: dict[int, tuple[str, str]]
    vendors: dict[int, str]
    types: dict[int, tuple[str, str]]

    def holding(self, row: tuple[Any, ...]) -> dict[str, Any]:
        found = dict(zip(_ROW_FIELDS, row, strict=True))
        found["as_of"] = _as_date(found["as_of"])
        found["body__slug"], found["body__name"] = self.bodies[found["body_id"]]
        found["vendor__name"] = self.vendors.get(found["vendor_id"])
        label, plural = self.types.get(found["device_type_id"], (None, None))
        found["device_type__label"], found["device_type__plural"] = label, plural
        return found


def _names(bodies: list[int]) -> _Names:
    return _Names(
        bodies={
            pk: (slug, name)
            for chunk in _chunks(bodies)
            for pk, slug, name in m.PublicBody.objects.filter(pk__in=chunk).values_list(
                "pk", "slug", "name"
            )
        },
        vendors=dict(m.Vendor.objects.values_list("pk", "name")),
        types={
            pk: (label, plural)
            for pk, label, plural in m.DeviceType.objects.values_list("pk", "label", "plural")
        },
    )


def _what(row: dict[str, Any]) -> str:
    label = row["device_type__label"]
    kinds = (row["device_type__plural"] or f"{label}s") if label else "equipment"
    return " ".join(filter(None, [row["vendor__name"] or "", kinds]))


def _as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# -- parts that do not sum to a stated total ------------------------------------------------


def parts_and_totals(series: Series | None = None) -> list[Finding]:
    """A whole-body total beside parts (towns, sites, systems) of the same body, vendor,
    device type and date that add up to something else."""
    found = []
    for records in (crowded_series() if series is None else series).values():
        parts = [row for row in records if row["scope_kind"] in PART_SCOPES]
        if not parts:
            continue
        parts_total = sum(row["count"] for row in parts)
        for total in records:
            if total["scope_kind"] == "whole_body" and total["count"] != parts_total:
                found.append(_parts_finding(total, parts, parts_total))
    return found


def _parts_finding(total: dict[str, Any], parts: list[dict[str, Any]], parts_total: int) -> Finding:
    message = (
        f"{total['body__name']}, {_what(total)}, as of {total['as_of']}: the stated total "
        f"is {total['count']:,} but its {len(parts)} disclosed parts add up to {parts_total:,}."
    )
    slug = total["body__slug"]
    records = (
        _body(slug),
        _holding(total["key"], slug),
        *(_holding(p["key"], slug) for p in parts),
    )
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
    involved = sorted(set(members).union(*members.values()))
    by_vendor_year = _vendor_years(involved)
    related = _related(members)
    return [
        finding
        for group_rows in by_vendor_year.values()
        for finding in _overlaps(group_rows, related)
    ]


_VENDOR_YEARS_SQL = """
SELECT body_id, vendor_id, {year} AS year, COUNT(*), MIN(key)
FROM registry_holding
WHERE vendor_id IS NOT NULL AND (count IS NULL OR count <> 0) AND body_id IN ({marks})
  AND {published}
GROUP BY body_id, vendor_id, {year}
"""
# The year of a date in each database's own terms (Django's ExtractYear calls a Python
# function per row on SQLite, where dates are ISO text).
_YEAR = {
    "sqlite": "CAST(substr(as_of, 1, 4) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM as_of) AS INTEGER)",
}


def _vendor_years(bodies: list[int]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """For each vendor and year, each body's holdings of it (not disclosed zeros): how
    many, and the first by key. Names are looked up for the result only."""
    years: dict[tuple[int, int, int], tuple[int, str]] = {}
    published, sealed = embargo.sealed_ids_sql("investigation_id")
    sql = _VENDOR_YEARS_SQL.replace(
        "{year}", _YEAR.get(connection.vendor, "EXTRACT(YEAR FROM as_of)")
    ).replace("{published}", published)
    with connection.cursor() as cursor:
        for chunk in _chunks(bodies):
            cursor.execute(sql.replace("{marks}", ", ".join(["%s"] * len(chunk))), chunk + sealed)
            for body, vendor, year, n, first in cursor.fetchall():
                years[(vendor, year, body)] = (n, first)
    names = _names(sorted({body for _, _, body in years}))
    by_vendor_year: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for (vendor, year, body), (n, first) in sorted(years.items()):
        slug, name = names.bodies[body]
        by_vendor_year[(vendor, year)].append(
            {
                "body_id": body,
                "body__slug": slug,
                "body__name": name,
                "vendor__name": names.vendors[vendor],
                "as_of__year": year,
                "n": n,
                "first": first,
            }
        )
    return by_vendor_year


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
    for group in sorted(bodies.keys() & related.keys()):
        for other in sorted(related[group] & bodies.keys()):
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


def conflicting_totals(series: Series | None = None) -> list[Finding]:
    """Two or more counts for the same body, vendor, device type, scope and date."""
    groups: list[list[dict[str, Any]]] = []
    for records in (crowded_series() if series is None else series).values():
        by_scope: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in records:
            by_scope[(row["scope_kind"], row["scope_name"])].append(row)
        groups.extend(rows for rows in by_scope.values() if len({r["count"] for r in rows}) > 1)
    cited: dict[str, list[str]] = defaultdict(list)
    ids = [row["id"] for rows in groups for row in rows]
    for chunk in _chunks(ids):
        citations = m.HoldingSource.objects.filter(holding_id__in=chunk)
        for holding, source in citations.values_list("holding__key", "source__key").order_by(
            "holding__key", "source__key"
        ):
            cited[holding].append(source)
    return [_clash_finding(rows, cited) for rows in groups]


def series_checks() -> dict[str, list[Finding]]:
    """Both checks on series from one grouping pass: what `findings audit` runs."""
    series = crowded_series()
    return {
        "parts-do-not-sum": parts_and_totals(series),
        "totals-disagree": conflicting_totals(series),
    }


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


# -- stated policies against holdings ---------------------------------------------------------


def contradicted_policies() -> list[Finding]:
    """A body that said it bans (or is replacing) a vendor's equipment, and holds or buys
    it from then on (or after the deadline) by its own disclosures."""
    from camwatch.money.queries import policy_report

    found = []
    for contradiction in policy_report().contradictions:
        policy = contradiction.policy
        slug = policy.body
        page = _url_pattern("body-money").replace("__slug__", slug)
        message = (
            f"{slug} stated on {policy.stated.display()} that it {_STANCE[policy.stance]}, "
            f"yet its records show {contradiction.reason}."
        )
        records = [_body(slug), Record("stated-policy", policy.key, f"{page}#policy-{policy.key}")]
        key = contradiction.record.key
        if isinstance(contradiction.record, trail.HoldingFact):
            records.append(_holding(key, slug))
        else:
            records.append(Record("contract", key, f"{page}#contract-{key}"))
        found.append(Finding("policy-contradicted", message, tuple(records)))
    return found


_STANCE = {
    "ban": "does not allow the vendors' equipment",
    "no_new_purchases": "buys no new equipment from the vendors",
    "replace": "is replacing the vendors' equipment",
}


CHECKS: dict[str, Callable[[], list[Finding]]] = {
    "parts-do-not-sum": parts_and_totals,
    "impossible-percentage": impossible_percentages,
    "same-body-twice": duplicate_bodies,
    "same-devices-twice": overlapping_groups,
    "totals-disagree": conflicting_totals,
    "base-larger-than-asked": oversized_denominators,
    "policy-contradicted": contradicted_policies,
}


def run_checks() -> list[Finding]:
    return [finding for check in CHECKS.values() for finding in check()]

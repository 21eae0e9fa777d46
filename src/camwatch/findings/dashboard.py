"""The findings dashboard: each chart with its data table, its denominator and sources.

Every chart is a `Chart`: an SVG, the rows it is drawn from (the same rows serve the
data table, the JSON and the CSV), a sentence on what it counts and of what, and the
sources behind it.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.conf import settings
from django.urls import reverse

from camwatch.findings import charts, stats
from camwatch.findings.reproduce import Reproduction, reproduce
from camwatch.registry import headlines, holdingrows, snapshots
from camwatch.registry import models as m
from camwatch.registry.charts import Series, step_chart
from camwatch.registry.estates import Fact, estates
from camwatch.registry.headlines import Standing, current_standing
from camwatch.registry.holdingrows import HoldingRow, Names
from camwatch.registry.verdicts import ConcernIndex

STATUS_LABELS = {
    "match": "match",
    "mismatch": "mismatch",
    "not_reproducible": "not reproducible",
}


@dataclass
class Chart:
    slug: str
    title: str
    about: str
    svgs: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)
    total_rows: int = 0

    def url(self) -> str:
        return reverse("finding-detail", args=[self.slug])


def claims_chart(results: list[Reproduction]) -> Chart:
    counts = Counter(result.status for result in results)
    bars = [
        charts.Bar(
            STATUS_LABELS[status],
            counts[status],
            f"{counts[status]} of {len(results)} claims",
            f"{reverse('claim-list')}?status={status}",
        )
        for status in STATUS_LABELS
    ]
    rows = [
        {
            "investigation": r.investigation,
            "claim": r.claim,
            "published": r.published,
            "recomputed": r.recomputed,
            "status": r.status,
            "cause": r.cause,
        }
        for r in results
    ]
    return Chart(
        "claims",
        "Published claims recomputed from the registry",
        f"Each of the {len(results)} published claims recorded, recomputed from the registry: "
        "it matches, it does not (with the likely cause), or the registry lacks the records.",
        [charts.bar_chart(bars, "Claims by verdict")],
        list(rows[0]) if rows else [],
        rows,
        sorted({r.source for r in results}),
    )


def shares_chart() -> Chart:
    claims = (
        m.Claim.objects.filter(numerator__isnull=False, denominator__isnull=False)
        .exclude(denominator_basis__in=["not_stated"])
        .select_related("investigation", "source")
        .order_by("investigation__published", "position")
    )
    rows, intervals = [], []
    for claim in claims:
        basis = "provided" if claim.denominator_basis == "implied" else claim.denominator_basis
        share = stats.Proportion(claim.numerator, claim.denominator, basis)
        low, high = share.wilson()
        rows.append(_share_row(claim, share, low, high))
        intervals.append(
            charts.Interval(
                f"{claim.subject[:38]}…" if len(claim.subject) > 39 else claim.subject,
                share.share,
                low,
                high,
                f"{claim.numerator}/{claim.denominator} ({share.percent:.1f}%)",
                reverse("investigation-detail", args=[claim.investigation.slug])
                + f"#claim-{claim.key}",
            )
        )
    return Chart(
        "published-shares",
        "Published shares with their 95% intervals",
        "Every published claim that prints both a count and its base, as a share of that base "
        "(the base is named in the table: bodies asked, that responded, or a subgroup), with a "
        "Wilson 95% interval for the uncertainty a base of that size carries.",
        [charts.interval_chart(intervals, "Published shares with 95% intervals")],
        list(rows[0]) if rows else [],
        rows,
        sorted({claim.source.key for claim in claims}),
    )


def _share_row(claim: m.Claim, share: stats.Proportion, low: float, high: float) -> dict[str, Any]:
    return {
        "claim": claim.key,
        "subject": claim.subject,
        "numerator": claim.numerator,
        "denominator": claim.denominator,
        "base": m.DenominatorBasis(claim.denominator_basis).label,
        "percent": round(share.percent, 1),
        "percent_printed": float(claim.percent_printed)
        if claim.percent_printed is not None
        else None,
        "interval_low": round(100 * low, 1),
        "interval_high": round(100 * high, 1),
        "source": claim.source.key,
    }


def sectors_chart(found: Standing) -> Chart:
    flagged = dict(found.by_group)
    registry = Counter(m.PublicBody.objects.current().values_list("kind__group_label", flat=True))
    rows = [
        {
            "sector": sector,
            "with_equipment_of_concern": flagged.get(sector, 0),
            "in_registry": total,
        }
        for sector, total in registry.most_common()
    ]
    bars = [
        charts.Bar(
            row["sector"],
            row["with_equipment_of_concern"],
            f"{row['with_equipment_of_concern']} of {row['in_registry']} in the registry",
        )
        for row in rows
    ]
    return Chart(
        "bodies-by-sector",
        "Bodies found with equipment of concern, by sector",
        "Bodies that have or had equipment from vendors of concern (by their latest disclosures) "
        f"under the policy “{found.policy_name}”, against every body of the sector in the "
        "registry. The registry lists every council and police force, but equipment only where "
        "a source records it: these are counts found so far, not the share of a sample.",
        [charts.bar_chart(bars, "Bodies with equipment of concern by sector")],
        ["sector", "with_equipment_of_concern", "in_registry"],
        rows,
    )


def vendors_chart(rows: list[HoldingRow], names: Names) -> Chart:
    """Devices by vendor as ranges: counted devices, and bodies that gave no count."""
    vendor_names = dict(m.Vendor.objects.values_list("slug", "name"))
    per_vendor: dict[str, dict[Hashable, tuple[int | None, bool]]] = defaultdict(dict)
    for slug, facts in _facts_by_vendor(rows, names).items():
        counted = {estate.body: (estate.count, estate.lower_bound) for estate in estates(facts)}
        for fact in facts:
            per_vendor[slug][fact.body] = counted.get(fact.body, (None, False))
    table, bars = [], []
    for slug, per_body in sorted(
        per_vendor.items(), key=lambda item: (-stats.count_range(item[1]).low, item[0])
    ):
        span = stats.count_range(per_body)
        table.append(
            {
                "vendor": slug,
                "counted_devices": span.low,
                "upper_bound": span.high,
                "bodies_counted": span.bodies_counted,
                "bodies_without_count": span.bodies_uncounted,
            }
        )
        bars.append(
            charts.Bar(
                vendor_names[slug],
                span.low,
                span.describe(),
                reverse("vendor-detail", args=[slug]),
                span.high is None,
            )
        )
    return Chart(
        "devices-by-vendor",
        "Devices recorded by vendor",
        "For each vendor, the devices bodies have disclosed (each body's latest figures, a total "
        "preferred to its parts), and how many bodies with that vendor's equipment gave no count: "
        "a range, at least the counted devices, with no upper bound while counts are missing.",
        [charts.bar_chart(bars, "Devices recorded by vendor")],
        ["vendor", "counted_devices", "upper_bound", "bodies_counted", "bodies_without_count"],
        table,
    )


def _facts_by_vendor(rows: list[HoldingRow], names: Names) -> dict[str, list[Fact]]:
    found: dict[str, list[Fact]] = defaultdict(list)
    for row in rows:
        if row.vendor_id is None or row.status == "planned" or row.count == 0:
            continue
        found[names.vendor_slugs[row.vendor_id]].append(names.fact(row))
    return found


def changes_chart(rows: list[HoldingRow]) -> Chart:
    """Counts for one place, vendor and device type disclosed on more than one date."""
    points = [
        stats.Point(
            (row.scope_body_id or row.body_id, row.vendor_id, row.device_type_id),
            holdingrows.day(row.as_of),
            row.count,
            row.key,
        )
        for row in rows
        if row.count is not None and row.vendor_id is not None
    ]
    found = stats.changes(points)
    labels = _series_labels({change.series for change in found})
    table = [
        {
            "series": labels[change.series],
            "before": change.before.count,
            "before_as_of": change.before.on.isoformat(),
            "after": change.after.count,
            "after_as_of": change.after.on.isoformat(),
            "change": change.delta,
            "holdings": f"{change.before.source}; {change.after.source}",
        }
        for change in found
    ]
    series = defaultdict(list)
    for change in found:
        series[change.series].extend(
            [(change.before.on, change.before.count), (change.after.on, change.after.count)]
        )
    svgs = [
        step_chart(Series(labels[key], sorted(set(pts)))) for key, pts in list(series.items())[:6]
    ]
    return Chart(
        "changes",
        "Change over time",
        "Counts for one place, vendor and device type disclosed on more than one date, "
        "including a shared service's figures for a member's area (3C's Cambridge NVRs "
        "against Cambridge City Council's own earlier figure).",
        svgs,
        ["series", "before", "before_as_of", "after", "after_as_of", "change", "holdings"],
        table,
    )


def _series_labels(keys: set[Hashable]) -> dict[Hashable, str]:
    """ "Cambridge City Council: Hikvision network video recorders", for each series."""
    areas = {key[0] for key in keys}  # type: ignore[index]
    body_names = dict(m.PublicBody.objects.filter(pk__in=areas).values_list("pk", "name"))
    vendor_names = dict(m.Vendor.objects.values_list("pk", "name"))
    devices = {
        pk: plural or f"{label}s"
        for pk, label, plural in m.DeviceType.objects.values_list("pk", "label", "plural")
    }
    return {
        key: f"{body_names[key[0]]}: {vendor_names[key[1]]} {devices.get(key[2], 'equipment')}"  # type: ignore[index]
        for key in keys
    }


SLUGS = ("claims", "published-shares", "bodies-by-sector", "devices-by-vendor", "changes")


SNAPSHOT = "dashboard"
FORMAT = 1  # bump when the stored form of a chart changes
# Rows of each data table in HTML: on the dashboard, and on the chart's own page. The
# chart's JSON and CSV have every row.
TABLE_ROWS = 200
PAGE_ROWS = 2000


def compute(
    rows: list[HoldingRow] | None = None,
    names: Names | None = None,
    found: Standing | None = None,
) -> list[Chart]:
    """Every chart, from one read of the holdings (or the rows given)."""
    names = names or Names.read()
    with holdingrows.bulk():
        rows = list(holdingrows.read()) if rows is None else rows
        charts = [
            claims_chart(reproduce()),
            shares_chart(),
            sectors_chart(found or current_standing()),
            vendors_chart(rows, names),
            changes_chart(rows),
        ]
    for chart in charts:
        chart.total_rows = len(chart.rows)
    return charts


def _head(chart: Chart) -> dict[str, Any]:
    return {**asdict(chart), "rows": chart.rows[:TABLE_ROWS]}


DASHBOARD = snapshots.Derived(
    name=SNAPSHOT,
    build=compute,
    encode=lambda charts: [_head(chart) for chart in charts],
    decode=lambda stored: [Chart(**chart) for chart in stored],
    depends_on=lambda: (FORMAT, TABLE_ROWS, settings.CAMWATCH_CONCERN_POLICY),
    parts=lambda charts: {chart.slug: chart.rows for chart in charts},
)


def build(stale_ok: bool = False) -> list[Chart]:
    """Every chart, each with (at least) its first TABLE_ROWS rows: stored until the
    registry changes (registry/snapshots.py)."""
    return DASHBOARD.get(stale_ok)


def chart_named(slug: str, stale_ok: bool = False) -> Chart | None:
    """One chart with every row."""
    head = next((chart for chart in build(stale_ok) if chart.slug == slug), None)
    if head is None:
        return None
    rows = DASHBOARD.part(slug, stale_ok)
    return replace(head, rows=head.rows if rows is None else rows)


def refresh() -> dict[str, float]:
    """Recompute and store every derived figure now, from one read of the holdings,
    rather than on the next page view; returns how many seconds each step took."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal started
        timings[step] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()

    with holdingrows.bulk():
        names, rows = Names.read(), list(holdingrows.read())
        lap("read holdings")
        found = headlines.compute_standing(ConcernIndex.for_site(), rows, names)
        lap(headlines.SNAPSHOT)
        headlines.STANDING.save(found, headlines.STANDING.key(), timings[headlines.SNAPSHOT])
        charts = compute(rows, names, found)
        lap(SNAPSHOT)
        DASHBOARD.save(charts, DASHBOARD.key(), timings[SNAPSHOT])
        lap("store")
    return timings

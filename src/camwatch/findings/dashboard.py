"""The findings dashboard: each chart with its data table, its denominator and sources.

Every chart is a `Chart`: an SVG, the rows it is drawn from (the same rows serve the
data table, the JSON and the CSV), a sentence on what it counts and of what, and the
sources behind it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from camwatch.findings import charts, stats
from camwatch.findings.reproduce import Reproduction, reproduce
from camwatch.registry import models as m
from camwatch.registry.charts import Series, step_chart
from camwatch.registry.estates import Fact, estates
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


def sectors_chart(index: ConcernIndex, holdings: list[m.Holding]) -> Chart:
    standing = index.standing_facts(holdings)
    bodies = {holding.body_id: holding.body for holding in holdings}
    flagged = Counter(
        bodies[fact.body].kind.group_label for fact in {f.body: f for f in standing}.values()
    )
    registry = Counter(m.PublicBody.objects.current().values_list("kind__group_label", flat=True))
    rows = [
        {"sector": sector, "with_equipment_of_concern": flagged[sector], "in_registry": total}
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
        f"under the policy “{index.policy.name}”, against every body of the sector in the "
        "registry. The registry lists every council and police force, but equipment only where "
        "a source records it: these are counts found so far, not the share of a sample.",
        [charts.bar_chart(bars, "Bodies with equipment of concern by sector")],
        ["sector", "with_equipment_of_concern", "in_registry"],
        rows,
    )


def vendors_chart(holdings: list[m.Holding]) -> Chart:
    """Devices by vendor as ranges: counted devices, and bodies that gave no count."""
    per_vendor: dict[str, dict[int, tuple[int | None, bool]]] = defaultdict(dict)
    names = {}
    for vendor, facts in _facts_by_vendor(holdings).items():
        names[vendor.slug] = vendor.name
        counted = {estate.body: (estate.count, estate.lower_bound) for estate in estates(facts)}
        for fact in facts:
            per_vendor[vendor.slug][fact.body] = counted.get(fact.body, (None, False))
    rows, bars = [], []
    for slug, per_body in sorted(
        per_vendor.items(), key=lambda item: -stats.count_range(item[1]).low
    ):
        span = stats.count_range(per_body)
        rows.append(
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
                names[slug],
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
        rows,
    )


def _facts_by_vendor(holdings: list[m.Holding]) -> dict[m.Vendor, list[Fact]]:
    found: dict[m.Vendor, list[Fact]] = defaultdict(list)
    for holding in holdings:
        if not holding.vendor_id or holding.status == "planned" or holding.count == 0:
            continue
        found[holding.vendor].append(
            Fact(
                body=holding.body_id,
                vendor=holding.vendor.slug,
                device_type=holding.device_type.slug if holding.device_type_id else None,
                scope_kind=holding.scope_kind,
                as_of=holding.as_of,
                count=holding.count,
                qualifier=holding.count_qualifier,
                holding=holding.key,
                precision=holding.as_of_precision or "day",
            )
        )
    return found


def changes_chart(holdings: list[m.Holding]) -> Chart:
    """Counts for one place, vendor and device type disclosed on more than one date."""
    points, labels = [], {}
    for holding in holdings:
        if holding.count is None or not holding.vendor_id:
            continue
        area = holding.scope_body if holding.scope_body_id else holding.body
        device = holding.device_type.label_plural if holding.device_type_id else "equipment"
        key = (area.pk, holding.vendor_id, holding.device_type_id)
        labels[key] = f"{area.name}: {holding.vendor.name} {device}"
        points.append(stats.Point(key, holding.as_of, holding.count, holding.key))
    found = stats.changes(points)
    rows = [
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
        rows,
    )


SLUGS = ("claims", "published-shares", "bodies-by-sector", "devices-by-vendor", "changes")


def build(only: str | None = None) -> list[Chart]:
    """Every chart (or only one), sharing the registry reads between them."""
    holdings = list(m.Holding.objects.with_related().select_related("scope_body"))
    builders: dict[str, Callable[[], Chart]] = {
        "claims": lambda: claims_chart(reproduce()),
        "published-shares": shares_chart,
        "bodies-by-sector": lambda: sectors_chart(ConcernIndex.for_site(), holdings),
        "devices-by-vendor": lambda: vendors_chart(holdings),
        "changes": lambda: changes_chart(holdings),
    }
    return [builders[slug]() for slug in SLUGS if only in (None, slug)]


def chart_named(slug: str) -> Chart | None:
    """One chart, built alone: the dashboard's builders are keyed by slug."""
    return next((chart for chart in build(only=slug) if chart.slug == slug), None)

"""Recomputing published claims from the registry (the Django side of the ledger).

Each claim's recipe (registry/claimspec.py) is evaluated with a handful of counting
queries, so reproducing every claim stays cheap however many holdings there are; the
judgement itself is pure (ledger.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from camwatch.findings import ledger
from camwatch.registry import claimspec
from camwatch.registry import models as m

PART_SCOPES = ("town", "site", "system")


@dataclass(frozen=True)
class Reproduction:
    investigation: str
    claim: str
    text: str
    published: str
    recomputed: str
    status: str
    cause: str
    detail: str
    source: str
    published_figures: dict[str, Any]
    recomputed_figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def device_type_family(slugs: Iterable[str]) -> list[int]:
    """The ids of the device types asked for and every narrower type under them."""
    wanted = set(slugs)
    rows = list(m.DeviceType.objects.values_list("slug", "parent__slug"))
    grew = True
    while grew:
        grew = False
        for slug, parent in rows:
            if parent in wanted and slug not in wanted:
                wanted.add(slug)
                grew = True
    return list(m.DeviceType.objects.filter(slug__in=wanted).values_list("pk", flat=True))


def matching_holdings(
    spec: claimspec.HoldingFilter, investigation: m.Investigation
) -> QuerySet[m.Holding]:
    holdings = m.Holding.objects.exclude(count=0).filter(status__in=spec.statuses)
    if spec.vendors:
        holdings = holdings.attributed_to(spec.vendors)  # type: ignore[attr-defined]
    if spec.device_types:
        holdings = holdings.filter(device_type_id__in=device_type_family(spec.device_types))
    for capability, statuses in spec.capabilities.items():
        holdings = holdings.filter(
            capabilities__capability__slug=capability, capabilities__status__in=statuses
        )
    if spec.this_investigation:
        holdings = holdings.filter(investigation=investigation)
    return holdings


class InvestigationContext:
    """What every claim of one investigation is recomputed against."""

    def __init__(self, investigation: m.Investigation) -> None:
        self.investigation = investigation
        self.targets = m.InvestigationTarget.objects.filter(investigation=investigation)
        self.recorded = self.targets.count()
        self.stated = investigation.stated_target_count
        self.after_publication = self.targets.filter(outcome=m.Outcome.AFTER_PUBLICATION).count()
        self._alternatives: dict[str, int] | None = None

    def count(self, spec: claimspec.CountTargets) -> ledger.Figure:
        base = self.targets
        if spec.kinds:
            base = base.filter(body__kind__slug__in=spec.kinds)
        if spec.nations:
            base = base.filter(body__nation__in=spec.nations)
        chosen = base.filter(outcome__in=spec.outcomes) if spec.outcomes else base
        if spec.with_holding:
            bodies = matching_holdings(spec.with_holding, self.investigation).values("body")
            chosen = chosen.filter(body__in=bodies)
        complete, gaps = self._gaps(spec, base)
        return ledger.Figure(chosen.count(), complete, _describe(spec), gaps)

    def _gaps(
        self, spec: claimspec.CountTargets, base: QuerySet[Any]
    ) -> tuple[bool, tuple[str, ...]]:
        if spec.closed:  # the source names every member: the registry's list is complete
            return (True, ())
        gaps = []
        if self.stated is None:
            gaps.append("how many bodies were asked is not recorded, so not all may be listed")
        elif self.stated > self.recorded:
            unidentified = self.stated - self.recorded
            gaps.append(f"{unidentified} of the {self.stated} bodies asked are not identified")
        if spec.outcomes is not None:
            unknown = base.filter(outcome=m.Outcome.UNKNOWN).count()
            if unknown:
                gaps.append(f"{unknown} recorded targets have no recorded outcome")
        if spec.with_holding and not spec.closed:
            gaps.append("the sources do not name every body with such equipment")
        return (not gaps, tuple(gaps))

    def alternatives(self) -> dict[str, int]:
        """Other bases the claim might have used: all asked, targets of one kind (and of
        one kind in England and Wales), and the bases of the investigation's other claims."""
        if self._alternatives is None:
            found: dict[str, int] = {"all bodies asked": self.stated or self.recorded}
            by_kind: dict[str, int] = {}
            england_wales: dict[str, int] = {}
            groups = (
                self.targets.values("body__kind__label", "body__nation")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for row in groups:
                label = f"{row['body__kind__label'].lower()}s"
                by_kind[label] = by_kind.get(label, 0) + row["n"]
                if row["body__nation"] in ("england", "wales"):
                    england_wales[label] = england_wales.get(label, 0) + row["n"]
            for label in sorted(by_kind):
                found[f"{label} asked"] = by_kind[label]
                found[f"{label} of England and Wales asked"] = england_wales.get(label, 0)
            for key, denominator in self.investigation.claims.exclude(denominator=None).values_list(
                "key", "denominator"
            ):
                found.setdefault(f"the base of claim {key}", denominator)
            self._alternatives = found
        return self._alternatives


def _describe(spec: claimspec.CountTargets) -> str:
    what = "targets"
    if spec.outcomes:
        what += f" with outcome {', '.join(spec.outcomes)}"
    if spec.kinds:
        what += f" of kind {', '.join(spec.kinds)}"
    if spec.with_holding:
        what += " with matching holdings"
    return f"count of {what}"


def sum_holdings(spec: claimspec.SumHoldings, investigation: m.Investigation) -> ledger.Figure:
    holdings = m.Holding.objects.filter(body__slug=spec.body)
    if spec.vendors:
        holdings = holdings.attributed_to(spec.vendors)  # type: ignore[attr-defined]
    if spec.device_types:
        holdings = holdings.filter(device_type_id__in=device_type_family(spec.device_types))
    if spec.this_investigation:
        holdings = holdings.filter(investigation=investigation)
    if spec.year:
        holdings = holdings.filter(as_of__year=spec.year)
    if spec.scope == "parts":
        holdings = holdings.filter(scope_kind__in=PART_SCOPES)
        how = "sum of the disclosed parts"
    else:
        holdings = holdings.filter(scope_kind="whole_body")
        how = "recorded whole-body total"
    total = holdings.aggregate(total=Sum("count"))["total"]
    uncounted = holdings.filter(count=None).count()
    gaps = []
    if total is None:
        gaps.append("no matching holdings are recorded")
    if uncounted:
        gaps.append(f"{uncounted} matching holdings give no count")
    return ledger.Figure(total or 0, not gaps, how, tuple(gaps))


def recompute(claim: m.Claim, context: InvestigationContext) -> ledger.Recomputed:
    if not claim.recompute:
        return ledger.Recomputed(unavailable="no recipe for recomputing this claim is recorded")
    spec = claimspec.Recompute.model_validate(claim.recompute)
    if spec.unavailable:
        return ledger.Recomputed(unavailable=spec.unavailable)

    def figure(part: claimspec.Part | None) -> ledger.Figure | None:
        if part is None:
            return None
        if isinstance(part, claimspec.SumHoldings):
            return sum_holdings(part, claim.investigation)
        return context.count(part)

    return ledger.Recomputed(
        numerator=figure(spec.numerator),
        denominator=figure(spec.denominator),
        value=figure(spec.value),
        answered_after_publication=context.after_publication,
    )


def published_of(claim: m.Claim) -> ledger.Published:
    return ledger.Published(
        key=claim.key,
        value=claim.value,
        numerator=claim.numerator,
        denominator=claim.denominator,
        percent=Decimal(claim.percent_printed) if claim.percent_printed is not None else None,
        corrected_by=claim.correction.key if claim.correction else "",
    )


def reproduce(claims: Iterable[m.Claim] | None = None) -> list[Reproduction]:
    """Recompute every claim (or the given ones) and judge each against its print."""
    if claims is None:
        claims = m.Claim.objects.select_related("investigation", "source", "corrected_by")
    contexts: dict[int, InvestigationContext] = {}
    found = []
    for claim in claims:
        context = contexts.get(claim.investigation_id)
        if context is None:
            context = contexts[claim.investigation_id] = InvestigationContext(claim.investigation)
        found.append(_reproduction(claim, context))
    return found


def _reproduction(claim: m.Claim, context: InvestigationContext) -> Reproduction:
    published = published_of(claim)
    recomputed = recompute(claim, context)
    judgement = ledger.judge(published, recomputed, context.alternatives())
    return Reproduction(
        investigation=claim.investigation.slug,
        claim=claim.key,
        text=claim.text,
        published=judgement.published,
        recomputed=judgement.recomputed,
        status=judgement.status.value,
        cause=judgement.cause,
        detail=judgement.detail,
        source=claim.source.key,
        published_figures=_published_figures(published),
        recomputed_figures=_recomputed_figures(recomputed),
    )


def _published_figures(published: ledger.Published) -> dict[str, Any]:
    return {
        "value": float(published.value) if published.value is not None else None,
        "numerator": published.numerator,
        "denominator": published.denominator,
        "percent": float(published.percent) if published.percent is not None else None,
    }


def _recomputed_figures(recomputed: ledger.Recomputed) -> dict[str, Any]:
    def figure(item: ledger.Figure | None) -> dict[str, Any] | None:
        if item is None:
            return None
        return {
            "value": item.value,
            "complete": item.complete,
            "how": item.how,
            "gaps": list(item.gaps),
        }

    return {
        "value": figure(recomputed.value),
        "numerator": figure(recomputed.numerator),
        "denominator": figure(recomputed.denominator),
        "unavailable": recomputed.unavailable,
    }


def by_claim(claims: Iterable[m.Claim]) -> dict[str, Reproduction]:
    return {result.claim: result for result in reproduce(claims)}


def summary(reproductions: Iterable[Reproduction]) -> dict[str, int]:
    counts = {status.value: 0 for status in ledger.Status}
    for item in reproductions:
        counts[item.status] += 1
    return counts

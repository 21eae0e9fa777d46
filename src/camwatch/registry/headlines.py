"""The home page's figures, each computed from the registry and linked to its proof."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse

from camwatch.registry.estates import CountRow, Estate, estates
from camwatch.registry.models import Claim, Holding, Investigation, PublicBody, Source
from camwatch.registry.verdicts import ConcernIndex


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    label: str
    link: str


@dataclass(frozen=True)
class EstateLine:
    body: PublicBody
    estate: Estate


@dataclass(frozen=True)
class Headlines:
    figures: list[Figure]
    by_group: list[tuple[str, int]]
    estates: list[EstateLine]
    policy_name: str


def concern_holdings(index: ConcernIndex) -> list[Holding]:
    holdings = Holding.objects.with_related()
    return index.concern_holdings(holdings)


def compute(index: ConcernIndex, estate_limit: int = 6) -> Headlines:
    flagged = concern_holdings(index)
    bodies = {holding.body_id: holding.body for holding in flagged}
    groups = Counter(body.kind.group_label for body in bodies.values())
    bodies_url = reverse("body-list")
    figures = [
        Figure(
            "bodies-with-concern-equipment",
            len(bodies),
            "public bodies found with equipment from vendors of concern",
            f"{bodies_url}?concern=1",
        ),
        Figure(
            "holdings-of-concern",
            len(flagged),
            "sourced holdings of that equipment",
            f"{reverse('holding-list')}?concern=1",
        ),
        Figure(
            "public-bodies",
            PublicBody.objects.current().count(),
            "public bodies in the registry",
            bodies_url,
        ),
        Figure(
            "investigations",
            Investigation.objects.count(),
            "investigations recorded",
            reverse("investigation-list"),
        ),
        Figure(
            "claims", Claim.objects.count(), "published claims kept as data", reverse("claim-list")
        ),
        Figure("sources", Source.objects.count(), "sources cited", reverse("source-list")),
    ]
    return Headlines(
        figures=figures,
        by_group=sorted(groups.items(), key=lambda item: (-item[1], item[0])),
        estates=_largest(flagged, bodies, estate_limit),
        policy_name=index.policy.name,
    )


def _largest(flagged: list[Holding], bodies: dict[int, PublicBody], limit: int) -> list[EstateLine]:
    rows = [
        CountRow(
            body=holding.body_id,
            device_type=holding.device_type.slug if holding.device_type_id else None,
            scope_kind=holding.scope_kind,
            as_of=holding.as_of,
            count=holding.count,
            qualifier=holding.count_qualifier,
            holding=holding.key,
            precision=holding.as_of_precision or "day",
        )
        for holding in flagged
        if holding.count is not None
    ]
    return [EstateLine(bodies[estate.body], estate) for estate in estates(rows)[:limit]]

"""The home page's figures, each computed from the registry and linked to its proof."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse

from camwatch.registry.estates import Estate, estates
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


def compute(index: ConcernIndex, estate_limit: int = 6) -> Headlines:
    holdings = list(Holding.objects.with_related())
    flagged = index.concern_holdings(holdings)
    standing = index.standing_facts(holdings)
    bodies = {holding.body_id: holding.body for holding in holdings}
    concerned = {fact.body for fact in standing}
    groups = Counter(bodies[body].kind.group_label for body in concerned)
    bodies_url = reverse("body-list")
    figures = [
        Figure(
            "bodies-with-concern-equipment",
            len(concerned),
            "public bodies that have or had equipment from vendors of concern",
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
        estates=[
            EstateLine(bodies[estate.body], estate)  # type: ignore[index]
            for estate in estates(standing)[:estate_limit]
        ],
        policy_name=index.policy.name,
    )

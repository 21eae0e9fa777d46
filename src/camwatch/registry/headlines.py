"""The home page's figures, each computed from the registry and linked to its proof.

Who has equipment of concern needs every holding; that part (`Standing`) is computed
once per change of the registry and stored (snapshots.py). The plain counts are read
live.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from camwatch.registry import holdingrows, snapshots
from camwatch.registry.estates import Estate, estates, standing
from camwatch.registry.models import Claim, Investigation, PublicBody, Source
from camwatch.registry.verdicts import ConcernIndex

SNAPSHOT = "standing"
FORMAT = 1  # bump when Standing's stored form changes


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    label: str
    link: str


@dataclass(frozen=True)
class BodyRef:
    slug: str
    name: str

    def get_absolute_url(self) -> str:
        return reverse("body-detail", args=[self.slug])


@dataclass(frozen=True)
class EstateLine:
    body: BodyRef
    estate: Estate


@dataclass(frozen=True)
class Standing:
    """Who has equipment of concern by their latest disclosures, under the site's policy."""

    policy_name: str
    bodies: int
    holdings: int
    by_group: list[tuple[str, int]]
    estates: list[EstateLine]
    built: str
    body_ids: frozenset[int] = field(default=frozenset(), compare=False)

    def encode(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("body_ids")
        return data

    @classmethod
    def decode(cls, data: dict[str, Any]) -> Standing:
        lines = [
            EstateLine(BodyRef(**line["body"]), _estate(line["estate"])) for line in data["estates"]
        ]
        groups = [(group, count) for group, count in data["by_group"]]
        return cls(**{**data, "estates": lines, "by_group": groups})


def _estate(data: dict[str, Any]) -> Estate:
    as_of = (
        dt.date.fromisoformat(data["as_of"]) if isinstance(data["as_of"], str) else data["as_of"]
    )
    return Estate(**{**data, "as_of": as_of, "holdings": tuple(data["holdings"])})


def compute_standing(
    index: ConcernIndex,
    rows: Iterable[holdingrows.HoldingRow] | None = None,
    names: holdingrows.Names | None = None,
    estate_limit: int = 6,
) -> Standing:
    """One pass over every holding (or the rows given), as plain rows."""
    names = names or holdingrows.Names.read()
    verdicts = holdingrows.RowVerdicts(index, names)
    facts, flagged = [], 0
    for row in holdingrows.read() if rows is None else rows:
        if row.status == "planned" or not verdicts.vendors_of_concern(row):
            continue
        facts.append(names.fact(row))
        flagged += row.count != 0
    found = standing(facts)
    concerned = frozenset(int(fact.body) for fact in found)  # type: ignore[call-overload]
    groups = Counter(
        label
        for pk, label in PublicBody.objects.values_list("pk", "kind__group_label")
        if pk in concerned
    )
    largest = estates(found)[:estate_limit]
    refs = {
        pk: BodyRef(slug, name)
        for pk, slug, name in PublicBody.objects.filter(
            pk__in=[estate.body for estate in largest]
        ).values_list("pk", "slug", "name")
    }
    return Standing(
        policy_name=index.policy.name,
        bodies=len(concerned),
        holdings=flagged,
        by_group=sorted(groups.items(), key=lambda item: (-item[1], item[0])),
        estates=[EstateLine(refs[estate.body], estate) for estate in largest],  # type: ignore[index]
        built=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        body_ids=concerned,
    )


def _build_standing() -> Standing:
    with holdingrows.bulk():
        return compute_standing(ConcernIndex.for_site())


STANDING = snapshots.Derived(
    name=SNAPSHOT,
    build=_build_standing,
    encode=Standing.encode,
    decode=Standing.decode,
    depends_on=lambda: (FORMAT, settings.CAMWATCH_CONCERN_POLICY),
    bodies=lambda result: result.body_ids,
)


def current_standing(stale_ok: bool = False) -> Standing:
    """The stored Standing while the registry is unchanged, else computed and stored."""
    return STANDING.get(stale_ok)


def concern_bodies() -> Any:
    """The ids of the bodies with equipment of concern, for `pk__in`: the stored rows as a
    subquery (however many), or the fresh set inside an uncommitted change."""
    found = current_standing(stale_ok=True)
    return found.body_ids if snapshots.fresh_only() else snapshots.bodies_of(SNAPSHOT)


@dataclass(frozen=True)
class Headlines:
    figures: list[Figure]
    standing: Standing

    @property
    def by_group(self) -> list[tuple[str, int]]:
        return self.standing.by_group

    @property
    def estates(self) -> list[EstateLine]:
        return self.standing.estates

    @property
    def policy_name(self) -> str:
        return self.standing.policy_name


def compute() -> Headlines:
    found = current_standing(stale_ok=True)
    bodies_url = reverse("body-list")
    figures = [
        Figure(
            "bodies-with-concern-equipment",
            found.bodies,
            "public bodies that have or had equipment from vendors of concern",
            f"{bodies_url}?concern=1",
        ),
        Figure(
            "holdings-of-concern",
            found.holdings,
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
    return Headlines(figures=figures, standing=found)

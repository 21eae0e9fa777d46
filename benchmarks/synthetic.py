"""A synthetic registry at national scale, for benchmarks: by default 50,000 bodies and
1,000,000 holdings (each cited), with shared services, candidate vendors, disclosed
zeros, town-by-town parts, and three FOI campaigns whose claims carry recipes.

Loaded on top of the bundled dataset (vocabularies, vendors, policies) with the bulk
writer in benchmarks/bulk.py; the figures are random but fixed by the seed, so runs
compare. benchmarks/scale.py generates it and measures the findings against it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from benchmarks import bulk
from camwatch.registry import models as m
from camwatch.registry import snapshots
from camwatch.registry.loader.run import load_data
from camwatch.registry.textsearch import search_document, words

VENDOR_WEIGHTS = {
    "hikvision": 40,
    "dahua": 20,
    "ezviz": 5,
    "hilook": 5,
    "lorex": 5,
    "amcrest": 5,
    "swann": 5,
    "indigovision": 5,
    "annke": 5,
    "hiwatch": 5,
}
DEVICE_TYPES = [
    "camera",
    "ip-camera",
    "ptz-camera",
    "dome-camera",
    "nvr",
    "dvr",
    "anpr",
    "body-worn",
]
TOWNS = ["North", "South", "East", "West", "Centre"]
SOURCES = 1_000
GROUPS = 500
CAMPAIGN_TARGETS = 20_000


def _bodies(rng: random.Random, count: int) -> list[int]:
    kinds = list(m.BodyKind.objects.exclude(slug="shared-service").values_list("pk", flat=True))
    nations = [n for n, _ in m.Nation.choices]
    first = bulk.next_id(m.PublicBody)
    columns = ("id", "name", "slug", "kind_id", "nation", "region", "foi_regime")
    columns += ("search_text", "name_key")

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(count):
            name = f"Synthetic body {i}"
            yield (
                *(first + i, name, f"synthetic-{i}", rng.choice(kinds), rng.choice(nations)),
                *(f"Region {i % 12}", "foia", search_document([name]), " ".join(words(name))),
            )

    bulk.insert(m.PublicBody, columns, rows())
    return list(range(first, first + count))


def _groups(rng: random.Random, bodies: list[int]) -> list[int]:
    kind = m.BodyKind.objects.get(slug="shared-service").pk
    first = bulk.next_id(m.PublicBody)
    groups = list(range(first, first + GROUPS))
    columns = ("id", "name", "slug", "kind_id", "nation", "foi_regime", "search_text")
    names = [f"Synthetic service {i}" for i in range(GROUPS)]
    bulk.insert(
        m.PublicBody,
        columns,
        (
            (pk, name, f"synthetic-service-{i}", kind, "england", "foia", search_document([name]))
            for i, (pk, name) in enumerate(zip(groups, names, strict=True))
        ),
    )
    bulk.insert(
        m.Membership,
        ("group_id", "member_id"),
        ((group, member) for group in groups for member in rng.sample(bodies, 3)),
    )
    return groups


def _holding(rng: random.Random, key: str, body: int, lookups: dict[str, Any]) -> tuple[Any, ...]:
    vendors, types = lookups["vendors"], lookups["types"]
    slug = rng.choices(lookups["vendor_slugs"], weights=lookups["weights"])[0]
    roll = rng.random()
    count = None if roll < 0.1 else 0 if roll < 0.15 else rng.randint(1, 500)
    part = rng.random() < 0.1
    return (
        *(key, body, None if rng.random() < 0.01 else vendors[slug]),
        *(types[rng.choice(DEVICE_TYPES)], count, "not_stated" if count is None else "exact"),
        "planned" if rng.random() < 0.02 else "in_use",
        dt.date(rng.randint(2016, 2025), rng.randint(1, 12), 1),
        *("month", "town" if part else "whole_body", rng.choice(TOWNS) if part else ""),
        *("foi_response", "medium"),
    )


HOLDING_COLUMNS = ("id", "key", "body_id", "vendor_id", "device_type_id", "count")
HOLDING_COLUMNS += ("count_qualifier", "status", "as_of", "as_of_precision", "scope_kind")
HOLDING_COLUMNS += ("scope_name", "method", "confidence")


def _holdings(rng: random.Random, bodies: list[int], total: int) -> int:
    lookups = {
        "vendors": dict(m.Vendor.objects.values_list("slug", "pk")),
        "types": dict(m.DeviceType.objects.values_list("slug", "pk")),
        "vendor_slugs": list(VENDOR_WEIGHTS),
        "weights": list(VENDOR_WEIGHTS.values()),
    }
    first_source = bulk.next_id(m.Source)
    bulk.insert(
        m.Source,
        ("id", "key", "kind", "title"),
        (
            (first_source + i, f"synthetic-source-{i}", "foi-response", f"Synthetic reply {i}")
            for i in range(SOURCES)
        ),
    )
    first = bulk.next_id(m.Holding)
    plan = ((body, n) for n in range(total // len(bodies) + 1) for body in bodies)
    unattributed: list[int] = []

    def holdings() -> Iterator[tuple[Any, ...]]:
        for i, (body, n) in enumerate(plan):
            if i == total:
                return
            row = _holding(rng, f"synthetic-{body}-{n}", body, lookups)
            if row[2] is None:
                unattributed.append(first + i)
            yield (first + i, *row)

    made = bulk.insert(m.Holding, HOLDING_COLUMNS, holdings())
    bulk.insert(
        m.HoldingSource,
        ("holding_id", "source_id", "quote"),
        ((first + i, first_source + rng.randrange(SOURCES), "synthetic") for i in range(made)),
    )
    candidates = [lookups["vendors"]["hikvision"], lookups["vendors"]["dahua"]]
    bulk.insert(
        m.Holding.vendor_candidates.through,
        ("holding_id", "vendor_id"),
        ((holding, vendor) for holding in unattributed for vendor in candidates),
    )
    return made


def _campaigns(rng: random.Random, bodies: list[int]) -> None:
    source = m.Source.objects.get(key="synthetic-source-0")
    outcomes = ["provided", "provided", "provided", "no_response", "withheld", "not_held"]
    for i in range(3):
        asked = rng.sample(bodies, min(CAMPAIGN_TARGETS, len(bodies)))
        investigation = m.Investigation.objects.create(
            slug=f"synthetic-campaign-{i}",
            title=f"Synthetic campaign {i}",
            kind="foi_campaign",
            conducted_by="benchmarks",
            stated_target_count=len(asked),
        )
        bulk.insert(
            m.InvestigationTarget,
            ("investigation_id", "body_id", "outcome"),
            ((investigation.pk, body, rng.choice(outcomes)) for body in asked),
        )
        m.Holding.objects.filter(body__in=asked[: len(asked) // 4]).update(
            investigation=investigation
        )
        for j, vendors in enumerate([["hikvision"], ["dahua"], ["hikvision", "dahua"]]):
            m.Claim.objects.create(
                investigation=investigation,
                key=f"synthetic-{i}-{j}",
                text="synthetic claim",
                subject=f"bodies with {'/'.join(vendors)}",
                numerator=rng.randint(1000, 9000),
                denominator=12_000,
                denominator_basis="provided",
                percent_printed=50,
                source=source,
                recompute={
                    "numerator": {
                        "count": "targets",
                        "outcomes": ["provided"],
                        "with_holding": {"vendors": vendors},
                    },
                    "denominator": {"count": "targets", "outcomes": ["provided"]},
                },
            )


def generate(bodies: int = 50_000, holdings: int = 1_000_000, seed: int = 1) -> dict[str, int]:
    """Load the bundled data, then the synthetic registry; return the table sizes."""
    load_data()
    rng = random.Random(seed)
    with transaction.atomic():
        created = _bodies(rng, bodies)
        created += _groups(rng, created)
        made = _holdings(rng, created, holdings)
        _campaigns(rng, created)
        bulk.reset_sequences(
            m.PublicBody,
            m.Membership,
            m.Source,
            m.Holding,
            m.HoldingSource,
            m.Holding.vendor_candidates.through,
            m.InvestigationTarget,
        )
    snapshots.bump()  # the bulk writes bypass the signals that note a change
    return {
        "bodies": m.PublicBody.objects.count(),
        "holdings": m.Holding.objects.count(),
        "synthetic_holdings": made,
        "citations": m.HoldingSource.objects.count(),
        "targets": m.InvestigationTarget.objects.count(),
        "claims": m.Claim.objects.count(),
    }

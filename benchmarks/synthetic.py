"""A synthetic registry at national scale, for benchmarks: by default 50,000 bodies and
1,000,000 holdings (each cited), with shared services, candidate vendors, disclosed
zeros, town-by-town parts, and three FOI campaigns whose claims carry recipes.

Loaded on top of the bundled dataset (vocabularies, vendors, policies), with bulk
inserts; the figures are random but fixed by the seed, so runs compare.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from camwatch.registry import models as m
from camwatch.registry.loader.run import load_data
from camwatch.registry.textsearch import search_document, words

BATCH = 5_000
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


def _batches(items: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bodies(rng: random.Random, count: int) -> list[m.PublicBody]:
    kinds = list(m.BodyKind.objects.exclude(slug="shared-service"))
    nations = [n for n, _ in m.Nation.choices]
    created = []
    for batch in _batches(iter(range(count))):
        rows = []
        for i in batch:
            name = f"Synthetic body {i}"
            rows.append(
                m.PublicBody(
                    name=name,
                    slug=f"synthetic-{i}",
                    kind=rng.choice(kinds),
                    nation=rng.choice(nations),
                    region=f"Region {i % 12}",
                    foi_regime="foia",
                    search_text=search_document([name]),
                    name_key=" ".join(words(name)),
                )
            )
        created.extend(m.PublicBody.objects.bulk_create(rows))
    return created


def _groups(rng: random.Random, bodies: list[m.PublicBody], count: int) -> None:
    kind = m.BodyKind.objects.get(slug="shared-service")
    groups = m.PublicBody.objects.bulk_create(
        m.PublicBody(
            name=f"Synthetic service {i}",
            slug=f"synthetic-service-{i}",
            kind=kind,
            nation="england",
            foi_regime="foia",
            search_text=search_document([f"Synthetic service {i}"]),
        )
        for i in range(count)
    )
    m.Membership.objects.bulk_create(
        m.Membership(group=group, member=member)
        for group in groups
        for member in rng.sample(bodies, 3)
    )
    bodies.extend(groups)


def _holding(
    rng: random.Random,
    body: m.PublicBody,
    n: int,
    vendors: dict[str, m.Vendor],
    types: dict[str, m.DeviceType],
) -> m.Holding:
    slug = rng.choices(list(VENDOR_WEIGHTS), weights=list(VENDOR_WEIGHTS.values()))[0]
    roll = rng.random()
    count = None if roll < 0.1 else 0 if roll < 0.15 else rng.randint(1, 500)
    part = rng.random() < 0.1
    return m.Holding(
        key=f"synthetic-{body.pk}-{n}",
        body=body,
        vendor=None if rng.random() < 0.01 else vendors[slug],
        device_type=types[rng.choice(DEVICE_TYPES)],
        count=count,
        count_qualifier="not_stated" if count is None else "exact",
        status="planned" if rng.random() < 0.02 else "in_use",
        as_of=dt.date(rng.randint(2016, 2025), rng.randint(1, 12), 1),
        as_of_precision="month",
        scope_kind="town" if part else "whole_body",
        scope_name=rng.choice(TOWNS) if part else "",
        method="foi_response",
        confidence="medium",
    )


def _holdings(rng: random.Random, bodies: list[m.PublicBody], total: int) -> int:
    vendors = {v.slug: v for v in m.Vendor.objects.all()}
    types = {t.slug: t for t in m.DeviceType.objects.all()}
    sources = m.Source.objects.bulk_create(
        m.Source(key=f"synthetic-source-{i}", kind="foi-response", title=f"Synthetic reply {i}")
        for i in range(1_000)
    )
    candidates = [vendors["hikvision"], vendors["dahua"]]
    made = 0
    plan = ((body, n) for n in range(total // len(bodies) + 1) for body in bodies)
    for batch in _batches(plan):
        batch = batch[: total - made]
        if not batch:
            break
        holdings = m.Holding.objects.bulk_create(
            _holding(rng, b, n, vendors, types) for b, n in batch
        )
        m.HoldingSource.objects.bulk_create(
            m.HoldingSource(holding=h, source=rng.choice(sources), quote="synthetic")
            for h in holdings
        )
        m.Holding.vendor_candidates.through.objects.bulk_create(
            m.Holding.vendor_candidates.through(holding_id=h.pk, vendor_id=v.pk)
            for h in holdings
            if h.vendor_id is None
            for v in candidates
        )
        made += len(holdings)
    return made


def _campaigns(rng: random.Random, bodies: list[m.PublicBody]) -> None:
    source = m.Source.objects.get(key="synthetic-source-0")
    outcomes = ["provided", "provided", "provided", "no_response", "withheld", "not_held"]
    for i in range(3):
        asked = rng.sample(bodies, 20_000)
        investigation = m.Investigation.objects.create(
            slug=f"synthetic-campaign-{i}",
            title=f"Synthetic campaign {i}",
            kind="foi_campaign",
            conducted_by="benchmarks",
            stated_target_count=len(asked),
        )
        m.InvestigationTarget.objects.bulk_create(
            (
                m.InvestigationTarget(
                    investigation=investigation, body=b, outcome=rng.choice(outcomes)
                )
                for b in asked
            ),
            batch_size=BATCH,
        )
        m.Holding.objects.filter(body__in=[b.pk for b in asked[:5_000]]).update(
            investigation=investigation
        )
        for j, (vendors, basis) in enumerate(
            [
                (["hikvision"], "provided"),
                (["dahua"], "provided"),
                (["hikvision", "dahua"], "provided"),
            ]
        ):
            m.Claim.objects.create(
                investigation=investigation,
                key=f"synthetic-{i}-{j}",
                text="synthetic claim",
                subject=f"bodies with {'/'.join(vendors)}",
                numerator=rng.randint(1000, 9000),
                denominator=12_000,
                denominator_basis=basis,
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
        _groups(rng, created, 500)
        made = _holdings(rng, created, holdings)
        _campaigns(rng, created)
    return {
        "bodies": m.PublicBody.objects.count(),
        "holdings": m.Holding.objects.count(),
        "synthetic_holdings": made,
        "citations": m.HoldingSource.objects.count(),
        "targets": m.InvestigationTarget.objects.count(),
        "claims": m.Claim.objects.count(),
    }

"""Matching published names to bodies and organisations, with a person in the loop.

An exact or probable match links the record. An uncertain one is queued as a NameReview
and the record stays unlinked (its name as published is always kept). Accepting a review
makes the name an alias of its candidate and links every record that carries it, so that
the decision holds for every later import too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from camwatch.money import models as mm
from camwatch.money.matching import NameIndex
from camwatch.registry import models as m

LINKED = ("exact", "probable")


@dataclass
class Tally:
    linked: int = 0
    queued: int = 0
    unmatched: int = 0
    created: int = 0

    def as_dict(self) -> dict[str, int]:
        return vars(self).copy()


@dataclass
class Matchers:
    """Indexes over the bodies' and the organisations' names and aliases, built once."""

    bodies: NameIndex = field(init=False)
    organisations: NameIndex = field(init=False)
    body_by_slug: dict[str, m.PublicBody] = field(init=False)
    org_by_slug: dict[str, mm.Organisation] = field(init=False)
    org_by_number: dict[str, mm.Organisation] = field(init=False)
    buyers: Tally = field(default_factory=Tally)
    suppliers: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.body_by_slug = {b.slug: b for b in m.PublicBody.objects.all()}
        self.bodies = NameIndex({s: [b.name, *b.aliases] for s, b in self.body_by_slug.items()})
        self._index_organisations()

    def _index_organisations(self) -> None:
        self.org_by_slug = {o.slug: o for o in mm.Organisation.objects.all()}
        self.organisations = NameIndex(
            {slug: [o.name, *o.aliases] for slug, o in self.org_by_slug.items()}
        )
        self.org_by_number = {
            o.company_number: o for o in self.org_by_slug.values() if o.company_number
        }

    def buyer(self, name: str) -> m.PublicBody | None:
        if not name:
            return None
        match = self.bodies.match(name)
        if match.verdict in LINKED and match.key:
            self.buyers.linked += 1
            return self.body_by_slug[match.key]
        if match.verdict == "uncertain" and match.key:
            _queue("buyer", name, match.score, body=self.body_by_slug[match.key])
            self.buyers.queued += 1
        else:
            self.buyers.unmatched += 1
        return None

    def supplier(
        self, name: str, identifier: str = "", create: bool = True
    ) -> mm.Organisation | None:
        """The organisation of this name or company number; a new one if nothing is close
        (when `create`), or None while an uncertain match waits for a person."""
        if identifier and identifier in self.org_by_number:
            self.suppliers.linked += 1
            return self.org_by_number[identifier]
        if not name:
            return None
        match = self.organisations.match(name)
        if match.verdict in LINKED and match.key:
            self.suppliers.linked += 1
            return self.org_by_slug[match.key]
        if match.verdict == "uncertain" and match.key:
            _queue("supplier", name, match.score, organisation=self.org_by_slug[match.key])
            self.suppliers.queued += 1
            return None
        if not create:
            self.suppliers.unmatched += 1
            return None
        return self._create(name, identifier)

    def _create(self, name: str, identifier: str) -> mm.Organisation:
        base = slugify(name)[:100] or "organisation"
        slug, n = base, 1
        while slug in self.org_by_slug:
            n += 1
            slug = f"{base}-{n}"
        org = mm.Organisation.objects.create(
            slug=slug,
            name=name[:300],
            kind=mm.OrganisationKind.SUPPLIER,
            company_number=identifier[:40],
            origin=mm.Origin.OCDS,
        )
        self.suppliers.created += 1
        self._index_organisations()  # later notices in this import find it exactly
        return org


def _queue(
    kind: str,
    name: str,
    score: float,
    body: m.PublicBody | None = None,
    organisation: mm.Organisation | None = None,
) -> None:
    """Queue a name once; a decision already taken on it is kept."""
    mm.NameReview.objects.get_or_create(
        kind=kind,
        name=name[:300],
        defaults={"candidate_body": body, "candidate_organisation": organisation, "score": score},
    )


@transaction.atomic
def decide(review: mm.NameReview, accept: bool, who: str) -> int:
    """Accept or reject a queued match. Accepting adds the alias and links the records
    that carry the name; returns how many were linked."""
    review.status = mm.ReviewStatus.ACCEPTED if accept else mm.ReviewStatus.REJECTED
    review.decided_by = who[:150]
    review.save()
    if not accept:
        return 0
    if review.kind == "buyer" and review.candidate_body:
        body = review.candidate_body
        _add_alias(body, review.name)
        contracts = mm.Contract.objects.filter(buyer__isnull=True, buyer_name=review.name)
        return _link(contracts, "buyer", body)
    org = review.candidate_organisation
    if org is None:
        return 0
    _add_alias(org, review.name)
    contracts = mm.Contract.objects.filter(
        supplier__isnull=True, supplier_body__isnull=True, supplier_name=review.name
    )
    payments = mm.Payment.objects.filter(supplier__isnull=True, supplier_name=review.name)
    return _link(contracts, "supplier", org) + _link(payments, "supplier", org)


def _add_alias(named: m.PublicBody | mm.Organisation, alias: str) -> None:
    if alias not in named.aliases:
        named.aliases = [*named.aliases, alias]
        named._change_reason = "name review accepted"  # type: ignore[union-attr]
        named.save(update_fields=["aliases", "modified"])


def _link(records: Any, field_name: str, target: Any) -> int:
    """Saved one by one, not with update(), so that each link is in the history."""
    count = 0
    for record in records:
        setattr(record, field_name, target)
        record._change_reason = "name review accepted"
        record.save(update_fields=[field_name, "modified"])
        count += 1
    return count

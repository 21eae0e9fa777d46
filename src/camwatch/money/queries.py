"""Reading the registry and the money tables into the plain facts that trail.py judges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, Q

from camwatch.coding.lexicon import MAKER_CONFIDENCE, MAKER_RELATIONS
from camwatch.money import models as mm
from camwatch.money import trail
from camwatch.registry import models as m
from camwatch.registry.dates import PartialDate, Precision
from camwatch.registry.verdicts import ConcernIndex


def partial(start: Any, precision: str) -> PartialDate | None:
    return PartialDate(start, Precision(precision or "day")) if start else None


def brands_of() -> dict[str, set[str]]:
    """For each vendor, itself and the vendors that are its brands, subsidiaries or OEMs."""
    found: dict[str, set[str]] = defaultdict(set)
    for slug in m.Vendor.objects.values_list("slug", flat=True):
        found[slug].add(slug)
    # A brand or a rebadge counts under a policy that names its maker, when the relation is
    # known well enough: the same relations the response coding takes for "who made it".
    relations = m.VendorRelation.objects.filter(
        kind__in=MAKER_RELATIONS, confidence__in=MAKER_CONFIDENCE
    )
    for brand, maker in relations.values_list("vendor__slug", "target__slug"):
        found[maker].add(brand)
    return found


def policy_facts(policies: Iterable[mm.StatedPolicy]) -> list[trail.PolicyFact]:
    brands = brands_of()
    facts = []
    for policy in policies:
        covered = {slug for v in policy.vendors.all() for slug in brands.get(v.slug, {v.slug})}
        facts.append(
            trail.PolicyFact(
                key=policy.key,
                body=policy.body.slug,
                stance=policy.stance,
                vendors=frozenset(covered),
                stated=PartialDate(policy.stated, Precision(policy.stated_precision or "day")),
                effective=partial(policy.effective, policy.effective_precision),
                deadline=partial(policy.deadline, policy.deadline_precision),
            )
        )
    return facts


def holding_facts(bodies: Iterable[int]) -> list[trail.HoldingFact]:
    holdings = (
        m.Holding.objects.filter(body__in=list(bodies), vendor__isnull=False)
        .select_related("body", "vendor", "device_type")
        .order_by("as_of", "key")
    )
    return [
        trail.HoldingFact(
            key=h.key,
            body=h.body.slug,
            vendor=h.vendor.slug,
            status=h.status,
            as_of=PartialDate(h.as_of, Precision(h.as_of_precision or "day")),
            count=h.count,
            summary=h.summary(),
        )
        for h in holdings
    ]


def contract_facts(contracts: Iterable[mm.Contract]) -> list[trail.ContractFact]:
    supplied = organisation_vendors()
    return [
        trail.ContractFact(
            key=c.key,
            buyer=c.buyer.slug if c.buyer else "",
            manufacturers=frozenset(manufacturers_behind(c, supplied)),
            start=partial(c.start, c.start_precision),
            title=c.title,
        )
        for c in contracts
    ]


def organisation_vendors() -> dict[int, set[str]]:
    """The manufacturers each organisation is known to supply, install or integrate."""
    found: dict[int, set[str]] = defaultdict(set)
    for org, vendor in mm.OrganisationVendor.objects.values_list("organisation", "vendor__slug"):
        found[org].add(vendor)
    return found


def manufacturers_behind(contract: mm.Contract, supplied: dict[int, set[str]]) -> set[str]:
    """Named on the contract, or known to come through its supplier or integrator."""
    named = {vendor.slug for vendor in contract.manufacturers.all()}
    for org in (contract.supplier_id, contract.integrator_id):
        if org:
            named |= supplied.get(org, set())
    return named


def contracts_with_related(queryset: Any = None) -> Any:
    queryset = mm.Contract.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "buyer", "buyer__kind", "supplier", "supplier_body", "integrator", "source"
    ).prefetch_related(Prefetch("manufacturers", queryset=m.Vendor.objects.order_by("name")))


@dataclass(frozen=True)
class PolicyReport:
    contradictions: list[trail.Contradiction]
    progress: list[trail.Progress]


def policy_report(body: m.PublicBody | None = None) -> PolicyReport:
    """Every stated policy (or one body's) judged against its body's holdings and contracts:
    the contradictions and the removal progress, from one reading of the facts."""
    stated = mm.StatedPolicy.objects.select_related("body").prefetch_related("vendors")
    if body is not None:
        stated = stated.filter(body=body)
    policies = list(stated)
    facts = policy_facts(policies)
    bodies = {p.body.pk for p in policies}
    holdings = holding_facts(bodies)
    contracts = contracts_with_related(mm.Contract.objects.filter(buyer__in=bodies))
    return PolicyReport(
        contradictions=trail.contradictions(facts, holdings, contract_facts(contracts)),
        progress=trail.removal_progress(facts, holdings),
    )


def contracts_bought(body: m.PublicBody) -> list[mm.Contract]:
    """A body's contracts, each with `behind`: the manufacturers named or supplied through
    its supplier or integrator (for the body's page and its money trail)."""
    contracts = list(contracts_with_related(mm.Contract.objects.filter(buyer=body)))
    supplied = organisation_vendors()
    for contract in contracts:
        contract.behind = sorted(manufacturers_behind(contract, supplied))  # type: ignore[attr-defined]
    return contracts


def concern_test() -> Any:
    """A vendor slug -> of concern today, under the site's policy (False if none loaded)."""
    try:
        index = ConcernIndex.for_site()
    except ImproperlyConfigured:
        return lambda slug: False
    return lambda slug: index.verdict(slug).of_concern


def spends(body: m.PublicBody | None = None) -> list[trail.Spend]:
    """Every contract and surveillance payment as an amount, with whether a vendor of concern
    is behind it. Contracts of unstated value are left out: there is nothing to add up."""
    of_concern = concern_test()
    supplied = organisation_vendors()
    contracts = contracts_with_related(mm.Contract.objects.filter(value__isnull=False))
    # Lines kept with --all-lines (refuse collection, say) are not surveillance spend.
    payments = (
        mm.Payment.objects.filter(
            Q(surveillance=True) | Q(supplier__vendor_relations__isnull=False)
        )
        .distinct()
        .select_related("body", "body__kind", "supplier")
    )
    if body is not None:
        contracts = contracts.filter(buyer=body)
        payments = payments.filter(body=body)
    found = []
    for c in contracts.filter(buyer__isnull=False):
        behind = manufacturers_behind(c, supplied)
        found.append(_spend(c.buyer, c.start, c.value, c.currency, behind, of_concern, "contract"))
    for p in payments:
        behind = supplied.get(p.supplier_id, set()) if p.supplier_id else set()
        found.append(_spend(p.body, p.date, p.amount, p.currency, behind, of_concern, "payment"))
    return found


def _spend(
    body: m.PublicBody,
    start: Any,
    amount: Decimal,
    currency: str,
    behind: set[str],
    of_concern: Any,
    kind: str,
) -> trail.Spend:
    return trail.Spend(
        body=body.slug,
        sector=body.kind.group_label if body.kind_id else "",
        year=start.year if start else None,
        amount=amount,
        currency=currency,
        of_concern=any(of_concern(slug) for slug in behind),
        kind=kind,
    )


def supplier_deals() -> list[trail.SupplierDeal]:
    """One deal per contract and organisation (its supplier, and its integrator if another)."""
    supplied = organisation_vendors()
    deals = []
    contracts = contracts_with_related(
        mm.Contract.objects.filter(Q(supplier__isnull=False) | Q(integrator__isnull=False))
    )
    for c in contracts:
        behind = frozenset(manufacturers_behind(c, supplied))
        for org in {o for o in (c.supplier, c.integrator) if o is not None}:
            buyer = c.buyer.slug if c.buyer else c.buyer_name
            deals.append(trail.SupplierDeal(org.slug, buyer, c.value, c.currency, behind))
    return deals

"""The money trail's findings in one structure: the /money/ page, its JSON and
`camwatch money summary --json` all show this."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from camwatch.money import models as mm
from camwatch.money import queries, rows, trail

CAVEAT = (
    "A contract's value is the value of the whole contract or payment as published: it "
    "usually covers installation, maintenance and services as well as hardware, so it is "
    "not what was spent on any one manufacturer's equipment. Amounts in different "
    "currencies are never added together."
)


def money_summary() -> dict[str, Any]:
    spends = queries.spends()
    policies = queries.policy_report()
    return {
        "caveat": CAVEAT,
        "concern_policy": settings.CAMWATCH_CONCERN_POLICY,
        "counts": {
            "contracts": mm.Contract.objects.count(),
            "organisations": mm.Organisation.objects.count(),
            "payments": mm.Payment.objects.count(),
            "stated_policies": mm.StatedPolicy.objects.count(),
            "names_to_review": mm.NameReview.objects.filter(status="pending").count(),
        },
        "spend_by_body": trail.spend_table(spends, "body").rows(),
        "spend_by_sector": trail.spend_table(spends, "sector").rows(),
        "spend_by_year": trail.spend_table(spends, "year").rows(),
        "league_table": [
            rows.league_row(row)
            for row in trail.league_table(queries.supplier_deals(), queries.concern_test())
        ],
        "contradictions": [rows.contradiction_row(c) for c in policies.contradictions],
        "removal_progress": [rows.progress_row(p) for p in policies.progress],
    }

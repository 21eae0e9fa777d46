"""The money trail's section on a body's page (registry/panels.py)."""

from __future__ import annotations

from typing import Any

from camwatch.money import models as mm
from camwatch.money import queries
from camwatch.registry.models import PublicBody
from camwatch.registry.panels import BodyPanel


def money_context(body: PublicBody) -> dict[str, Any]:
    """Always shown, with the link to the full trail, so that a reader knows where to look
    even when nothing is recorded yet."""
    contracts = queries.contracts_bought(body)
    policies = list(
        mm.StatedPolicy.objects.filter(body=body)
        .select_related("source")
        .prefetch_related("vendors")
    )
    return {
        "body": body,
        "contracts": contracts,
        "policies": policies,
        "contradictions": queries.policy_report(body).contradictions if policies else [],
        "payments": mm.Payment.objects.filter(body=body).count(),
        "received": mm.Contract.objects.filter(supplier_body=body).count(),
    }


PANEL = BodyPanel("money", "money/_body_panel.html", money_context)

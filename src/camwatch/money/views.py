"""/money/, contracts, organisations, stated policies, a body's money trail and the queue
of uncertain name matches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from camwatch.money import models as mm
from camwatch.money import queries, rows, trail
from camwatch.money.summary import CAVEAT, money_summary
from camwatch.registry import models as m
from camwatch.registry.charts import Series, step_chart
from camwatch.web.formats import FormatView, page_envelope, paginate
from camwatch.web.permissions import require

REVIEW_PERMISSION = "money.review_names"


class MoneySummaryView(FormatView):
    """The CSV is the spend by body; the JSON carries every table."""

    template_name = "money/summary.html"
    csv_name = "money-spend-by-body"

    def load(self, **kwargs: Any) -> None:
        self.summary = money_summary()

    def context(self) -> dict[str, Any]:
        return {**self.summary, "title": "Follow the money"}

    def json_data(self) -> Any:
        return self.summary

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.summary["spend_by_body"]


class ContractListView(FormatView):
    template_name = "money/contract_list.html"
    csv_name = "contracts"

    def load(self, **kwargs: Any) -> None:
        self.contracts = queries.contracts_with_related().order_by("start", "key")
        if self.fmt != "csv":
            self.page = paginate(self.request, self.contracts, self.fmt)

    def context(self) -> dict[str, Any]:
        return {"page": self.page, "contracts": self.page.object_list, "title": "Contracts"}

    def json_data(self) -> Any:
        results = [rows.contract_row(c, self.request) for c in self.page.object_list]
        return page_envelope(self.request, self.page, results)

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.contract_row(c, self.request) for c in self.contracts.iterator(chunk_size=500))


class ContractDetailView(FormatView):
    template_name = "money/contract_detail.html"

    def load(self, key: str = "", **kwargs: Any) -> None:
        self.contract = get_object_or_404(queries.contracts_with_related(), key=key)
        self.csv_name = f"contract-{key}"
        self.behind = queries.manufacturers_behind(self.contract, queries.organisation_vendors())

    def context(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "behind": m.Vendor.objects.filter(slug__in=self.behind),
            "caveat": CAVEAT,
            "title": self.contract.title,
        }

    def json_data(self) -> Any:
        return {**rows.contract_row(self.contract, self.request), "behind": sorted(self.behind)}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return [rows.contract_row(self.contract, self.request)]


def _organisations() -> Any:
    return mm.Organisation.objects.prefetch_related(
        "vendor_relations__vendor", "vendor_relations__source"
    )


class OrganisationListView(FormatView):
    template_name = "money/organisation_list.html"
    csv_name = "organisations"

    def load(self, **kwargs: Any) -> None:
        self.organisations = _organisations()
        if self.fmt != "csv":
            self.page = paginate(self.request, self.organisations, self.fmt)

    def context(self) -> dict[str, Any]:
        return {"page": self.page, "organisations": self.page.object_list, "title": "Organisations"}

    def json_data(self) -> Any:
        results = [rows.organisation_row(o, self.request) for o in self.page.object_list]
        return page_envelope(self.request, self.page, results)

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.organisation_row(o, self.request) for o in self.organisations)


class OrganisationDetailView(FormatView):
    template_name = "money/organisation_detail.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        self.organisation = get_object_or_404(_organisations(), slug=slug)
        self.csv_name = f"{slug}-contracts"
        self.contracts = list(
            queries.contracts_with_related().filter(
                Q(supplier=self.organisation) | Q(integrator=self.organisation)
            )
        )

    def context(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "contracts": self.contracts,
            "title": self.organisation.name,
        }

    def json_data(self) -> Any:
        return {
            **rows.organisation_row(self.organisation, self.request),
            "contracts": [rows.contract_row(c, self.request) for c in self.contracts],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return [rows.contract_row(c, self.request) for c in self.contracts]


class PolicyListView(FormatView):
    template_name = "money/policy_list.html"
    csv_name = "stated-policies"

    def load(self, **kwargs: Any) -> None:
        self.policies = list(
            mm.StatedPolicy.objects.select_related("body", "source").prefetch_related("vendors")
        )
        self.contradictions = queries.policy_report().contradictions
        broken = {c.policy.key for c in self.contradictions}
        self.rows = [rows.policy_row(p, p.key in broken) for p in self.policies]

    def context(self) -> dict[str, Any]:
        by_policy: dict[str, list[trail.Contradiction]] = {}
        for found in self.contradictions:
            by_policy.setdefault(found.policy.key, []).append(found)
        for policy in self.policies:
            policy.contradictions = by_policy.get(policy.key, [])  # for the template
        return {"policies": self.policies, "title": "Stated policies"}

    def json_data(self) -> Any:
        return {
            "policies": self.rows,
            "contradictions": [rows.contradiction_row(c) for c in self.contradictions],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.rows


class BodyMoneyView(FormatView):
    """A body's money trail: contracts, suppliers, the manufacturers behind them, spend
    over time, and what it has said about vendors of concern."""

    template_name = "money/body_money.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        self.body = get_object_or_404(m.PublicBody.objects.select_related("kind"), slug=slug)
        self.csv_name = f"{slug}-contracts"
        self.contracts = queries.contracts_bought(self.body)
        self.supplied = list(queries.contracts_with_related().filter(supplier_body=self.body))
        self.payments = list(
            mm.Payment.objects.filter(body=self.body).select_related("supplier", "source")
        )
        self.policies = list(
            mm.StatedPolicy.objects.filter(body=self.body)
            .select_related("source")
            .prefetch_related("vendors")
        )
        report = queries.policy_report(self.body)
        self.contradictions, self.progress = report.contradictions, report.progress

    def context(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "contracts": self.contracts,
            "supplied": self.supplied,
            "payments": self.payments,
            "policies": self.policies,
            "contradictions": self.contradictions,
            "progress": self.progress,
            "spend_chart": _spend_chart(self.payments),
            "by_year": trail.spend_table(queries.spends(self.body), "year").rows(),
            "caveat": CAVEAT,
            "title": f"{self.body.name}: money trail",
        }

    def json_data(self) -> Any:
        return {
            "body": self.body.slug,
            "caveat": CAVEAT,
            "contracts": [
                {**rows.contract_row(c, self.request), "behind": c.behind} for c in self.contracts
            ],
            "supplied_as_shared_service": [
                rows.contract_row(c, self.request) for c in self.supplied
            ],
            "payments": [rows.payment_row(p) for p in self.payments],
            "stated_policies": [rows.policy_row(p) for p in self.policies],
            "contradictions": [rows.contradiction_row(c) for c in self.contradictions],
            "removal_progress": [rows.progress_row(p) for p in self.progress],
            "spend_by_year": trail.spend_table(queries.spends(self.body), "year").rows(),
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return [rows.contract_row(c, self.request) for c in self.contracts]


def _spend_chart(payments: list[mm.Payment]) -> Any:
    """Dated payment lines in pounds, added up by year; totals over a period are listed,
    not charted, since they cannot be put on one year."""
    by_year: dict[int, float] = {}
    for p in payments:
        if p.end is None and p.currency == "GBP":
            by_year[p.date.year] = by_year.get(p.date.year, 0.0) + float(p.amount)
    if len(by_year) < 2:
        return None
    points = [(dt.date(year, 1, 1), round(total)) for year, total in sorted(by_year.items())]
    return step_chart(Series(label="Paid by year (£)", points=points))


class NameReviewView(View):
    """Reviewers confirm or reject names that matched only uncertainly."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, REVIEW_PERMISSION, "Reviewing name matches")
        pending = mm.NameReview.objects.filter(status="pending").select_related(
            "candidate_body", "candidate_organisation"
        )
        return render(
            request, "money/name_review.html", {"reviews": pending, "title": "Names to review"}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, REVIEW_PERMISSION, "Reviewing name matches")
        review = get_object_or_404(mm.NameReview, pk=request.POST.get("review"), status="pending")
        accept = request.POST.get("decision") == "accept"
        from camwatch.money.names import decide  # the matcher loads only for reviewers

        linked = decide(review, accept, request.user.get_username())
        verb = f"Accepted; {linked} record(s) linked" if accept else "Rejected"
        messages.success(request, f"{verb}: {review.name}")
        return redirect("money-names")

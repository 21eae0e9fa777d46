"""/investigations/ and /investigations/<slug>/ (whose CSV is the targets)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from camwatch.findings.reproduce import by_claim
from camwatch.registry import embargo, rows
from camwatch.registry import models as m
from camwatch.web.formats import FormatView


class InvestigationListView(FormatView):
    template_name = "registry/investigation_list.html"
    csv_name = "investigations"

    def load(self, **kwargs: Any) -> None:
        self.investigations = list(
            m.Investigation.objects.annotate(
                target_count=Count("targets", distinct=True),
                claim_count=Count("claims", distinct=True),
            ).order_by("-published", "title")
        )

    def row(self, investigation: m.Investigation) -> dict[str, Any]:
        return {
            **rows.investigation_row(investigation, self.request),
            "targets_recorded": investigation.target_count,  # type: ignore[attr-defined]
            "claims": investigation.claim_count,  # type: ignore[attr-defined]
        }

    def context(self) -> dict[str, Any]:
        return {"investigations": self.investigations, "title": "Investigations"}

    def json_data(self) -> Any:
        return {"results": [self.row(item) for item in self.investigations]}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (self.row(item) for item in self.investigations)


class InvestigationDetailView(FormatView):
    """The CSV is the targets: one row per body asked, with its outcome. An investigation
    under embargo is shown to its team only (opened for the request) and to nobody else,
    who get the 404 of one that does not exist."""

    template_name = "registry/investigation_detail.html"

    def get(self, request: HttpRequest, fmt: str = "html", **kwargs: Any) -> HttpResponse:
        found = m.Investigation.all_objects.filter(slug=kwargs.get("slug", "")).first()
        self.found = found if found is not None and found.visible_to(request.user) else None
        if self.found is None or self.found.is_public():
            return super().get(request, fmt, **kwargs)
        with embargo.opened([self.found.pk]):
            response = super().get(request, fmt, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def load(self, slug: str = "", **kwargs: Any) -> None:
        if self.found is None:  # none, or one under embargo and not the user's to see
            raise Http404(f"no investigation {slug!r}")
        self.investigation = self.found
        self.csv_name = f"{slug}-targets"
        self.targets = list(
            self.investigation.targets.select_related(
                "body", "body__kind", "source", "investigation"
            )
        )
        self.claims = list(
            self.investigation.claims.select_related(
                "source", "corrected_by__investigation", "investigation"
            )
        )
        self.holdings = list(
            m.Holding.objects.with_related().filter(investigation=self.investigation)
        )
        self.results = by_claim(self.claims)

    def outcome_counts(self) -> list[tuple[str, int]]:
        labels = dict(m.Outcome.choices)
        counts = Counter(target.outcome for target in self.targets)
        return [
            (labels[outcome], counts[outcome]) for outcome in m.Outcome.values if counts[outcome]
        ]

    def context(self) -> dict[str, Any]:
        stated = self.investigation.stated_target_count
        return {
            "investigation": self.investigation,
            "embargoed": not self.investigation.is_public(),
            "targets": self.targets,
            "outcome_counts": self.outcome_counts(),
            "unidentified_targets": max(stated - len(self.targets), 0) if stated else 0,
            "claims": [
                (claim, rows.claim_row(claim), self.results[claim.key]) for claim in self.claims
            ],
            "holdings": self.holdings,
            "sources": self.investigation.sources.all(),
            "title": self.investigation.title,
        }

    def json_data(self) -> Any:
        investigation = self.investigation
        return {
            **rows.investigation_row(investigation, self.request),
            "summary": investigation.summary,
            "method": investigation.method,
            "questions": investigation.questions,
            "target_description": investigation.target_description,
            "notes": investigation.notes,
            "sources": [source.key for source in investigation.sources.all()],
            "targets": [rows.target_row(t, self.request) for t in self.targets],
            "claims": [
                {**rows.claim_row(c, self.request), "reproduction": self.results[c.key].as_dict()}
                for c in self.claims
            ],
            "holdings": [rows.holding_row(h, self.request) for h in self.holdings],
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return (rows.target_row(target, self.request) for target in self.targets)

"""/coding/: the review queue (upload, then accept, edit or reject each suggestion beside
its highlighted evidence), and /coding/<id>/public/, the published copy of a reply with
personal data removed. Reviewing needs the coding.review_document permission (or staff)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from camwatch.coding import highlight
from camwatch.coding.ingest import ingest_bytes
from camwatch.coding.limits import Limits
from camwatch.coding.models import Document, Suggestion, SuggestionStatus
from camwatch.coding.review import ReviewError, accept, reject
from camwatch.registry import embargo
from camwatch.registry.models import DeviceType, PublicBody, Vendor
from camwatch.web.formats import FormatView
from camwatch.web.permissions import allowed, require

OUTCOMES = [
    ("provided", "provided"),
    ("partly_provided", "partly provided"),
    ("not_held", "not held"),
    ("refused", "refused"),
    ("ncnd", "neither confirm nor deny"),
]


REVIEW_PERMISSION = "coding.review_document"


def can_review(user: Any) -> bool:
    return allowed(user, REVIEW_PERMISSION)


def _reviewer(request: HttpRequest) -> None:
    require(request.user, REVIEW_PERMISSION, "reviewing replies")


def visible_documents(user: Any) -> Any:
    """Documents a reviewer may see: a reply to an FOI campaign or an investigation under
    embargo only by its team, as everywhere else (foi/views.py, registry/embargo.py)."""
    from camwatch.foi.views import visible_campaigns

    campaigns = visible_campaigns(user).values("pk")
    investigations = embargo.investigations_for(user).values("pk")
    return Document.objects.filter(
        Q(foi_request__isnull=True) | Q(foi_request__campaign__in=campaigns)
    ).filter(Q(investigation__isnull=True) | Q(investigation__in=investigations))


class QueueView(FormatView):
    template_name = "coding/queue.html"
    csv_name = "coding-queue"

    def load(self, **kwargs: Any) -> None:
        if not self.request.user.is_authenticated:
            raise Http404("no such page")
        _reviewer(self.request)
        pending = Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.PENDING))
        documents = (
            visible_documents(self.request.user)
            .select_related("body")
            .annotate(pending=pending, total=Count("suggestions"))
        )
        self.rows = [
            {"id": d.pk, "name": d.name, "body": d.body.name if d.body else "",
             "format": d.format, "pending": d.pending, "suggestions": d.total,
             "created": d.created, "url": d.get_absolute_url()}
            for d in documents
        ]  # fmt: skip

    def context(self) -> dict[str, Any]:
        return {
            "title": "Response coding",
            "rows": self.rows,
            "bodies": PublicBody.objects.order_by("name").only("slug", "name"),
            "investigations": embargo.investigations_for(self.request.user)
            .order_by("title")
            .only("slug", "title"),
            "limit": Limits.from_environment().max_file_bytes,
        }

    def json_data(self) -> Any:
        return {"documents": self.rows}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.rows


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    _reviewer(request)
    files = request.FILES.getlist("files")
    body = PublicBody.objects.filter(slug=request.POST.get("body", "")).first()
    chosen = request.POST.get("investigation", "")
    investigation = embargo.investigations_for(request.user).filter(slug=chosen).first()
    limits = Limits.from_environment()
    last = None
    for upload in files:
        if upload.size > limits.max_file_bytes:
            messages.error(
                request, f"{upload.name}: larger than the limit of {limits.max_file_bytes:,} bytes"
            )
            continue
        done = ingest_bytes(
            upload.name, upload.read(), limits, body=body, investigation=investigation,
            uploaded_by=request.user,
        )  # fmt: skip
        for error in done.errors:
            messages.error(request, error)
        if done.document is not None:
            last = done.document
            note = "read" if done.created else "already here (same SHA-256)"
            messages.success(request, f"{upload.name}: {note}")
    if not files:
        messages.error(request, "choose at least one file")
    return redirect(last.get_absolute_url() if last and len(files) == 1 else "coding-queue")


class DocumentView(FormatView):
    template_name = "coding/document.html"

    def load(self, pk: int = 0, **kwargs: Any) -> None:
        if not self.request.user.is_authenticated:
            raise Http404("no such page")
        _reviewer(self.request)
        found = visible_documents(self.request.user).select_related("body")
        self.document = get_object_or_404(found, pk=pk)
        self.suggestions = list(self.document.suggestions.select_related("reviewer", "holding"))
        self.csv_name = f"coding-document-{pk}"

    def context(self) -> dict[str, Any]:
        return {
            "title": f"Review {self.document.name}",
            "document": self.document,
            "pages": highlight.pages(self.document, self.suggestions),
            "suggestions": self.suggestions,
            "pending": sum(s.status == SuggestionStatus.PENDING for s in self.suggestions),
            "vendors": Vendor.objects.order_by("name").only("slug", "name"),
            "device_types": DeviceType.objects.order_by("sort_order").only("slug", "label"),
            "outcomes": OUTCOMES,
        }

    def json_data(self) -> Any:
        document = self.document
        return {
            "id": document.pk, "name": document.name, "sha256": document.sha256,
            "body": document.body.slug if document.body else None,
            "errors": document.errors, "notices": document.notices,
            "suggestions": [s.as_dict() for s in self.suggestions],
        }  # fmt: skip

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        for suggestion in self.suggestions:
            row = suggestion.as_dict()
            yield {**{k: v for k, v in row.items() if k != "evidence"}, **row["evidence"]}


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    visible = Suggestion.objects.filter(document__in=visible_documents(request.user))
    suggestion = get_object_or_404(visible.select_related("document"), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "reject":
            reject(suggestion, request.user)
        elif action == "accept":
            edits = {k[5:]: v.strip() for k, v in request.POST.items() if k.startswith("edit-")}
            messages.success(request, accept(suggestion, request.user, edits))
        else:
            messages.error(request, f"unknown action {action!r}")
    except ReviewError as error:
        messages.error(request, str(error))
    following = suggestion.document.suggestions.filter(
        status=SuggestionStatus.PENDING, order__gt=suggestion.order
    ).first()
    anchor = f"#suggestion-{following.pk}" if following else ""
    return redirect(suggestion.document.get_absolute_url() + anchor)


@require_safe
def public(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply as published: only once a fact from it was accepted, and with officers'
    personal data and the censor rules' phrases removed."""
    document = get_object_or_404(Document.objects.select_related("body"), pk=pk)
    used = document.suggestions.filter(
        status__in=[SuggestionStatus.ACCEPTED, SuggestionStatus.EDITED]
    ).exists()
    embargoed = (
        document.foi_request and not document.foi_request.campaign.visible_to(request.user)
    ) or (document.investigation and not document.investigation.visible_to(request.user))
    if not used or embargoed:
        raise Http404("this reply is not published")
    rules = document.applicable_rules()
    parts = [
        {
            "name": document.published(part["name"], rules),
            "pages": [document.published(page, rules) for page in part["pages"]],
        }
        for part in document.parts
    ]
    accepted = [
        (suggestion, document.published(suggestion.quote, rules))
        for suggestion in document.suggestions.filter(
            status__in=[SuggestionStatus.ACCEPTED, SuggestionStatus.EDITED]
        )
    ]
    name = document.published(document.name, rules)
    context = {
        "title": name,
        "name": name,
        "document": document,
        "parts": parts,
        "accepted": accepted,
    }
    return render(request, "coding/public.html", context)

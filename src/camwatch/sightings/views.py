"""/sightings/new/ (contribute), /sightings/review/ (reviewers verify or reject) and the
photos: the published copy only once its sighting is verified, the original only to
reviewers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from camwatch.sightings.contribute import (
    Contribution,
    ContributionError,
    contribute,
    submitter_key,
)
from camwatch.sightings.forms import SightingForm
from camwatch.sightings.mapconfig import map_config, with_basemap_policy
from camwatch.sightings.models import Sighting, SightingPhoto, Status
from camwatch.sightings.photos import PhotoError
from camwatch.web.permissions import allowed, require

SESSION_KEY = "contributed_sightings"


REVIEW_PERMISSION = "sightings.review_sighting"


def can_review(user: Any) -> bool:
    return allowed(user, REVIEW_PERMISSION)


def new(request: HttpRequest) -> HttpResponse:
    form = SightingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("photo")
        contribution = Contribution(form.sighting_fields(), upload.read() if upload else None)
        key = submitter_key(request.user, request.META.get("REMOTE_ADDR", ""))
        try:
            sighting = contribute(
                contribution, request.user, key, settings.CAMWATCH_CONTRIBUTIONS_PER_HOUR
            )
        except ContributionError as error:
            status = 429 if error.field == "rate" else 200
            form.add_error(None if error.field == "rate" else error.field, error.reason)
            return _form_page(request, form, status)
        except PhotoError as error:
            form.add_error("photo", str(error))
        else:
            # The contributor's session may see what it sent before review; nobody else.
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), sighting.pk][
                -50:
            ]
            return redirect("sighting-thanks", sighting.pk)
    return _form_page(request, form)


def _form_page(request: HttpRequest, form: SightingForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "title": "Add a camera", "map_config": map_config()}
    return with_basemap_policy(render(request, "sightings/new.html", context, status=status))


def _own(request: HttpRequest, sighting_id: int) -> bool:
    return sighting_id in request.session.get(SESSION_KEY, [])


@require_safe
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    if not _own(request, pk):
        raise Http404("no such sighting")
    sighting = get_object_or_404(Sighting, pk=pk)
    photos = list(sighting.photos.all())
    return render(
        request,
        "sightings/thanks.html",
        {"sighting": sighting, "photos": photos, "title": "Thank you"},
    )


def _reviewer(request: HttpRequest) -> None:
    require(request.user, REVIEW_PERMISSION, "reviewing sightings")


@login_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    _reviewer(request)
    pending = (
        Sighting.objects.filter(status=Status.PENDING)
        .select_related("vendor", "possible_duplicate_of")
        .prefetch_related("photos")
    )
    return render(
        request, "sightings/review.html", {"pending": pending, "title": "Review sightings"}
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    sighting = get_object_or_404(Sighting, pk=pk, status=Status.PENDING)
    action = request.POST.get("action")
    if action not in ("verify", "reject"):
        messages.error(request, f"unknown action {action!r}")
        return redirect("sighting-review")
    sighting.status = Status.VERIFIED if action == "verify" else Status.REJECTED
    sighting.reviewer, sighting.reviewed_at = request.user, timezone.now()
    sighting.save()
    messages.success(request, f"sighting {sighting.pk} {sighting.get_status_display()}")
    return redirect("sighting-review")


@require_safe
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The published copy (no metadata, blurred), once its sighting is verified."""
    item = get_object_or_404(SightingPhoto.objects.select_related("sighting"), pk=pk)
    visible = item.sighting.status == Status.VERIFIED or _own(request, item.sighting_id)
    if not visible and not can_review(request.user):
        raise Http404("no such photo")
    return FileResponse(item.published.open("rb"), content_type="image/jpeg")


@login_required
@require_safe
def original(request: HttpRequest, pk: int) -> FileResponse:
    """The photo as received, with its metadata: reviewers only."""
    _reviewer(request)
    item = get_object_or_404(SightingPhoto, pk=pk)
    return FileResponse(item.original.open("rb"), as_attachment=True, filename=f"original-{pk}")

"""Deleted records, found in their history and restored from it: nothing an admin deletes
is lost.

Every editable model keeps its history (django-simple-history), and a deletion is a
history row of its own ("-") holding the record as it was. /admin/deleted/ lists the
records whose last row is a deletion and that are still gone, newest first, for the models
the user may add. Restoring saves that last state again under its old primary key; the
history then records the restoration (who, when) after the deletion. Many-to-many links
are not restored (the history keeps the record's own fields): the page says so beside each
record that had such links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from simple_history.utils import get_history_manager_for_model

from camwatch.registry import embargo

APPS = ("registry", "money", "sightings", "foi", "coding")
LIMIT = 200  # deletions listed per model


@dataclass(frozen=True)
class Deleted:
    model: str  # "registry.vendor"
    label: str  # the model's verbose name
    pk: Any
    text: str  # the record as it was, as the admin names it
    when: dt.datetime
    who: str
    has_links: bool  # many-to-many links, which a restore does not bring back


def tracked_models(user: Any) -> list[type[models.Model]]:
    """The models with history in camwatch's apps that this user may add records to."""
    found = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            if hasattr(meta, "simple_history_manager_attribute") and user.has_perm(
                f"{meta.app_label}.add_{meta.model_name}"
            ):
                found.append(model)
    return found


def deleted_records(user: Any) -> list[Deleted]:
    """Records deleted and not restored since, newest first; not those of an investigation
    under embargo whose team the user is not on (registry/embargo.py)."""
    hidden = set(embargo.sealed().values_list("pk", flat=True)) - set(embargo.team_ids(user))
    found: list[Deleted] = []
    for model in tracked_models(user):
        found.extend(_deleted_of(model, hidden))
    return sorted(found, key=lambda item: item.when, reverse=True)


def _sealed_by(row: Any, model: type[models.Model]) -> Any:
    """The investigation a deleted record belonged to, where it says."""
    path = getattr(model._default_manager, "path", None)
    if path == "self":
        return row.pk
    return getattr(row, "investigation_id", None) if path == "investigation" else None


def _deleted_of(model: type[models.Model], hidden: set[int]) -> list[Deleted]:
    pk_name = model._meta.pk.attname
    rows = (
        get_history_manager_for_model(model)
        .filter(history_type="-")
        .order_by("-history_date")[:LIMIT]
    )
    latest = {getattr(row, pk_name): row for row in reversed(rows)}  # the newest per record
    alive = set(model._base_manager.filter(pk__in=latest).values_list("pk", flat=True))
    has_links = bool(model._meta.many_to_many)
    return [
        Deleted(
            model=model._meta.label_lower,
            label=str(model._meta.verbose_name),
            pk=pk,
            text=_described(row.instance, model, pk),
            when=row.history_date,
            who=row.history_user.get_username() if row.history_user_id else "",
            has_links=has_links,
        )
        for pk, row in latest.items()
        if pk not in alive and _sealed_by(row.instance, model) not in hidden
    ]


def _described(record: models.Model, model: type[models.Model], pk: Any) -> str:
    """The record as the admin names it; a name that needs a record deleted with it (a
    citation names its holding) falls back to the kind and the key."""
    try:
        return str(record)[:200]
    except ObjectDoesNotExist:
        return f"{model._meta.verbose_name} {pk}"


def restore(model: type[models.Model], pk: Any) -> models.Model | None:
    """Save the record's last state again, under its old key; None when it is not deleted
    (never was, or restored already)."""
    if model._base_manager.filter(pk=pk).exists():
        return None
    pk_name = model._meta.pk.attname
    last = (
        get_history_manager_for_model(model)
        .filter(**{pk_name: pk})
        .order_by("-history_date")
        .first()
    )
    if last is None or last.history_type != "-":
        return None
    record: models.Model = last.instance
    with transaction.atomic():
        record.save(force_insert=True)
    return record


@staff_member_required
@require_http_methods(["GET", "POST"])
def deleted_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _restore_posted(request)
    context = {"records": deleted_records(request.user), "title": "Deleted records"}
    return render(request, "web/deleted.html", context)


def _restore_posted(request: HttpRequest) -> HttpResponse:
    label, pk = request.POST.get("model", ""), request.POST.get("pk", "")
    allowed = {model._meta.label_lower: model for model in tracked_models(request.user)}
    if label not in allowed or not pk:
        return HttpResponseBadRequest("say which record to restore: model and pk\n")
    model = allowed[label]
    try:
        key = model._meta.pk.to_python(pk)
    except Exception:  # a key that is not of the model's type: no such record
        return HttpResponseBadRequest(f"{pk!r} is not a key of {label}\n")
    if restore(model, key) is None:
        return HttpResponseBadRequest(f"{label} {pk} is not a deleted record\n")
    return redirect("admin-deleted")

"""Deleted records, found in their history and restored from it: nothing an admin deletes
is lost.

Every editable model keeps its history (django-simple-history), and a deletion is a
history row of its own ("-") holding the record as it was. /admin/deleted/ lists the
records whose last row is a deletion and that are still gone, newest first, for the models
the user may add. Restoring saves that last state again under its old primary key; the
history then records the restoration (who, when) after the deletion.

A restore brings back what the deletion took with it:
- the records deleted with it by cascade (a holding's citations and capabilities, an
  investigation's targets, claims and locations), each from its own history row. A
  cascade is recorded as one deletion row per record, by the same user, written moments
  apart inside one transaction: rows within CASCADE_WINDOW of the record's own and by
  the same user count as deleted with it, and are restored, and their own cascades after
  them. A record deleted on its own before (outside the window, or by someone else) stays
  deleted, and is listed to be restored on its own;
- its many-to-many links (a holding's candidate vendors, an investigation's sources and
  team...), as its history last recorded them before the deletion, to the records that
  still exist. Every such link is in the history (`m2m_fields`), which a test checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from simple_history.utils import get_history_manager_for_model, get_m2m_reverse_field_name

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
    hidden = set(embargo.sealed_ids()) - set(embargo.team_ids(user))
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
    return [
        Deleted(
            model=model._meta.label_lower,
            label=str(model._meta.verbose_name),
            pk=pk,
            text=_described(row.instance, model, pk),
            when=row.history_date,
            who=row.history_user.get_username() if row.history_user_id else "",
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


# How far apart the history rows of one cascade of deletions may be: they are written one
# by one in the deleting transaction, milliseconds apart however many there are.
CASCADE_WINDOW = dt.timedelta(seconds=10)


@dataclass
class Restored:
    records: list[models.Model] = field(default_factory=list)  # the record first
    links: int = 0


def _history(model: type[models.Model]) -> Any:
    return get_history_manager_for_model(model)


def restore(model: type[models.Model], pk: Any) -> Restored | None:
    """Save the record's last state again under its old key, with the records deleted with
    it and its many-to-many links; None when it is not deleted (never was, or restored
    already). One transaction: all of it comes back, or nothing."""
    if model._base_manager.filter(pk=pk).exists():
        return None
    last = _history(model).filter(**{model._meta.pk.attname: pk}).order_by("-history_date")
    row = last.first()
    if row is None or row.history_type != "-":
        return None
    restored = Restored()
    with transaction.atomic():
        _bring_back(model, row, restored)
    return restored


def _bring_back(model: type[models.Model], row: Any, restored: Restored) -> None:
    record: models.Model = row.instance
    record.save(force_insert=True)
    restored.records.append(record)
    restored.links += _relink(model, row, record) + _pointed_back(model, record.pk)
    for child, attname in _cascades(model):
        for child_row in _deleted_with(child, attname, record.pk, row):
            if not child._base_manager.filter(pk=child_row.instance.pk).exists():
                _bring_back(child, child_row, restored)


def _cascades(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """The models with history whose records a deletion of this one cascades to, each with
    the column that points here."""
    return [
        (relation.related_model, relation.field.attname)
        for relation in model._meta.related_objects
        if relation.one_to_many
        and relation.on_delete is models.CASCADE
        and hasattr(relation.related_model._meta, "simple_history_manager_attribute")
    ]


def _pointed_back(model: type[models.Model], pk: Any) -> int:
    """Records whose link to this one the deletion set to null (a holding's investigation)
    point to it again. Django sets them with an update, which their history does not see:
    so their history still says they pointed here, and those that still point nowhere
    are the ones to mend."""
    mended = 0
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not (
            relation.one_to_many
            and relation.on_delete is models.SET_NULL
            and hasattr(related._meta, "simple_history_manager_attribute")
        ):
            continue
        attname = relation.field.attname
        pk_name = related._meta.pk.attname
        once = _history(related).filter(**{attname: pk}).values_list(pk_name, flat=True)
        orphans = related._base_manager.filter(**{f"{pk_name}__in": once, attname: None})
        said = _last_said(related, orphans.values_list("pk", flat=True), attname)
        still = [orphan for orphan, value in said.items() if value == pk]
        mended += related._base_manager.filter(pk__in=still).update(**{attname: pk})
    return mended


def _last_said(model: type[models.Model], pks: Any, attname: str) -> dict[Any, Any]:
    """What each record's newest history row says of `attname`, in one query."""
    pk_name = model._meta.pk.attname
    rows = _history(model).filter(**{f"{pk_name}__in": pks}).order_by(pk_name, "-history_date")
    said: dict[Any, Any] = {}
    for pk, value in rows.values_list(pk_name, attname).iterator():
        said.setdefault(pk, value)
    return said


def _deleted_with(child: type[models.Model], attname: str, pk: Any, parent: Any) -> list[Any]:
    """The child records deleted in the same cascade as the parent's row, the newest
    deletion row of each."""
    rows = _history(child).filter(
        history_type="-",
        history_user_id=parent.history_user_id,
        history_date__gte=parent.history_date - CASCADE_WINDOW,
        history_date__lte=parent.history_date + CASCADE_WINDOW,
        **{attname: pk},
    )
    newest = {row.instance.pk: row for row in rows.order_by("history_date")}
    return list(newest.values())


def _relink(model: type[models.Model], row: Any, record: models.Model) -> int:
    """Add back the many-to-many links the history last recorded before the deletion (the
    deletion's own row has none: Django removes the links first)."""
    tracked = getattr(row, "_history_m2m_fields", [])
    if not tracked:
        return 0
    before = (
        _history(model)
        .filter(**{model._meta.pk.attname: record.pk}, history_date__lt=row.history_date)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )
    if before is None:
        return 0
    added = 0
    for m2m in tracked:
        target = get_m2m_reverse_field_name(m2m)
        wanted = [getattr(link, f"{target}_id") for link in getattr(before, m2m.name).all()]
        alive = m2m.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        ids = list(alive)
        getattr(record, m2m.name).add(*ids)
        added += len(ids)
    return added


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
    try:
        done = restore(model, key)
    except IntegrityError as error:  # a record made since holds its key or its slug
        return HttpResponseBadRequest(f"{label} {pk} cannot be restored: {error}\n")
    if done is None:
        return HttpResponseBadRequest(f"{label} {pk} is not a deleted record\n")
    messages.success(request, described(done))
    return redirect("admin-deleted")


def described(done: Restored) -> str:
    """ "Restored holding X, with 2 records deleted with it and 1 link"."""
    first, others = done.records[0], len(done.records) - 1
    said = f"Restored {first._meta.verbose_name} {_described(first, type(first), first.pk)}"
    extras = []
    if others:
        extras.append(f"{others} record{'s' if others != 1 else ''} deleted with it")
    if done.links:
        extras.append(f"{done.links} link{'s' if done.links != 1 else ''}")
    return said + (f", with {' and '.join(extras)}" if extras else "")

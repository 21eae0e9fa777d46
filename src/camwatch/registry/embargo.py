"""Investigations under embargo: sealed from everyone but their team until a date.

An investigation with `embargo_until` later than today is *sealed*. Its records (its
targets, claims, survey locations and holdings, and the sources only it lists) are left
out of every query made through the models' `objects` managers, which are their default
managers: so every public page, the API, the exports, the findings and the statistics
show the published registry and nothing else, and a new view is sealed without having to
remember to be. On the day the embargo ends the records appear everywhere at once.

Whoever may see a sealed investigation (Investigation.visible_to: its owner, its team
and the admins) sees it on its own page, which opens it for the length of the request
(`opened`). Code that must see everything (the loader, the admin for an admin, backups)
uses the `all_objects` managers.

Derived figures are not stored while an investigation is opened (snapshots.Derived), and
their keys name the last embargo to have ended (`lifted_through`), so that a figure
stored the day before an embargo ends is not served after it.

Each request reads the sealed investigations once (`fixed`, web/middleware.py), so that its
queries carry a list of ids, or no filter at all when nothing is sealed; elsewhere each
query carries a subquery, which costs a large count up to half as much again
(benchmarks/bench_embargo.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

V = TypeVar("V")

if TYPE_CHECKING:
    _Manager = models.Manager[Any]
else:
    _Manager = models.Manager

# Investigations opened for this request (or this thread of work) by the caller, who has
# checked that the user may see them.
_opened: ContextVar[frozenset[int]] = ContextVar("camwatch_opened", default=frozenset())
# Everything unsealed: for the loader, which keeps the whole registry in step with its files.
_unsealed: ContextVar[bool] = ContextVar("camwatch_unsealed", default=False)


class _ReadOnce:
    """The sealed investigations, read when a query first needs them and kept for the rest
    of a request or a task (`fixed`): the queries then carry a list of ids, none at all
    when nothing is sealed, instead of a subquery each. A request that makes no such query
    (a cached page, the map, a 404) reads nothing."""

    def __init__(self) -> None:
        self.ids: frozenset[int] | None = None

    def get(self) -> frozenset[int]:
        if self.ids is None:
            self.ids = frozenset(_under_embargo().values_list("pk", flat=True))
        return self.ids


_fixed: ContextVar[_ReadOnce | None] = ContextVar("camwatch_sealed_now", default=None)


def _investigations() -> Any:
    return apps.get_model("registry", "Investigation").all_objects


def _under_embargo(today: dt.date | None = None) -> models.QuerySet[Any]:
    """Every investigation under embargo today, opened or not."""
    return _investigations().filter(embargo_until__gt=today or timezone.localdate())


def sealed(today: dt.date | None = None) -> models.QuerySet[Any]:
    """The investigations under embargo today and not opened in this context."""
    found = _under_embargo(today)
    opened_now = _opened.get()
    return found.exclude(pk__in=opened_now) if opened_now else found


def published_q(today: dt.date | None = None) -> Q:
    """The condition an investigation meets when anyone may see it in this context."""
    today = today or timezone.localdate()
    shown = Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
    opened_now = _opened.get()
    return shown | Q(pk__in=opened_now) if opened_now else shown


def _hidden() -> Any:
    """The sealed investigations not opened here: a list of ids inside `fixed`, else a
    subquery."""
    once = _fixed.get()
    if once is None:
        return sealed().values("pk")
    return sorted(once.get() - _opened.get())


def sealed_ids() -> list[int]:
    """The ids of the sealed investigations not opened here (read once inside `fixed`)."""
    hidden = _hidden()
    return hidden if isinstance(hidden, list) else list(sealed().values_list("pk", flat=True))


def _sources_only_sealed(queryset: models.QuerySet[Any], hidden: Any) -> models.QuerySet[Any]:
    """Sources listed by a sealed investigation and by no investigation anyone may see."""
    listed = apps.get_model("registry", "Investigation").sources.through.objects
    return queryset.exclude(
        Q(pk__in=listed.filter(investigation__in=hidden).values("source"))
        & ~Q(pk__in=listed.exclude(investigation__in=hidden).values("source"))
    )


def hide(queryset: models.QuerySet[Any], path: str) -> models.QuerySet[Any]:
    """`queryset` without what sealed investigations hold: `path` leads from its model to
    the investigation ("self" for investigations, "sources" for sources)."""
    if _unsealed.get():
        return queryset
    if path == "self":
        return queryset.filter(published_q())
    hidden = _hidden()
    if isinstance(hidden, list) and not hidden:
        return queryset  # nothing is sealed: no filter at all
    if path == "sources":
        return _sources_only_sealed(queryset, hidden)
    # exclude() keeps rows whose investigation is null (Django adds the IS NOT NULL).
    return queryset.exclude(**{f"{path}__in": hidden})


class PublishedManager(_Manager):
    """The default manager of a model whose records an investigation may seal. `path` is
    a class attribute, since Django's related managers subclass this one."""

    path = ""

    def get_queryset(self) -> models.QuerySet[Any]:
        return hide(super().get_queryset(), self.path)


class PublishedInvestigations(PublishedManager):
    path = "self"


class SealedByInvestigation(PublishedManager):
    """Targets, claims, locations and holdings."""

    path = "investigation"


class SealedByHolding(PublishedManager):
    """A holding's citations and capabilities."""

    path = "holding__investigation"


class PublishedSources(PublishedManager):
    path = "sources"


class EveryRecordManager(_Manager):
    """`all_objects`: sealed or not, for code that writes or must see everything."""


class _Setting(Generic[V]):
    """A context variable set for the length of a `with` block. A class rather than
    @contextmanager, which writes to the traceback of the exceptions passing through it
    (and the loader's are frozen dataclasses)."""

    def __init__(self, variable: ContextVar[V], value: V) -> None:
        self.variable, self.value = variable, value

    def __enter__(self) -> None:
        self.token = self.variable.set(self.value)

    def __exit__(self, *exc_info: object) -> None:
        self.variable.reset(self.token)


def opened(investigation_ids: Collection[int]) -> _Setting[frozenset[int]]:
    """Show these investigations' records inside the block, as if published. The caller
    has checked that the user may see them."""
    return _Setting(_opened, _opened.get() | frozenset(investigation_ids))


def team_ids(user: Any) -> list[int]:
    """The sealed investigations this user is on the team of (every one, for an admin)."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = _under_embargo()
    if not user.is_superuser:
        found = found.filter(Q(owner=user) | Q(team=user))
    return list(found.values_list("pk", flat=True).distinct())


def for_user(queryset: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
    """`queryset` (of all records) as this user may see it: the published ones and those
    of the sealed investigations whose team they are on."""
    path = getattr(queryset.model._default_manager, "path", None)
    if path is None:
        return queryset
    with opened(team_ids(user)):
        return hide(queryset, path)


def investigations_for(user: Any) -> models.QuerySet[Any]:
    """The investigations this user may see: the published ones and their team's."""
    return for_user(_investigations().all(), user)


def fixed() -> _Setting[_ReadOnce | None]:
    """Read the sealed investigations at most once in the block: for a request
    (web/middleware.py) or an audit's task. An embargo set or ended meanwhile is seen by
    the next block."""
    return _Setting(_fixed, _ReadOnce())


def unsealed() -> _Setting[bool]:
    """Every record inside the block, sealed or not: for code that writes the registry
    (the loader), never for what it shows."""
    return _Setting(_unsealed, True)


def shown(investigation: Any) -> bool:
    """Whether this investigation's records show here: published, opened, or unsealed."""
    return bool(investigation.is_public() or investigation.pk in _opened.get() or _unsealed.get())


def any_opened() -> bool:
    return bool(_opened.get()) or _unsealed.get()


def lifted_through(today: dt.date | None = None) -> dt.date | None:
    """The day the most recent embargo ended: it moves on whenever one ends, which is
    what a result stored before then needs to know."""
    ended = _investigations().filter(embargo_until__lte=today or timezone.localdate())
    found: dt.date | None = ended.aggregate(last=Max("embargo_until"))["last"]
    return found


def sealed_ids_sql(column: str) -> tuple[str, list[Any]]:
    """An SQL condition, and its parameters, that keeps rows whose `column` (an
    investigation id, or null) is not sealed: for the checks written in SQL."""
    ids = sealed_ids()
    if not ids:
        return "1 = 1", []
    marks = ", ".join(["%s"] * len(ids))
    return f"({column} IS NULL OR {column} NOT IN ({marks}))", ids


# -- setting an embargo: the library under `camwatch embargo` -------------------------------


class EmbargoError(ValueError):
    """An unknown investigation or user; the message says which."""


def _investigation(slug: str) -> Any:
    found = _investigations().filter(slug=slug).first()
    if found is None:
        raise EmbargoError(f"no investigation {slug!r}")
    return found


def _users(usernames: Collection[str]) -> list[Any]:
    users = get_user_model()._default_manager
    found = {user.get_username(): user for user in users.filter(username__in=list(usernames))}
    missing = sorted(set(usernames) - set(found))
    if missing:
        raise EmbargoError(f"no user {', '.join(repr(name) for name in missing)}")
    return [found[name] for name in usernames]


def seal(slug: str, until: dt.date, owner: str | None = None, team: Collection[str] = ()) -> Any:
    """Put the investigation under embargo until `until`; with `owner`, make that user
    its owner; add the `team` to its team. Saved through the model, so its history
    records the change and the stored figures are rebuilt."""
    investigation = _investigation(slug)
    owner_user = _users([owner])[0] if owner else None
    members = _users(team)
    with transaction.atomic():
        investigation.embargo_until = until
        if owner_user is not None:
            investigation.owner = owner_user
        investigation.save()
        investigation.team.add(*members)
    return investigation


def lift(slug: str) -> Any:
    """Publish the investigation now: its records show everywhere at once."""
    investigation = _investigation(slug)
    investigation.embargo_until = None
    investigation.save()
    return investigation


def describe(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every investigation with an embargo date, ended or not, with its owner and team."""
    today = today or timezone.localdate()
    found = _investigations().exclude(embargo_until=None).select_related("owner")
    found = found.prefetch_related("team")
    return [
        {
            "slug": investigation.slug,
            "title": investigation.title,
            "embargo_until": investigation.embargo_until.isoformat(),
            "sealed": investigation.embargo_until > today,
            "owner": investigation.owner.get_username() if investigation.owner else None,
            "team": sorted(user.get_username() for user in investigation.team.all()),
        }
        for investigation in found.order_by("embargo_until", "slug")
    ]

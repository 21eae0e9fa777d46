"""Derived figures computed once per change of the registry (models/snapshots.py).

Every committed save, delete or many-to-many change of a registry record moves the
revision on: once per transaction, after it commits, so that a bulk import costs one
update. A snapshot is served while its key (the revision, and whatever else the result
depends on) still matches, and rebuilt otherwise.

Inside a transaction that has changed the registry but not yet committed, nothing stored
can be trusted, so results are computed afresh and not stored: what the connection sees
is what it gets.

Writes that bypass Django (raw SQL, another program) are not seen: run
`camwatch findings refresh` after them.

Other apps whose records show on public pages (the money trail) keep a revision row of
their own (`track`), so that the page cache (web/pagecache.py) knows when they change
without the registry's snapshots being rebuilt for them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, Model, QuerySet
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import get_script_prefix

import camwatch
from camwatch.registry import embargo

T = TypeVar("T")
logger = logging.getLogger(__name__)

REGISTRY = 1  # the registry's revision row; other apps' rows are given in track()
# The revision row each tracked app's changes move on.
TRACKED_APPS: dict[str, int] = {"registry": REGISTRY}
_BOOKKEEPING = frozenset({"revision", "snapshot", "snapshotbody"})


def _models() -> Any:
    from camwatch.registry import models  # the app registry is ready by the time we are called

    return models


def current(using: str = DEFAULT_DB_ALIAS, row: int = REGISTRY) -> int:
    revision = _models().Revision.objects.using(using).filter(pk=row).values("number").first()
    return int(revision["number"]) if revision else 0


def stamps(rows: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> tuple[tuple[Any, ...], ...]:
    """(row, number, when it last changed) for each of these revision rows that exists, in
    one query. The time tells apart two states that share a number: a database restored
    from a backup, or a transaction rolled back and another committed in its place."""
    found = _models().Revision.objects.using(using).filter(pk__in=list(rows))
    return tuple(found.order_by("pk").values_list("pk", "number", "changed"))


def bump(using: str = DEFAULT_DB_ALIAS, row: int = REGISTRY) -> None:
    """Record that the registry (or the app that owns `row`) changed."""
    revisions = _models().Revision.objects.using(using)
    # update() does not apply auto_now: the time is set here, so that a number given out
    # twice (after a rollback) still stamps two states apart.
    moved = {"number": F("number") + 1, "changed": Now()}
    if not revisions.filter(pk=row).update(**moved):
        try:
            with transaction.atomic(using=using):
                revisions.create(pk=row, number=1)
        except IntegrityError:  # created meanwhile by another process
            revisions.filter(pk=row).update(**moved)


_bumpers: dict[tuple[str, int], Callable[[], None]] = {}


def _bumper(using: str, row: int) -> Callable[[], None]:
    if (using, row) not in _bumpers:
        _bumpers[using, row] = lambda: bump(using, row)
    return _bumpers[using, row]


def pending(using: str = DEFAULT_DB_ALIAS, row: int = REGISTRY) -> bool:
    """Whether this connection has uncommitted changes to the registry (or `row`'s app)."""
    bumper = _bumpers.get((using, row))
    commit_hooks = connections[using].run_on_commit
    return bumper is not None and any(hook[1] is bumper for hook in commit_hooks)


def _tracked(model: type[Model]) -> bool:
    meta = model._meta
    return (
        meta.app_label in TRACKED_APPS
        and meta.model_name not in _BOOKKEEPING
        and not meta.model_name.startswith("historical")
    )


def changed(sender: type[Model], using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Signal receiver: a tracked record changed."""
    if not _tracked(sender):
        return
    row = TRACKED_APPS[sender._meta.app_label]
    connection = connections[using]
    if not connection.in_atomic_block:
        bump(using, row)
    elif not pending(using, row):
        transaction.on_commit(_bumper(using, row), using=using)


def connect_signals() -> None:
    """Listen to the registry's models."""
    track("registry", REGISTRY)


def track(app: str, row: int) -> None:
    """Move revision row `row` on with every committed change to the app's records.
    Listens to the tracked models only, so that deleting snapshots (or anything else
    untracked) keeps Django's fast bulk delete."""
    TRACKED_APPS[app] = row
    for model in apps.get_app_config(app).get_models(include_auto_created=True):
        if not _tracked(model):
            continue
        uid = f"camwatch-revision-{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
        if model._meta.auto_created:  # a many-to-many table
            m2m_changed.connect(changed, sender=model, dispatch_uid=f"{uid}-m2m")


def key_for(*parts: object) -> str:
    """What a snapshot depends on besides the registry: its format, the site's policy...
    and the last embargo to end, since an ending changes what is published without a
    change to the registry."""
    lifted = embargo.lifted_through()
    return ":".join(
        str(part) for part in (current(), camwatch.__version__, get_script_prefix(), lifted, *parts)
    )


def fresh_only() -> bool:
    """Whether stored results cannot be trusted or must not be stored: uncommitted changes
    to the registry, or an investigation under embargo opened for its team."""
    return pending() or embargo.any_opened()


@dataclass(frozen=True)
class Derived(Generic[T]):
    """A result computed from the whole registry and stored between changes."""

    name: str
    build: Callable[[], T]
    encode: Callable[[T], Any]
    decode: Callable[[Any], T]
    depends_on: Callable[[], tuple[object, ...]] = tuple
    bodies: Callable[[T], Iterable[int]] | None = None  # stored as SnapshotBody rows
    # Large pieces stored apart ("<name>/<part>"), read only by the pages that need them:
    # the dashboard reads every chart's first rows, a chart's own page all of its rows.
    parts: Callable[[T], dict[str, Any]] | None = None

    def key(self) -> str:
        return key_for(*self.depends_on())

    def get(self, stale_ok: bool = False) -> T:
        """The stored result while it is current. Otherwise build, store and return it;
        or, with `stale_ok` (a page view), return the stored result at once and rebuild
        in the background, so that nobody waits seconds after an edit."""
        if fresh_only():
            return self.build()
        key = self.key()
        stored = _models().Snapshot.objects.filter(name=self.name).values("key", "payload")
        found = stored.first()
        if found is not None and found["key"] == key:
            return self.decode(found["payload"])
        if found is not None and stale_ok and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            _rebuild_in_background(self)
            return self.decode(found["payload"])
        return self.rebuild(key)

    def part(self, part: str, stale_ok: bool = False) -> Any:
        """A piece stored apart, from the same computation as get()."""
        if fresh_only():
            return self.parts(self.build()).get(part) if self.parts else None
        self.get(stale_ok)
        found = _models().Snapshot.objects.filter(name=f"{self.name}/{part}").first()
        return found.payload if found is not None else None

    def rebuild(self, key: str | None = None) -> T:
        key = key or self.key()
        started = time.perf_counter()
        result = self.build()
        self.save(result, key, time.perf_counter() - started)
        return result

    def save(self, result: T, key: str, seconds: float) -> None:
        body_ids = self.bodies(result) if self.bodies else ()
        models = _models()
        try:
            with transaction.atomic():
                snapshot, _ = models.Snapshot.objects.update_or_create(
                    name=self.name,
                    defaults={"key": key, "payload": self.encode(result), "seconds": seconds},
                )
                snapshot.bodies.all().delete()
                models.SnapshotBody.objects.bulk_create(
                    (models.SnapshotBody(snapshot=snapshot, body_id=pk) for pk in body_ids),
                    batch_size=5000,
                )
                for part, payload in (self.parts(result) if self.parts else {}).items():
                    models.Snapshot.objects.update_or_create(
                        name=f"{self.name}/{part}",
                        defaults={"key": key, "payload": payload, "seconds": 0},
                    )
        except IntegrityError:
            pass  # another process stored the same result at the same moment


_building: set[str] = set()
_building_lock = threading.Lock()


def _rebuild_in_background(derived: Derived[Any]) -> None:
    with _building_lock:
        if derived.name in _building:
            return
        _building.add(derived.name)
    thread = threading.Thread(
        target=_rebuild, args=(derived,), name=f"camwatch-{derived.name}", daemon=True
    )
    thread.start()


def _rebuild(derived: Derived[Any]) -> None:
    try:
        derived.rebuild()
    except Exception:
        logger.exception("recomputing %s failed; the stored figures stay", derived.name)
    finally:
        with _building_lock:
            _building.discard(derived.name)
        connections.close_all()  # this thread's connections


def wait_for_background(timeout: float = 600) -> None:
    """Block until background rebuilds started by this process have finished."""
    for thread in threading.enumerate():
        if thread.name.startswith("camwatch-") and thread is not threading.current_thread():
            thread.join(timeout)


def bodies_of(name: str) -> QuerySet[Any]:
    """The ids of the bodies a stored snapshot names, as a subquery for filters."""
    return _models().SnapshotBody.objects.filter(snapshot__name=name).values("body_id")


def forget() -> int:
    """Delete every stored snapshot; the next request rebuilds each. Returns how many."""
    deleted, _ = _models().Snapshot.objects.all().delete()
    return deleted

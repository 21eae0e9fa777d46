"""Idempotent writes: put a row by its natural key, save only what changed.

Saving only on change is what makes a second `load-data` a no-op: no save, no new
history row, no new modified time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models

from camwatch.registry.loader.bundle import Entry
from camwatch.registry.loader.errors import DataFileError


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            name: dict(sorted(getattr(self, name).items()))
            for name in ("created", "updated", "unchanged", "deleted")
        }


def _stored(obj: models.Model, name: str) -> Any:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation and model_field.many_to_one:
        return getattr(obj, model_field.attname)
    return getattr(obj, name)


def _wanted(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


class Table:
    """The rows of one model, keyed by natural key, loaded once per load.

    Each row's outcome in this load (created, updated or unchanged) is remembered, so
    that a row written in two passes (a body, then its parent link) counts once.
    """

    def __init__(self, model: type[models.Model], key: tuple[str, ...], report: LoadReport) -> None:
        self.model = model
        self.key = key
        self.report = report
        self.label = str(model._meta.verbose_name_plural)
        self.outcomes: dict[tuple[Any, ...], str] = {}
        self.foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
        self._scopes: dict[tuple[str, ...], dict[tuple[Any, ...], list[tuple[Any, ...]]]] = {}
        self.rows: dict[tuple[Any, ...], models.Model] = {
            tuple(_stored(obj, name) for name in key): obj for obj in model._base_manager.all()
        }

    def find(self, **key: Any) -> models.Model | None:
        return self.rows.get(self.marker(**key))

    def marker(self, **key: Any) -> tuple[Any, ...]:
        return tuple(_wanted(key[name]) for name in self.key)

    def put(self, entry: Entry[Any], key: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
        """Create or update the row with this key so that it holds `values`."""
        marker = self.marker(**key)
        obj = self.rows.get(marker)
        if obj is None:
            obj = self.model(**key, **values)
            self._save(entry, obj)
            self.rows[marker] = obj
            self.outcomes[marker] = "created"
            return obj
        changed = [name for name, value in values.items() if _stored(obj, name) != _wanted(value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self._save(entry, obj)
            if self.outcomes.get(marker) != "created":
                self.outcomes[marker] = "updated"
        else:
            self.outcomes.setdefault(marker, "unchanged")
        return obj

    def prune(self, keep: set[tuple[Any, ...]], **scope: Any) -> None:
        """Delete this table's rows inside `scope` whose keys are not in `keep`:
        children the data files no longer list (a dropped citation, say)."""
        names = tuple(sorted(scope))
        wanted = tuple(_wanted(scope[name]) for name in names)
        stale = [
            marker
            for marker in self._in_scope(names).get(wanted, ())
            if marker not in keep
            and marker in self.rows
            and all(_stored(self.rows[marker], n) == v for n, v in zip(names, wanted, strict=True))
        ]
        for marker in stale:
            self.rows.pop(marker).delete()
            self.outcomes.pop(marker, None)
            self.report.deleted[self.label] += 1

    def _in_scope(self, names: tuple[str, ...]) -> dict[tuple[Any, ...], list[tuple[Any, ...]]]:
        """The rows' keys grouped by their values of `names`, built once per scope: pruning
        every holding's citations would otherwise scan the whole table once per holding.
        Rows put after the grouping are this load's own, kept by their `keep` anyway."""
        if names not in self._scopes:
            grouped: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
            for marker, obj in self.rows.items():
                grouped[tuple(_stored(obj, name) for name in names)].append(marker)
            self._scopes[names] = grouped
        return self._scopes[names]

    def tally(self) -> None:
        for outcome in self.outcomes.values():
            getattr(self.report, outcome)[self.label] += 1

    def _save(self, entry: Entry[Any], obj: models.Model) -> None:
        try:
            # Foreign keys are skipped: their targets come from this load's own tables,
            # and Django would check each one with a query.
            obj.clean_fields(exclude=self.foreign_keys)
            obj._change_reason = f"load-data: {entry.path.name}"  # type: ignore[attr-defined]
            obj.save()
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise entry.error("; ".join(messages), field=name) from error
        except IntegrityError as error:
            raise entry.error(f"conflicts with a stored record ({error})") from error
        except DataError as error:  # e.g. a NUL character, which PostgreSQL cannot store
            raise entry.error(f"cannot be stored ({error})") from error


def sync_m2m(manager: Any, wanted: Iterable[models.Model], report: LoadReport, label: str) -> None:
    """Set a many-to-many relation only when it differs, so that no history is written."""
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) != wanted_ids:
        manager.set(list(wanted_ids))
        report.updated[label] += 1


def error_for(entry: Entry[Any], kind: str, value: str, field_name: str) -> DataFileError:
    return entry.error(f"unknown {kind} {value!r}", field=field_name)

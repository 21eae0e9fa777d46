"""Writing millions of rows fast: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create builds a model instance and prepares every value of every row in
Python, which costs more than the database's own work at the synthetic registry's scale
(about 100 s per million holdings here). These helpers take plain tuples, fill every
column the caller leaves out with that field's default (prepared once), and hand the
rows to the driver. Ids are assigned here, so that related rows can refer to them
without a round trip; sequences are reset afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

BATCH = 20_000


def next_id(model: type[models.Model]) -> int:
    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _default(field: models.Field[Any, Any]) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value: Any = timezone.now()
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a caller's plain value becomes what the driver takes, or None if it already is."""
    if isinstance(field, (models.DateField, models.JSONField)):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _columns(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    unknown = set(given) - fields.keys()
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    rest = [f for name, f in fields.items() if name not in given and not f.primary_key]
    names = [fields[name].column for name in given] + [f.column for f in rest]
    return names, tuple(_default(f) for f in rest)


def insert(model: type[models.Model], given: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows whose values are the columns `given` (field attnames, e.g. body_id), in
    that order; every other column gets its field's default. Returns how many."""
    names, defaults = _columns(model, given)
    fields = {field.attname: field for field in model._meta.concrete_fields}
    adapters = [(i, a) for i, name in enumerate(given) if (a := _adapter(fields[name]))]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    written = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            full = [_adapted(row, adapters) + defaults for row in batch]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in full:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", full)
            written += len(full)
    return written


def _adapted(
    row: tuple[Any, ...], adapters: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    if not adapters:
        return row
    values = list(row)
    for i, adapt in adapters:
        values[i] = adapt(values[i])
    return tuple(values)


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, let the database's own next ids follow them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

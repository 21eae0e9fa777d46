"""A time limit for optional queries, as Datasette puts one on its facets: counting a
million holdings by vendor can take seconds, and a list page should not wait for it.

SQLite is interrupted from its progress handler; PostgreSQL cancels the statement at
its statement_timeout, set for the duration of a savepoint and put back afterwards.
Either way the caller gets QueryTimeout and the connection stays usable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction


class QueryTimeout(Exception):
    """The queries took longer than they were allowed."""


@contextmanager
def time_limit(milliseconds: int) -> Iterator[None]:
    """Run the queries inside within `milliseconds` or raise QueryTimeout."""
    if milliseconds <= 0:
        yield
        return
    if connection.vendor == "sqlite":
        with _sqlite_limit(milliseconds):
            yield
    elif connection.vendor == "postgresql":
        with _postgresql_limit(milliseconds):
            yield
    else:
        yield


@contextmanager
def _sqlite_limit(milliseconds: int) -> Iterator[None]:
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + milliseconds / 1000
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    except DatabaseError as error:
        if "interrupted" in str(error):
            raise QueryTimeout(f"took longer than {milliseconds} ms") from error
        raise
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgresql_limit(milliseconds: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [str(milliseconds)]
                )
            yield
    except DatabaseError as error:
        if "statement timeout" in str(error):
            raise QueryTimeout(f"took longer than {milliseconds} ms") from error
        raise
    finally:
        if connection.in_atomic_block and not connection.needs_rollback:
            with connection.cursor() as cursor:  # set_config(..., true) lasts to the outer commit
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])

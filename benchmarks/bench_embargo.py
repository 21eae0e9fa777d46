"""What sealing an investigation (registry/embargo.py) costs the queries every page makes.

With one synthetic campaign of the 1M-holding registry under embargo, the same queries are
timed through the published managers (which leave its records out) and over every record
(`all_objects`, no embargo filter at all): Hikvision's holdings counted across the whole
registry, and one page of a vendor's holdings. The managers are timed as a request uses
them (the sealed ids read once per request, `embargo.fixed`), and the count also as code
outside a request does (a subquery in each query). Run by benchmarks/scale.py, which has
the data; the embargo is lifted again afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.harness import Result, compare

SEALED = "synthetic-campaign-2"


def _count(manager: Any, per_request: bool = True) -> Callable[[], object]:
    def count() -> object:
        return manager.attributed_to(["hikvision"]).exclude(count=0).count()

    return _as_a_request(count) if per_request else count


def _page(manager: Any) -> Callable[[], object]:
    def page() -> object:
        found = manager.with_related().filter(vendor__slug="dahua").order_by("key")
        return list(found[5000:5050])

    return _as_a_request(page)


def _as_a_request(work: Callable[[], object]) -> Callable[[], object]:
    """With the sealed ids read once, as SealedOncePerRequestMiddleware does (the read
    is timed too)."""
    from camwatch.registry import embargo

    def scoped() -> object:
        with embargo.fixed():
            return work()

    return scoped


def measure(runs: int, database: str) -> list[Result]:
    from camwatch.registry import models as m

    sealed = m.Investigation.all_objects.filter(slug=SEALED)
    if not sealed.exists():
        return []
    sealed.update(embargo_until="2999-01-01")
    try:
        held = m.Holding.all_objects.filter(investigation__slug=SEALED).count()
        note = f"{held:,} holdings sealed"
        every = "the same over every record (no embargo filter)"
        return [
            compare(
                "Hikvision holdings counted, one investigation sealed",
                _count(m.Holding.objects),
                every,
                _count(m.Holding.all_objects),
                runs,
                database=database,
                note=note,
            ),
            compare(
                "Hikvision holdings counted outside a request (a subquery), one sealed",
                _count(m.Holding.objects, per_request=False),
                every,
                _count(m.Holding.all_objects, per_request=False),
                runs,
                database=database,
                note=note,
            ),
            compare(
                "a page of Dahua holdings with their relations, one investigation sealed",
                _page(m.Holding.objects),
                every,
                _page(m.Holding.all_objects),
                runs,
                database=database,
                note=note,
            ),
        ]
    finally:
        sealed.update(embargo_until=None)

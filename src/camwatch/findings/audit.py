"""Everything at once: every claim recomputed and every check run, spread over worker
processes, each with its own database connection.

Processes rather than threads: SQLite serialises threads of one process on its global
locks (two threads running the same grouping query each took four times as long as one
alone), while separate processes read a WAL database side by side. PostgreSQL serves
either; processes also keep the Python work off one interpreter lock.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, connections

from camwatch.findings.checks import CHECKS, Finding, series_checks, warm_up
from camwatch.findings.reproduce import Reproduction, reproduce
from camwatch.registry import embargo
from camwatch.registry import models as m

# The checks that read many holdings go first, so that no worker is left with a long pass
# at the end while the other idles. The two series checks share one grouping pass.
SERIES_CHECKS = ("parts-do-not-sum", "totals-disagree")


@dataclass(frozen=True)
class Audit:
    claims: list[Reproduction]
    findings: list[Finding]


def claims_of(investigation_id: int) -> list[Reproduction]:
    claims = m.Claim.objects.filter(investigation_id=investigation_id)
    return reproduce(claims.select_related("investigation", "source", "corrected_by"))


def _tasks() -> tuple[list[int], dict[str, Callable[[], Any]]]:
    # In the claims' own order (by investigation, as Claim.Meta.ordering puts them).
    with_claims = m.Investigation.objects.filter(pk__in=m.Claim.objects.values("investigation"))
    investigations = list(with_claims.values_list("pk", flat=True))
    tasks: dict[str, Callable[[], Any]] = {
        "series": series_checks,
        "same-devices-twice": CHECKS["same-devices-twice"],
    }
    tasks.update({f"claims-{pk}": partial(claims_of, pk) for pk in investigations})
    done = {*SERIES_CHECKS, *tasks}
    tasks.update({name: task for name, task in CHECKS.items() if name not in done})
    return investigations, tasks


def _in_memory() -> bool:
    return connection.vendor == "sqlite" and bool(connection.is_in_memory_db())  # type: ignore[attr-defined]


def _sealed_once(task: Callable[[], Any]) -> Any:
    """Run a task with the investigations under embargo read once for it."""
    with embargo.fixed():
        return task()


def _run(tasks: dict[str, Callable[[], Any]], workers: int) -> dict[str, Any]:
    tasks = {name: partial(_sealed_once, task) for name, task in tasks.items()}
    if workers <= 1 or connection.in_atomic_block or _in_memory():
        # Inside a transaction (a test, an import) or in an in-memory SQLite database
        # other connections would not see the data, so everything runs here.
        return {name: task() for name, task in tasks.items()}
    warm_up()  # resolved once here rather than in every child
    connections.close_all()  # each child opens its own; none inherits an open one
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[str, Future[Any]] = {name: pool.submit(task) for name, task in tasks.items()}
        return {name: future.result() for name, future in futures.items()}


def audit(workers: int = 2) -> Audit:
    """Recompute every claim and run every check; the results are in the same order
    however many workers ran them."""
    investigations, tasks = _tasks()
    results = _run(tasks, workers)
    results.update(results.pop("series"))
    return Audit(
        claims=[item for pk in investigations for item in results[f"claims-{pk}"]],
        findings=[finding for name in CHECKS for finding in results[name]],
    )

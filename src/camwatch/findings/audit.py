"""Everything at once: every claim recomputed and every check run, in parallel where the
database allows it (each worker its own connection; SQLite in WAL mode and PostgreSQL
both serve concurrent readers)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import connection

from camwatch.findings.checks import CHECKS, Finding
from camwatch.findings.reproduce import Reproduction, reproduce
from camwatch.registry import models as m


@dataclass(frozen=True)
class Audit:
    claims: list[Reproduction]
    findings: list[Finding]


def _own_connection(task: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        try:
            return task()
        finally:
            connection.close()  # this thread's connection, not the caller's

    return run


def _claims_of(investigation_id: int) -> Callable[[], list[Reproduction]]:
    def run() -> list[Reproduction]:
        claims = m.Claim.objects.filter(investigation_id=investigation_id)
        return reproduce(claims.select_related("investigation", "source", "corrected_by"))

    return run


def audit(workers: int = 2) -> Audit:
    """Recompute every claim and run every check. Inside a transaction (a test, an import)
    other connections would not see its data, so it then runs in this thread."""
    investigations = list(
        m.Claim.objects.values_list("investigation_id", flat=True).distinct().order_by()
    )
    tasks: dict[str, Callable[[], Any]] = {
        **CHECKS,
        **{f"claims-{pk}": _claims_of(pk) for pk in investigations},
    }
    if workers <= 1 or connection.in_atomic_block:
        results = {name: task() for name, task in tasks.items()}
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {name: pool.submit(_own_connection(task)) for name, task in tasks.items()}
            results = {name: future.result() for name, future in futures.items()}
    claims = [item for pk in investigations for item in results[f"claims-{pk}"]]
    findings = [finding for name in CHECKS for finding in results[name]]
    return Audit(claims=claims, findings=findings)

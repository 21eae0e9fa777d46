"""Loading the bundled dataset: a fresh load and an idempotent rerun, each against the
cost of reading and validating the same files without touching the database."""

from __future__ import annotations

from django.core.management import call_command

from benchmarks.harness import Result, compare
from camwatch.registry import models as m
from camwatch.registry.loader.run import load_data, read_data


def _empty_registry() -> None:
    call_command("flush", interactive=False, verbosity=0)


def _fresh_load() -> None:
    _empty_registry()
    load_data()


def run(runs: int) -> list[Result]:
    fresh = compare(
        "load-data, fresh database",
        _fresh_load,
        "read and validate the data files only",
        read_data,
        runs=max(3, runs // 3),
        note="includes emptying the database first",
    )
    load_data()
    rows = m.Holding.objects.count() + m.PublicBody.objects.count() + m.Claim.objects.count()
    rerun = compare(
        "load-data, rerun with nothing to change",
        load_data,
        "read and validate the data files only",
        read_data,
        runs=runs,
        note=f"{rows} holdings, bodies and claims compared, none written",
    )
    return [fresh, rerun]

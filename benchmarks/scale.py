"""The findings at national scale: a synthetic registry of 50,000 bodies and 1,000,000
holdings (benchmarks/synthetic.py) in a fresh database, then

- every claim recomputed and every check run (`findings audit`), target under 2 s;
- the findings dashboard served, target under 300 ms of server time;
- the dashboard's figures rebuilt from nothing, as after an edit (no target: the pages
  serve the stored figures meanwhile), and the home page's figures served;
- the cost of the embargo filter on holdings queries, one campaign sealed
  (benchmarks/bench_embargo.py);
- with 1,000,000 sightings loaded too, the map's clusters endpoint, target p95 under 50 ms
  (benchmarks/bench_map.py).

Run in a process of its own per database, since Django's database is fixed at start-up:
`python -m benchmarks.scale --database-url URL --output FILE`. `python -m benchmarks`
runs it for SQLite and, when it answers, PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

AUDIT_TARGET_MS = 2000.0
DASHBOARD_TARGET_MS = 300.0


def _fresh_postgres(url: str) -> None:
    """Drop and create the benchmark's own database (never the one tests or users use)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.startswith("camwatch_bench"):
        raise SystemExit(f"refusing to recreate {name!r}: its name must start with camwatch_bench")
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str, bodies: int, holdings: int, sightings: int) -> dict[str, Any]:
    if url.startswith("postgres"):
        _fresh_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camwatch.web.settings")
    os.environ.setdefault("CAMWATCH_ALLOWED_HOSTS", "testserver")
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404 baseline
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.bench_map import generate_sightings
    from benchmarks.synthetic import generate

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    sizes = generate(bodies, holdings)
    sizes["sightings"] = generate_sightings(sightings)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"sizes": sizes, "generate_seconds": round(time.perf_counter() - started, 1)}


def _one_pass() -> object:
    """The baseline: the cheapest statement that reads every holding once."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), SUM(count) FROM registry_holding")
        return cursor.fetchone()


def _page(client: Any, url: str) -> Any:
    """Fetching the page as built from the stored figures: the page cache is off, since
    what is measured is the page's own work, not the cache's."""
    from benchmarks.bench_pages import built

    def fetch() -> object:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        return response

    return built(fetch)


def _measure(runs: int, database: str) -> list[Any]:
    from django.test import Client

    from benchmarks.harness import compare
    from camwatch.findings.audit import audit
    from camwatch.findings.dashboard import build
    from camwatch.registry import snapshots

    client = Client()
    base = "one pass over every holding (COUNT and SUM)"
    a404 = "a 404 through the same middleware"

    def rebuild() -> object:
        snapshots.forget()
        return build()

    return [
        compare(
            "findings audit, 2 workers",
            lambda: audit(workers=2),
            base,
            _one_pass,
            runs,
            database=database,
            target=AUDIT_TARGET_MS,
            note="every claim recomputed and every check run",
        ),
        compare(
            "findings audit, 1 process",
            lambda: audit(workers=1),
            base,
            _one_pass,
            runs,
            database=database,
        ),
        compare(
            "findings dashboard (/findings/)",
            _page(client, "/findings/"),
            a404,
            _page(client, "/no-such-page/"),
            runs,
            database=database,
            target=DASHBOARD_TARGET_MS,
            note="served from the stored figures",
        ),
        compare(
            "home page figures (/index.json)",
            _page(client, "/index.json"),
            a404,
            _page(client, "/no-such-page/"),
            runs,
            database=database,
        ),
        compare(
            "dashboard figures rebuilt from nothing",
            rebuild,
            base,
            _one_pass,
            runs=2,
            unit="s",
            database=database,
            warmup=0,
            note="after an edit; pages serve the stored figures while this runs",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--bodies", type=int, default=50_000)
    parser.add_argument("--holdings", type=int, default=1_000_000)
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    database = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    print(
        f"[{database}] generating {args.bodies:,} bodies, {args.holdings:,} holdings "
        f"and {args.sightings:,} sightings"
    )
    setup = _setup(args.database_url, args.bodies, args.holdings, args.sightings)
    print(f"[{database}] generated in {setup['generate_seconds']} s: {setup['sizes']}")
    results = _measure(args.runs, database)
    from benchmarks import bench_embargo

    results += bench_embargo.measure(args.runs, database)
    if args.sightings:
        from benchmarks import bench_map

        results += bench_map.measure(args.runs, database)
    for result in results:
        print(result.line())
    report = {"database": database, **setup, "benchmarks": [r.as_dict() for r in results]}
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

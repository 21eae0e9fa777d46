"""Run every benchmark and write the results as JSON.

The page, concern and load benchmarks run in this process against a fresh SQLite database
holding the bundled dataset. The scale benchmarks (benchmarks/scale.py) run in a process
of their own per database: SQLite in a scratch file, and PostgreSQL at --postgres-url
when it answers (its database is dropped and created afresh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/camwatch_bench"


def _setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camwatch.web.settings")
    os.environ.setdefault("CAMWATCH_ALLOWED_HOSTS", "testserver")
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404 baseline is expected
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from camwatch.registry.loader.run import load_data

    load_data()


def _small(runs: int, scratch: Path) -> list[dict[str, Any]]:
    _setup_django(scratch / "bench.sqlite3")
    from benchmarks import (
        bench_coding,
        bench_concern,
        bench_load,
        bench_money,
        bench_pages,
        bench_signage,
    )

    results = []
    modules = (bench_pages, bench_concern, bench_load, bench_coding, bench_signage, bench_money)
    for module in modules:
        for result in module.run(runs):
            print(result.line(), flush=True)
            results.append(result.as_dict())
    return results


def _netaudit(records: int, scratch: Path) -> list[dict[str, Any]]:
    """The network audit's benchmarks, in a process of their own: no Django, every core."""
    output = scratch / "netaudit.json"
    command = [sys.executable, "-m", "benchmarks.bench_netaudit", str(records), str(output)]
    subprocess.run(command, check=True, cwd=REPO)
    return list(json.loads(output.read_text()))


def _reachable(url: str) -> bool:
    check = [sys.executable, str(REPO / "scripts" / "db-reachable"), url]
    return subprocess.run(check, check=False, capture_output=True).returncode == 0


def _scale(args: argparse.Namespace, scratch: Path) -> list[dict[str, Any]]:
    urls = [f"sqlite:///{scratch / 'scale.sqlite3'}"]
    if _reachable(args.postgres_url):
        urls.append(args.postgres_url)
    else:
        print(f"PostgreSQL at {args.postgres_url} does not answer: scale benchmarks on SQLite only")
    reports = []
    for i, url in enumerate(urls):
        output = scratch / f"scale-{i}.json"
        command = [sys.executable, "-m", "benchmarks.scale", "--database-url", url]
        command += ["--output", str(output), "--bodies", str(args.bodies)]
        command += ["--holdings", str(args.holdings), "--sightings", str(args.sightings)]
        env = {**os.environ, "CAMWATCH_DATA_DIR": str(scratch / f"data-{i}")}
        env.pop("DATABASE_URL", None)
        subprocess.run(command, check=True, cwd=REPO, env=env)
        reports.append(json.loads(output.read_text()))
    return reports


def _load(args: argparse.Namespace, scale: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The load test, on the database the PostgreSQL scale run left filled (when it ran)."""
    if not any(run.get("database") == "postgresql" for run in scale):
        print("no PostgreSQL scale run: the load test needs its data and is skipped")
        return []
    from benchmarks import bench_http_load

    found = bench_http_load.run(args.postgres_url, args.load_seconds, args.load_users)
    for result in found:
        print(result.line(), flush=True)
    return [result.as_dict() for result in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
    )
    parser.add_argument("--bodies", type=int, default=50_000)
    parser.add_argument("--holdings", type=int, default=1_000_000)
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--no-scale", action="store_true", help="skip the scale benchmarks")
    parser.add_argument("--load-seconds", type=int, default=300, help="the load test's length")
    parser.add_argument("--load-users", type=int, default=200)
    parser.add_argument(
        "--audit-records", type=int, default=1_000_000, help="the network audit's input size"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        results = _netaudit(args.audit_records, Path(scratch))
        results += _small(args.runs, Path(scratch))
        scale = [] if args.no_scale else _scale(args, Path(scratch))
        results += _load(args, scale)
    import django

    report = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "benchmarks": results + [item for run in scale for item in run["benchmarks"]],
        "scale": [{k: v for k, v in run.items() if k != "benchmarks"} for run in scale],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

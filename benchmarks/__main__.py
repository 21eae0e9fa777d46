"""Run every benchmark against a fresh SQLite database and write the results as JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        _setup_django(Path(scratch) / "bench.sqlite3")
        import django

        from benchmarks import bench_concern, bench_load, bench_pages

        results = []
        for module in (bench_pages, bench_concern, bench_load):
            for result in module.run(args.runs):
                baseline = f"{result.baseline_name}: {result.baseline_value} {result.unit}"
                print(
                    f"{result.name}: {result.value} {result.unit} ({result.ratio:.2f}x {baseline})"
                )
                results.append(result.as_dict())
        report = {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "django": django.get_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "database": "sqlite",
            "benchmarks": results,
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
